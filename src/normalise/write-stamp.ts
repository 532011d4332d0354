import { asInteger, asRecord, asTime, ignoreIssues, MAX_INT32 } from './narrow.js';

/**
 * The newest time the cluster stamped on an object or Event: its creation, each
 * managedFields entry's `time`, its deletion request (deletionTimestamp less the
 * grace period) and, for an Event, its microsecond `eventTime`. The write a watch
 * delta shows happened at or after it, so `observed − stamp` bounds the watcher's
 * clock offset (see ClockOffset). Read before the delta is applied, so that the
 * bound counts for the deltas observed just before it; invalid or implausible
 * stamps are left out here and counted when the delta is normalised.
 */
export function newestWriteStamp(raw: unknown, observedAt: number): number | undefined {
  const obj = asRecord(raw);
  const meta = asRecord(obj?.metadata);
  if (obj === undefined || meta === undefined) return undefined;
  let newest = asTime(meta.creationTimestamp, ignoreIssues, observedAt);
  // Plain loops, no closure: this runs for every watch delta.
  const managed = meta.managedFields;
  if (Array.isArray(managed)) {
    for (let i = 0; i < managed.length; i++) {
      const t = asTime(asRecord(managed[i])?.time, ignoreIssues, observedAt);
      if (t !== undefined && (newest === undefined || t > newest)) newest = t;
    }
  }
  const deletion = asTime(meta.deletionTimestamp, ignoreIssues, observedAt);
  if (deletion !== undefined) {
    const grace = asInteger(meta.deletionGracePeriodSeconds, 0, MAX_INT32, ignoreIssues, '') ?? 0;
    const t = deletion - grace * 1000;
    if (newest === undefined || t > newest) newest = t;
  }
  if (obj.kind === 'Event') {
    const t = asTime(obj.eventTime, ignoreIssues, observedAt);
    if (t !== undefined && (newest === undefined || t > newest)) newest = t;
  }
  return newest;
}

/** The `creationTimestamp` an object carries (epoch ms), if it is a valid time. */
export function creationStamp(raw: unknown, observedAt: number): number | undefined {
  return asTime(asRecord(asRecord(raw)?.metadata)?.creationTimestamp, ignoreIssues, observedAt);
}
