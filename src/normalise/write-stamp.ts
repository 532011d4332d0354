import { asInteger, asRecord, asTime, ignoreIssues, type Json, MAX_INT32 } from './narrow.js';

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
  const deletion = deletionIn(meta, observedAt);
  if (deletion !== undefined) {
    const t = requestOf(deletion);
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

/** A deletion request an object shows: its `deletionTimestamp` (epoch ms) and grace period (seconds). */
export interface ShownDeletion {
  readonly at: number;
  readonly grace: number;
}

/** The deletion request `raw` shows, if it carries a valid `deletionTimestamp`. */
export function shownDeletion(raw: unknown, observedAt: number): ShownDeletion | undefined {
  return deletionIn(asRecord(asRecord(raw)?.metadata), observedAt);
}

/** The deletion request an object's `metadata` shows, if it carries a valid `deletionTimestamp`. */
function deletionIn(meta: Json | undefined, observedAt: number): ShownDeletion | undefined {
  const at = asTime(meta?.deletionTimestamp, ignoreIssues, observedAt);
  if (at === undefined) return undefined;
  return { at, grace: asInteger(meta?.deletionGracePeriodSeconds, 0, MAX_INT32, ignoreIssues, '') ?? 0 };
}

/** When a deletion was requested: its `deletionTimestamp` less the grace period. */
function requestOf(d: ShownDeletion): number {
  return d.at - d.grace * 1000;
}

/**
 * When the write from `before` to `after` (two states of one object, in a row) was made, where
 * that write stamped it: the delete request that set its `deletionTimestamp` (that less the
 * grace period), or the request that shortened a grace period to 0, which the apiserver stamps
 * with its own time (a `deletionTimestamp` never moved into the past). Undefined for any other
 * write: a later write of an object being deleted still shows the first request's stamp.
 */
export function deletionWriteStamp(
  before: ShownDeletion | undefined,
  after: ShownDeletion | undefined,
): number | undefined {
  if (after === undefined) return undefined;
  if (before === undefined) return requestOf(after);
  return before.grace > 0 && after.grace === 0 ? after.at : undefined;
}
