import { NOTE_LIMIT_BYTES } from '../model/attributes.js';
import type { NormalEvent, ObjectRef } from '../model/projection.js';
import { combinedMessage } from './combined-event.js';
import { intern } from './intern.js';
import {
  asArray,
  asInteger,
  asRecord,
  asString,
  asTime,
  type IssueSink,
  type Json,
  MAX_INT32,
  truncate,
  wellFormed,
} from './narrow.js';
import type { ToClusterTime } from './project-object.js';
import { refineOptional } from './refine-time.js';
import { type Rejected, reject } from './rejection.js';

/** True when `raw` is an Event of either API version (core/v1 or events.k8s.io). */
export function isEventObject(raw: unknown): boolean {
  const obj = asRecord(raw);
  return obj !== undefined && obj.kind === 'Event';
}

/**
 * Narrows a core/v1 or events.k8s.io/v1 Event into one shape.
 * `fallbackTime` (when the delta was observed, watcher clock), converted to cluster time by
 * `toCluster` (given the Event's newest apiserver stamp; without it the watcher's clock is
 * taken as the cluster's), refines its second-precision stamps (first/lastTimestamp,
 * creationTimestamp): the occurrence this delivery reports happened at most as late as it
 * was observed. It stands in when the Event carries no valid time. MicroTimes (eventTime,
 * series.lastObservedTime) are kept as they are. A combined Event (client-go's correlator
 * folded similar Events into it, see combined-event.ts) reports one occurrence per delivery:
 * its `occurrence` is the count, its `message` the note after the prefix, and its times that
 * occurrence's (series.lastObservedTime, else lastTimestamp, else the observation).
 */
export function normaliseEvent(
  raw: unknown,
  fallbackTime: number,
  sink: IssueSink,
  toCluster?: ToClusterTime,
): NormalEvent | Rejected {
  const obj = asRecord(raw);
  if (obj === undefined) return reject('not-an-object');
  const meta = asRecord(obj.metadata);
  const uid = meta === undefined ? undefined : asString(meta.uid);
  if (uid === undefined || meta === undefined) return reject('missing-uid');
  // events.k8s.io names the object `regarding`; core/v1 names it `involvedObject`.
  const isNewApi = obj.regarding !== undefined || obj.involvedObject === undefined;
  const involved = readRef(isNewApi ? obj.regarding : obj.involvedObject, sink);
  if (involved === undefined) return reject('missing-involved-object');
  const reason = asString(obj.reason);
  if (reason === undefined) return reject('missing-reason');

  const source = asRecord(isNewApi ? obj.deprecatedSource : obj.source);
  const controller =
    asString(obj.reportingController) ??
    asString(obj.reportingComponent) ??
    (source === undefined ? undefined : asString(source.component)) ??
    'unknown';
  const instance =
    asString(obj.reportingInstance) ?? (source === undefined ? undefined : asString(source.host)) ?? '';

  const rawNote = asString(isNewApi ? obj.note : obj.message) ?? '';
  const note = truncate(wellFormed(rawNote, sink), NOTE_LIMIT_BYTES);
  if (note.truncated) sink.issue('note-truncated');

  const series = asRecord(obj.series);
  const rawCreated = asTime(meta.creationTimestamp, sink, fallbackTime);
  // The apiserver's own stamps (creation, and each update's managedFields time) bound the clock offset.
  let stamp = rawCreated;
  for (const item of asArray(meta.managedFields)) {
    const t = asTime(asRecord(item)?.time, sink, fallbackTime);
    if (t !== undefined && (stamp === undefined || t > stamp)) stamp = t;
  }
  const clusterAt = toCluster === undefined ? fallbackTime : toCluster(stamp);
  const eventTime = asTime(obj.eventTime, sink, fallbackTime);
  const firstStamp = refineOptional(
    asTime(isNewApi ? obj.deprecatedFirstTimestamp : obj.firstTimestamp, sink, fallbackTime),
    clusterAt,
  );
  const lastStamp = refineOptional(
    asTime(isNewApi ? obj.deprecatedLastTimestamp : obj.lastTimestamp, sink, fallbackTime),
    clusterAt,
  );
  const seriesLast = series === undefined ? undefined : asTime(series.lastObservedTime, sink, fallbackTime);
  const created = refineOptional(rawCreated, clusterAt);

  const message = combinedMessage(note.text);
  let firstTime: number | undefined;
  let lastTime: number | undefined;
  if (message !== undefined) {
    // A combined Event's delivery reports one occurrence: the latest, at the Event's last time
    // (its first stamps are the first occurrence's), else when this update was observed.
    firstTime = seriesLast ?? lastStamp;
    lastTime = firstTime;
  } else {
    firstTime = eventTime ?? firstStamp ?? lastStamp ?? seriesLast ?? created;
    lastTime = seriesLast ?? lastStamp ?? eventTime ?? firstStamp ?? created;
  }
  const exactFirstTime =
    firstTime !== undefined && firstTime === (message !== undefined ? seriesLast : eventTime);
  if (firstTime === undefined || lastTime === undefined) {
    sink.issue('missing-timestamp');
    // Nothing stamped: the observation is all there is, in cluster time when the offset is known.
    firstTime = clusterAt ?? fallbackTime;
    lastTime = firstTime;
  }
  if (lastTime < firstTime) lastTime = firstTime;

  // Counts are int32s (a count of 1e300 would be exported as a double); below 1 means once.
  const count = positiveCount(
    (series === undefined
      ? undefined
      : asInteger(series.count, Number.MIN_SAFE_INTEGER, MAX_INT32, sink, 'invalid-count')) ??
      asInteger(
        isNewApi ? obj.deprecatedCount : obj.count,
        Number.MIN_SAFE_INTEGER,
        MAX_INT32,
        sink,
        'invalid-count',
      ),
  );

  return {
    uid,
    namespace: intern(asString(meta.namespace) ?? ''),
    name: asString(meta.name) ?? '',
    resourceVersion: asString(meta.resourceVersion),
    reason: intern(reason),
    type: intern(asString(obj.type) ?? 'Normal'),
    note: note.text,
    noteTruncated: note.truncated,
    message: message ?? note.text,
    occurrence: message === undefined ? undefined : count,
    controller: intern(controller),
    instance: intern(instance),
    involved,
    related: isNewApi ? readRef(obj.related, sink) : undefined,
    firstTime,
    lastTime,
    exactFirstTime,
    count,
  };
}

function positiveCount(value: number | undefined): number {
  return value !== undefined && value >= 1 ? value : 1;
}

function readRef(value: unknown, _sink: IssueSink): ObjectRef | undefined {
  const ref: Json | undefined = asRecord(value);
  if (ref === undefined) return undefined;
  const kind = asString(ref.kind);
  const name = asString(ref.name);
  if (kind === undefined || name === undefined) return undefined;
  return {
    kind: intern(kind),
    namespace: intern(asString(ref.namespace) ?? ''),
    name,
    uid: asString(ref.uid) ?? '',
    apiVersion: intern(asString(ref.apiVersion) ?? ''),
    fieldPath: asString(ref.fieldPath),
    resourceVersion: asString(ref.resourceVersion),
  };
}
