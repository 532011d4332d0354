import type {
  ConditionState,
  CordonWrite,
  ObjectProjection,
  OwnerRef,
  SpecChange,
  SpecWriter,
  StatusNumbers,
} from '../model/projection.js';
import { intern } from './intern.js';
import {
  asArray,
  asInteger,
  asRecord,
  asString,
  asTime,
  type IssueSink,
  ignoreIssues,
  type Json,
  MAX_INT32,
  truncate,
  wellFormed,
} from './narrow.js';
import { refineOptional, refineTime, sameSecond } from './refine-time.js';
import { type Rejected, reject } from './rejection.js';

/** Conditions kept per object; real objects have at most a handful. */
const MAX_CONDITIONS = 16;
/** Other spec writers kept per object that share the newest one's second; real objects have a few. */
const MAX_SPEC_PEERS = 8;
/** Owner references kept per object. */
const MAX_OWNERS = 8;
/** Condition messages are kept short: they end up as span event attributes. */
const CONDITION_MESSAGE_LIMIT = 512;

const ANNOTATION_TRACEPARENT = 'tracing.k8s.io/traceparent';
const ANNOTATION_TRACE_CONTEXT = 'trace.kubernetes.io/context';

const NO_OWNERS: readonly OwnerRef[] = Object.freeze([]);
const NO_CONDITIONS: readonly ConditionState[] = Object.freeze([]);

/**
 * Narrows an object of any kind into the compact projection the graph keeps.
 * The raw object is not retained. Missing uid, kind or name rejects it.
 * With `observedAt` (the delta's own time, watcher clock), second-precision
 * stamps are refined with it once converted to cluster time by `toCluster`
 * (given the newest apiserver stamp the object carries; see
 * {@link ToClusterTime}; without it the watcher's clock is taken as the
 * cluster's): creation, deletion request, condition transitions, the spec
 * writer's time. With `earlier` (the
 * projection of the same object held so far), each refined stamp keeps the
 * earliest refinement of its second (the delta that first showed it), and
 * unchanged parts (conditions, spec writer, status numbers) are shared with it
 * rather than copied.
 */
export function projectObject(
  raw: unknown,
  sink: IssueSink,
  observedAt?: number,
  earlier?: ObjectProjection,
  toCluster?: ToClusterTime,
): ObjectProjection | Rejected {
  const obj = asRecord(raw);
  if (obj === undefined) return reject('not-an-object');
  const kind = asString(obj.kind);
  if (kind === undefined) return reject('missing-kind');
  const meta = asRecord(obj.metadata);
  if (meta === undefined) return reject('missing-uid');
  const uid = asString(meta.uid);
  if (uid === undefined) return reject('missing-uid');
  const name = asString(meta.name);
  if (name === undefined) return reject('missing-name');

  // A generation that is not a positive integer would split or invent intents (keyed by it): reject.
  const generation = asInteger(meta.generation, 1, Number.MAX_SAFE_INTEGER, ignoreIssues, '');
  if (generation === undefined && meta.generation !== undefined && meta.generation !== null) {
    return reject('invalid-generation');
  }
  const prior = earlier !== undefined && earlier.uid === uid ? earlier : undefined;
  // The apiserver never removes a generation; without it, the engine would read a create.
  if (generation === undefined && prior?.generation !== undefined) return reject('missing-generation');

  const owners = readOwners(meta.ownerReferences, uid, sink);
  let controllerUid: string | undefined;
  for (const owner of owners) {
    if (owner.controller) {
      controllerUid = owner.uid;
      break;
    }
  }
  const spec = asRecord(obj.spec);
  const status = asRecord(obj.status);
  const annotations = asRecord(meta.annotations);
  const grace = asInteger(meta.deletionGracePeriodSeconds, 0, MAX_INT32, sink, 'invalid-number');
  const rawDeletion = asTime(meta.deletionTimestamp, sink, observedAt);
  const rawCreation = asTime(meta.creationTimestamp, sink, observedAt);
  const managed = scanManagedFields(meta.managedFields, sink, observedAt);
  // The newest apiserver stamp: the write that made this state happened in its second, or later.
  let stamp = managed.newest;
  if (rawCreation !== undefined && (stamp === undefined || rawCreation > stamp)) stamp = rawCreation;
  const requested = rawDeletion === undefined ? undefined : rawDeletion - (grace ?? 0) * 1000;
  if (requested !== undefined && (stamp === undefined || requested > stamp)) stamp = requested;
  const clusterAt =
    observedAt === undefined ? undefined : toCluster === undefined ? observedAt : toCluster(stamp);
  let deletion = refinedDeletion(rawDeletion, grace, clusterAt);
  if (prior !== undefined && deletion !== undefined) deletion = earliestDeletion(deletion, grace, prior);

  return {
    // The held projection's strings, when equal: the new copies then die young instead of being promoted.
    uid: prior === undefined ? uid : prior.uid,
    kind: prior !== undefined && prior.kind === kind ? prior.kind : intern(kind),
    apiVersion: internLike(asString(obj.apiVersion) ?? '', prior?.apiVersion),
    namespace: internLike(asString(meta.namespace) ?? '', prior?.namespace),
    name: prior !== undefined && prior.name === name ? prior.name : name,
    resourceVersion: asString(meta.resourceVersion),
    generation,
    observedGeneration:
      status === undefined
        ? undefined
        : asInteger(status.observedGeneration, 0, Number.MAX_SAFE_INTEGER, sink, 'invalid-number'),
    owners,
    controllerUid,
    creationTimestamp: earliestOf(refineOptional(rawCreation, clusterAt), prior?.creationTimestamp),
    deletionTimestamp: deletion,
    deletionGracePeriodSeconds: grace,
    // A stamp's earliest refinement stands for one write: a later generation is another write, even
    // by the same writer in the same second, and starts at its own observation.
    specChange: specChangeOf(
      managed,
      clusterAt,
      prior !== undefined && prior.generation === generation ? prior.specChange : undefined,
    ),
    statusWrittenAt: refineOptional(managed.statusNewest, clusterAt),
    conditions:
      status === undefined
        ? NO_CONDITIONS
        : readConditions(status.conditions, sink, observedAt, clusterAt, prior?.conditions ?? NO_CONDITIONS),
    status: readStatus(spec, status, prior?.status, sink),
    nodeName: spec === undefined ? undefined : optionalIntern(asString(spec.nodeName)),
    cordon:
      kind === 'Node' && spec?.unschedulable === true
        ? cordonOf(meta.managedFields, sink, observedAt, clusterAt, prior?.cordon)
        : undefined,
    traceparent: annotations === undefined ? undefined : asString(annotations[ANNOTATION_TRACEPARENT]),
    traceContext: annotations === undefined ? undefined : asString(annotations[ANNOTATION_TRACE_CONTEXT]),
  };
}

function readOwners(value: unknown, selfUid: string, sink: IssueSink): readonly OwnerRef[] {
  const list = asArray(value);
  if (list.length === 0) return NO_OWNERS;
  const owners: OwnerRef[] = [];
  for (const item of list) {
    if (owners.length >= MAX_OWNERS) break;
    const ref = asRecord(item);
    if (ref === undefined) continue;
    const uid = asString(ref.uid);
    if (uid === undefined) {
      sink.issue('invalid-owner-reference');
      continue;
    }
    if (uid === selfUid) {
      // A self-owner would make the object its own root's child; drop the edge.
      sink.issue('self-owner');
      continue;
    }
    owners.push(
      sharedOwner(uid, asString(ref.kind) ?? '', asString(ref.name) ?? '', ref.controller === true),
    );
  }
  return owners.length === 0 ? NO_OWNERS : owners;
}

/**
 * Converts an observation to cluster time, given the newest apiserver stamp the
 * observed object carries (its own bound on the clock offset); undefined when
 * the offset is not known yet.
 */
export type ToClusterTime = (ownStamp: number | undefined) => number | undefined;

/**
 * What the managedFields say: the spec writers (see {@link specChangeOf}), the
 * newest time of any entry, and the newest time of an entry owning status.
 */
interface ManagedScan {
  readonly best: Json | undefined;
  readonly bestTime: number;
  /** The other timed `f:spec` entries stamped with `bestTime`, at most {@link MAX_SPEC_PEERS}. */
  readonly peers: readonly Json[] | undefined;
  readonly untimed: Json | undefined;
  readonly newest: number | undefined;
  readonly statusNewest: number | undefined;
}

const NO_MANAGED: ManagedScan = Object.freeze({
  best: undefined,
  bestTime: Number.NEGATIVE_INFINITY,
  peers: undefined,
  untimed: undefined,
  newest: undefined,
  statusNewest: undefined,
});

function scanManagedFields(value: unknown, sink: IssueSink, observedAt: number | undefined): ManagedScan {
  const list = asArray(value);
  if (list.length === 0) return NO_MANAGED;
  let best: Json | undefined;
  let bestTime = Number.NEGATIVE_INFINITY;
  let peers: Json[] | undefined;
  let untimed: Json | undefined;
  let newest: number | undefined;
  let statusNewest: number | undefined;
  for (const item of list) {
    const entry = asRecord(item);
    if (entry === undefined) continue;
    const time = asTime(entry.time, sink, observedAt);
    if (time !== undefined && (newest === undefined || time > newest)) newest = time;
    const fields = asRecord(entry.fieldsV1);
    if (
      time !== undefined &&
      (statusNewest === undefined || time > statusNewest) &&
      (entry.subresource === 'status' || fields?.['f:status'] !== undefined)
    ) {
      statusNewest = time;
    }
    if (fields === undefined || fields['f:spec'] === undefined) continue;
    // Status-subresource writes never carry f:spec, so this is the desired-state writer.
    if (time === undefined) untimed = entry;
    else if (best === undefined || time > bestTime) {
      best = entry;
      bestTime = time;
      peers = undefined;
    } else if (time === bestTime) {
      peers ??= [];
      if (peers.length < MAX_SPEC_PEERS) peers.push(best);
      best = entry;
    }
  }
  return { best, bestTime, peers, untimed, newest, statusNewest };
}

/**
 * The desired-state writers: of the managedFields entries that touch `f:spec`
 * (the `scale` subresource's included), the one with the newest time, ties going
 * to the later entry in the list, the others in its second kept as its peers;
 * and the last entry without a time, which the v1.37 apiserver leaves for
 * `kubectl scale` (subresource `scale`).
 */
function specChangeOf(
  scan: ManagedScan,
  observedAt: number | undefined,
  theirs: SpecChange | undefined,
): SpecChange | undefined {
  const { best, bestTime, untimed, peers } = scan;
  const main = best ?? untimed;
  if (main === undefined) return undefined;
  const manager = managerOf(main);
  const operation = operationOf(main);
  const other = best === undefined ? undefined : untimed;
  const otherManager = other === undefined ? undefined : managerOf(other);
  const otherOperation = other === undefined ? undefined : operationOf(other);
  let time = best === undefined ? undefined : refineOptional(bestTime, observedAt);
  if (theirs !== undefined && theirs.manager === manager && theirs.operation === operation) {
    // The same writer seen before: the earliest refinement of its stamp, and the same object when nothing changed.
    time = earliestOf(time, theirs.time);
    if (
      theirs.time === time &&
      theirs.untimed?.manager === otherManager &&
      theirs.untimed?.operation === otherOperation &&
      samePeers(theirs.peers, peers)
    ) {
      return theirs;
    }
  }
  return {
    manager: intern(manager),
    operation: intern(operation),
    time,
    untimed:
      otherManager === undefined
        ? undefined
        : { manager: intern(otherManager), operation: intern(otherOperation ?? '') },
    peers: peers === undefined ? undefined : peers.map(writerOf),
  };
}

function managerOf(entry: Json): string {
  return asString(entry.manager) ?? 'unknown';
}

function operationOf(entry: Json): string {
  return asString(entry.operation) ?? '';
}

function writerOf(entry: Json): SpecWriter {
  return { manager: intern(managerOf(entry)), operation: intern(operationOf(entry)) };
}

function samePeers(held: readonly SpecWriter[] | undefined, entries: readonly Json[] | undefined): boolean {
  if (held === undefined || entries === undefined) return held === entries;
  if (held.length !== entries.length) return false;
  return held.every((w, i) => {
    const e = entries[i];
    return e !== undefined && w.manager === managerOf(e) && w.operation === operationOf(e);
  });
}

/**
 * The writer of a Node's `spec.unschedulable` (kubectl cordon or drain): the
 * managedFields entry owning `f:spec.f:unschedulable`, its stamp refined by the
 * observation, the earliest refinement of the same write kept.
 */
function cordonOf(
  value: unknown,
  sink: IssueSink,
  observedAt: number | undefined,
  clusterAt: number | undefined,
  theirs: CordonWrite | undefined,
): CordonWrite {
  let entry: Json | undefined;
  for (const item of asArray(value)) {
    const e = asRecord(item);
    const spec = asRecord(asRecord(e?.fieldsV1)?.['f:spec']);
    if (spec?.['f:unschedulable'] !== undefined) entry = e;
  }
  const manager = intern(asString(entry?.manager) ?? 'unknown');
  const operation = intern(asString(entry?.operation) ?? '');
  let time = refineOptional(
    entry === undefined ? undefined : asTime(entry.time, sink, observedAt),
    clusterAt,
  );
  if (theirs !== undefined && theirs.manager === manager && theirs.operation === operation) {
    time = earliestOf(time, theirs.time);
    if (time === theirs.time) return theirs;
  }
  return { manager, operation, time };
}

/** deletionTimestamp is the request plus the grace period: refine the request, which is what was observed. */
function refinedDeletion(
  ts: number | undefined,
  grace: number | undefined,
  observedAt: number | undefined,
): number | undefined {
  if (ts === undefined || observedAt === undefined) return ts;
  const graceMs = (grace ?? 0) * 1000;
  return refineTime(ts - graceMs, observedAt) + graceMs;
}

function readConditions(
  value: unknown,
  sink: IssueSink,
  observedAt: number | undefined,
  clusterAt: number | undefined,
  earlier: readonly ConditionState[],
): readonly ConditionState[] {
  const list = asArray(value);
  if (list.length === 0) return NO_CONDITIONS;
  const out: ConditionState[] = [];
  let allShared = true;
  for (const item of list) {
    if (out.length >= MAX_CONDITIONS) break;
    const c = asRecord(item);
    if (c === undefined) continue;
    const type = asString(c.type);
    const status = asString(c.status);
    if (type === undefined || status === undefined) {
      sink.issue('invalid-condition');
      continue;
    }
    let rawMessage = asString(c.message);
    let reason = asString(c.reason);
    let time = refineOptional(asTime(c.lastTransitionTime, sink, observedAt), clusterAt);
    let before: ConditionState | undefined;
    for (const e of earlier) {
      if (e.type === type && e.status === status) {
        before = e;
        break;
      }
    }
    if (before !== undefined) {
      time = earliestOf(time, before.lastTransitionTime);
      // A Pod's eviction is the first evictor's: one marking it again while it is still True
      // (the Pod garbage collector, once its Node is deleted) only finishes it.
      if (type === 'DisruptionTarget' && before.reason !== undefined && reason !== before.reason) {
        reason = before.reason;
        rawMessage = before.message;
      }
      // Unchanged since the last delta (the common case): share the earlier object.
      if (before.lastTransitionTime === time && before.reason === reason && before.message === rawMessage) {
        if (earlier[out.length] !== before) allShared = false;
        out.push(before);
        continue;
      }
    }
    allShared = false;
    out.push({
      type: intern(type),
      status: intern(status),
      reason: optionalIntern(reason),
      message:
        rawMessage === undefined
          ? undefined
          : truncate(wellFormed(rawMessage, sink), CONDITION_MESSAGE_LIMIT).text,
      lastTransitionTime: time,
    });
  }
  return allShared && out.length === earlier.length ? earlier : out;
}

/** The earlier refinement of the same second, when smaller: the delta that first showed the stamp. */
function earliestOf(mine: number | undefined, theirs: number | undefined): number | undefined {
  if (mine === undefined || theirs === undefined) return mine;
  return theirs < mine && sameSecond(mine, theirs) ? theirs : mine;
}

/** The held (already interned) copy when equal: a string compare is cheaper than hashing a new string. */
function internLike(value: string, held: string | undefined): string {
  return held !== undefined && held === value ? held : intern(value);
}

function optionalIntern(value: string | undefined): string | undefined {
  return value === undefined ? undefined : intern(value);
}

/** Owner references shared by all the children of one owner (a ReplicaSet's pods): bounded, cleared when full. */
const OWNER_CACHE_MAX = 50_000;
const ownerCache = new Map<string, OwnerRef>();

function sharedOwner(uid: string, kind: string, name: string, controller: boolean): OwnerRef {
  const found = ownerCache.get(uid);
  if (found !== undefined && found.name === name && found.kind === kind && found.controller === controller)
    return found;
  if (ownerCache.size >= OWNER_CACHE_MAX) ownerCache.clear();
  const ref: OwnerRef = Object.freeze({ uid, kind: intern(kind), name, controller });
  ownerCache.set(uid, ref);
  return ref;
}

/** Statuses with no numbers (Pods, most objects) are shared per phase rather than allocated per object. */
const phaseOnly = new Map<string | undefined, StatusNumbers>();

/**
 * The status numbers; shared with `prior` when equal, and per phase when there are
 * none (Pods): allocated only when something new is there to keep.
 */
function readStatus(
  spec: Json | undefined,
  status: Json | undefined,
  prior: StatusNumbers | undefined,
  sink: IssueSink,
): StatusNumbers {
  // Replica counts are int32s: a fraction or 1e300 never compares equal to a real count.
  const count = (v: unknown): number | undefined => asInteger(v, 0, MAX_INT32, sink, 'invalid-number');
  const specReplicas = spec === undefined ? undefined : count(spec.replicas);
  const st = status ?? NO_STATUS;
  const replicas = count(st.replicas);
  const readyReplicas = count(st.readyReplicas);
  const updatedReplicas = count(st.updatedReplicas);
  const availableReplicas = count(st.availableReplicas);
  const currentRevision = asString(st.currentRevision);
  const updateRevision = asString(st.updateRevision);
  const numberReady = count(st.numberReady);
  const desiredNumberScheduled = count(st.desiredNumberScheduled);
  const updatedNumberScheduled = count(st.updatedNumberScheduled);
  const succeeded = count(st.succeeded);
  const failed = count(st.failed);
  const rawPhase = asString(st.phase);
  if (
    prior !== undefined &&
    prior.specReplicas === specReplicas &&
    prior.replicas === replicas &&
    prior.readyReplicas === readyReplicas &&
    prior.updatedReplicas === updatedReplicas &&
    prior.availableReplicas === availableReplicas &&
    prior.currentRevision === currentRevision &&
    prior.updateRevision === updateRevision &&
    prior.numberReady === numberReady &&
    prior.desiredNumberScheduled === desiredNumberScheduled &&
    prior.updatedNumberScheduled === updatedNumberScheduled &&
    prior.succeeded === succeeded &&
    prior.failed === failed &&
    prior.phase === rawPhase
  ) {
    return prior;
  }
  const phase = optionalIntern(rawPhase);
  const phaseOnlyStatus =
    specReplicas === undefined &&
    replicas === undefined &&
    readyReplicas === undefined &&
    updatedReplicas === undefined &&
    availableReplicas === undefined &&
    currentRevision === undefined &&
    updateRevision === undefined &&
    numberReady === undefined &&
    desiredNumberScheduled === undefined &&
    updatedNumberScheduled === undefined &&
    succeeded === undefined &&
    failed === undefined;
  if (phaseOnlyStatus) {
    const shared = phaseOnly.get(phase);
    if (shared !== undefined) return shared;
  }
  const s: StatusNumbers = {
    specReplicas,
    replicas,
    readyReplicas,
    updatedReplicas,
    availableReplicas,
    currentRevision,
    updateRevision,
    numberReady,
    desiredNumberScheduled,
    updatedNumberScheduled,
    succeeded,
    failed,
    phase,
  };
  if (phaseOnlyStatus && phaseOnly.size < 64) phaseOnly.set(phase, Object.freeze(s));
  return s;
}

const NO_STATUS: Json = Object.freeze({});

/** The condition of `type`, if the projection has one. */
export function conditionOf(p: ObjectProjection, type: string): ConditionState | undefined {
  for (const c of p.conditions) if (c.type === type) return c;
  return undefined;
}

/** When a delete was asked for: deletionTimestamp less the grace period (the API sets it in the future). */
export function deletionRequestedAt(p: ObjectProjection): number | undefined {
  if (p.deletionTimestamp === undefined) return undefined;
  return p.deletionTimestamp - (p.deletionGracePeriodSeconds ?? 0) * 1000;
}

/**
 * A refined `deletion` (with `grace`, seconds) whose request is later than that of `earlier`
 * (a state of the same object shown before): the earlier request with this write's own grace
 * period. Within one second, as refined stamps come from the delta that first showed them;
 * across seconds, because a deletion is never asked for again: a delete of an object being
 * deleted only shortens its grace period, and the apiserver stamps it anew, now plus the
 * shorter grace (a kubelet's, kwok's or a forced delete at grace 0, seconds or minutes after
 * the first), while the deletion began at the first. Such a write still shows that it
 * shortened it (see own-write.ts). `deletion` otherwise.
 */
export function earliestDeletion(
  deletion: number,
  grace: number | undefined,
  earlier: ObjectProjection,
): number {
  const theirs = deletionRequestedAt(earlier);
  if (theirs === undefined) return deletion;
  const mine = deletion - (grace ?? 0) * 1000;
  return theirs < mine ? theirs + (grace ?? 0) * 1000 : deletion;
}
