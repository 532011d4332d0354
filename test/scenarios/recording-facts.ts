/**
 * What a recording itself says happened, read without the engine: which
 * Event occurrences were observed live, which Pod each create or delete named,
 * which scaling step a ReplicaSet's Pod answered, which generations each root
 * object reached. The properties (properties.ts) compare the engine's traces
 * with these facts, so no expectation is written by hand.
 *
 * Order: within one etcd, `metadata.resourceVersion` orders writes across
 * objects. When every delta's resourceVersion parses as an integer (true of
 * every recording from the local control plane, whose Events share the one
 * etcd), facts are ordered by it; otherwise by position in the file.
 */
import type { Delta } from '../../src/model/delta.js';

/** Kinds whose Events are the workload's actions (issue 9: "every workload Event"). */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
]);

/** client-go's event correlator prefixes the note of an aggregated Event with this. */
export const COMBINED_PREFIX = '(combined from similar events): ';

/** A note without the correlator's aggregation prefix. */
export function stripCombined(note: string): string {
  return note.startsWith(COMBINED_PREFIX) ? note.slice(COMBINED_PREFIX.length) : note;
}

/** An object reference as an Event's `regarding` (or core/v1 `involvedObject`) gives it. */
export interface Regarding {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

/**
 * One action an Event reports. An Event object is one occurrence, unless the
 * correlator aggregated similar Events into it: then each new note is a new
 * occurrence (a new action), and `times` counts how often each note came.
 */
export interface EventOccurrence {
  readonly eventUid: string;
  readonly reason: string;
  readonly regarding: Regarding;
  /** The note without the aggregation prefix. */
  readonly note: string;
  /** Order (see the file comment) of the delta that first carried this note. */
  readonly order: number;
  /** True when first seen in the initial list: finished history, not a live action. */
  readonly initial: boolean;
  /** How many deltas brought this note anew (ADDED, or a count increase), live ones only. */
  times: number;
}

/** A snapshot of the fields the facts need, from one object delta. */
export interface ObjectState {
  readonly order: number;
  readonly index: number;
  readonly type: Delta['type'];
  readonly initial: boolean;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly generation: number | undefined;
  readonly observedGeneration: number | undefined;
  readonly deleting: boolean;
  /** The controller owner's uid, kind and name, if any. */
  readonly controller: { readonly uid: string; readonly kind: string; readonly name: string } | undefined;
  readonly specReplicas: number | undefined;
  readonly nodeName: string | undefined;
  /** A Node while `spec.unschedulable`: the managedFields stamp (epoch ms, whole second) of the entry that set it. */
  readonly cordonStamp: number | undefined;
  /**
   * A Node whose `Ready` condition is not True: that condition's transition
   * (epoch ms, whole second); undefined when it is True or absent.
   */
  readonly notReadyStamp: number | undefined;
  /**
   * A Pod evicted through the Eviction API or by the taint manager: its
   * `DisruptionTarget` transition (epoch ms, whole second).
   */
  readonly evictedAt: number | undefined;
  /** What evicted it: `cordon` for the Eviction API (a drain), `notready` for the taint manager. */
  readonly evictedBy: 'cordon' | 'notready' | undefined;
}

/** A scaling step of a ReplicaSet's desired replicas, read from the ReplicaSet itself. */
export interface ReplicaStep {
  readonly replicaSet: string;
  readonly from: number;
  readonly to: number;
}

/** Everything derived from one recording. */
export interface RecordingFacts {
  readonly occurrences: readonly EventOccurrence[];
  /** Occurrences by `${eventUid}\n${note}`. */
  readonly occurrenceByKey: ReadonlyMap<string, EventOccurrence>;
  /** Object states by uid, in order. */
  readonly states: ReadonlyMap<string, readonly ObjectState[]>;
  /** True when orders are resourceVersions, false when file positions. */
  readonly byResourceVersion: boolean;
}

const rec = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The key of an occurrence in {@link RecordingFacts.occurrenceByKey}. */
export const occurrenceKey = (eventUid: string, note: string): string =>
  `${eventUid}\n${stripCombined(note)}`;

function regardingOf(ev: Record<string, unknown>): Regarding {
  const r = rec(ev.regarding) ?? rec(ev.involvedObject) ?? {};
  return { kind: str(r.kind), namespace: str(r.namespace), name: str(r.name), uid: str(r.uid) };
}

function countOf(ev: Record<string, unknown>): number {
  return num(rec(ev.series)?.count) ?? num(ev.deprecatedCount) ?? num(ev.count) ?? 1;
}

function stateOf(d: Delta, order: number, index: number): ObjectState | undefined {
  const o = rec(d.object);
  const meta = rec(o?.metadata);
  if (o === undefined || meta === undefined || str(meta.uid) === '') return undefined;
  const owner = (Array.isArray(meta.ownerReferences) ? meta.ownerReferences : [])
    .map(rec)
    .find((r) => r?.controller === true);
  const spec = rec(o.spec);
  return {
    order,
    index,
    type: d.type,
    initial: d.initial === true,
    kind: str(o.kind),
    namespace: str(meta.namespace),
    name: str(meta.name),
    uid: str(meta.uid),
    generation: num(meta.generation),
    observedGeneration: num(rec(o.status)?.observedGeneration),
    deleting: meta.deletionTimestamp !== undefined && meta.deletionTimestamp !== null,
    controller:
      owner === undefined ? undefined : { uid: str(owner.uid), kind: str(owner.kind), name: str(owner.name) },
    specReplicas: num(spec?.replicas),
    nodeName: str(spec?.nodeName) || undefined,
    cordonStamp: spec?.unschedulable === true ? cordonStampOf(meta) : undefined,
    notReadyStamp: str(o.kind) === 'Node' ? notReadyStampOf(rec(o.status)) : undefined,
    ...evictionOf(rec(o.status)),
  };
}

/** The time of the managedFields entry that owns `f:spec.f:unschedulable` (the newest, if several). */
function cordonStampOf(meta: Record<string, unknown>): number | undefined {
  let found: number | undefined;
  for (const m of Array.isArray(meta.managedFields) ? meta.managedFields : []) {
    const entry = rec(m);
    if (rec(rec(rec(entry?.fieldsV1)?.['f:spec'])?.['f:unschedulable']) === undefined) continue;
    const t = Date.parse(str(entry?.time));
    if (Number.isFinite(t) && (found === undefined || t > found)) found = t;
  }
  return found;
}

/** The `DisruptionTarget` a drain's or a NotReady Node's eviction set: when, and which. */
function evictionOf(
  status: Record<string, unknown> | undefined,
): Pick<ObjectState, 'evictedAt' | 'evictedBy'> {
  for (const c of Array.isArray(status?.conditions) ? status.conditions : []) {
    const cond = rec(c);
    if (cond?.type !== 'DisruptionTarget' || cond.status !== 'True') continue;
    const by =
      cond.reason === 'EvictionByEvictionAPI'
        ? 'cordon'
        : cond.reason === 'DeletionByTaintManager'
          ? 'notready'
          : undefined;
    const t = Date.parse(str(cond.lastTransitionTime));
    if (by !== undefined && Number.isFinite(t)) return { evictedAt: t, evictedBy: by };
  }
  return { evictedAt: undefined, evictedBy: undefined };
}

/** The transition of a `Ready` condition that is not True. */
function notReadyStampOf(status: Record<string, unknown> | undefined): number | undefined {
  for (const c of Array.isArray(status?.conditions) ? status.conditions : []) {
    const cond = rec(c);
    if (cond?.type !== 'Ready' || cond.status === 'True') continue;
    const t = Date.parse(str(cond.lastTransitionTime));
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/** Reads the facts of a recording (its deltas in file order). */
export function readFacts(deltas: readonly Delta[]): RecordingFacts {
  const rvs = deltas.map((d) => {
    const rv = rec(rec(d.object)?.metadata)?.resourceVersion;
    return typeof rv === 'string' && /^[0-9]+$/.test(rv) ? Number(rv) : undefined;
  });
  const byResourceVersion = rvs.every((rv) => rv !== undefined);
  const orderOf = (i: number): number => (byResourceVersion ? (rvs[i] ?? i) : i);

  const occurrences: EventOccurrence[] = [];
  const occurrenceByKey = new Map<string, EventOccurrence>();
  const countsSeen = new Map<string, Set<number>>();
  const states = new Map<string, ObjectState[]>();

  deltas.forEach((d, i) => {
    const o = rec(d.object);
    if (o === undefined) return;
    if (o.kind === 'Event') {
      if (d.type === 'DELETED') return;
      const uid = str(rec(o.metadata)?.uid);
      if (uid === '') return;
      const rawNote = str(o.note ?? o.message);
      const key = occurrenceKey(uid, rawNote);
      const count = countOf(o);
      // A count not delivered before is a new occurrence, in whatever order the deliveries came.
      const seen = countsSeen.get(uid);
      const anew = seen === undefined || !seen.has(count);
      if (seen === undefined) countsSeen.set(uid, new Set([count]));
      else seen.add(count);
      let occ = occurrenceByKey.get(key);
      if (occ === undefined) {
        occ = {
          eventUid: uid,
          reason: str(o.reason),
          regarding: regardingOf(o),
          note: stripCombined(rawNote),
          order: orderOf(i),
          initial: d.initial === true,
          times: 0,
        };
        occurrenceByKey.set(key, occ);
        occurrences.push(occ);
        if (d.initial !== true) occ.times = 1;
      } else if (anew && d.initial !== true) {
        occ.times += 1;
      }
      return;
    }
    const s = stateOf(d, orderOf(i), i);
    if (s === undefined) return;
    const list = states.get(s.uid);
    if (list === undefined) states.set(s.uid, [s]);
    else list.push(s);
  });
  for (const list of states.values()) list.sort((a, b) => a.order - b.order || a.index - b.index);
  return { occurrences, occurrenceByKey, states, byResourceVersion };
}

/** The last state of `uid` at or before `order`, or its first state when none is that early. */
export function stateAt(facts: RecordingFacts, uid: string, order: number): ObjectState | undefined {
  const list = facts.states.get(uid);
  if (list === undefined) return undefined;
  let found: ObjectState | undefined = list[0];
  for (const s of list) {
    if (s.order > order) break;
    found = s;
  }
  return found;
}

/**
 * The top of an object's controller chain at `order`: the root object whose
 * intent its actions serve. Unknown owners end the chain where they are.
 */
export function topOf(facts: RecordingFacts, uid: string, order: number): string {
  let cur = uid;
  for (let i = 0; i < 64; i++) {
    const owner = stateAt(facts, cur, order)?.controller?.uid;
    if (owner === undefined || owner === '' || owner === cur) return cur;
    cur = owner;
  }
  return cur;
}

/** The Pod a create note names: ReplicaSet/DaemonSet/Job `Created pod: X`, StatefulSet `create Pod X in StatefulSet Y successful`. */
export function createdPodName(note: string): string | undefined {
  return (
    /^Created pod: (\S+)$/.exec(note)?.[1] ??
    /^create Pod (\S+) in StatefulSet \S+ successful$/i.exec(note)?.[1]
  );
}

/** The Pod a delete note names. */
export function deletedPodName(note: string): string | undefined {
  return (
    /^Deleted pod: (\S+)$/.exec(note)?.[1] ??
    /^delete Pod (\S+) in StatefulSet \S+ successful$/i.exec(note)?.[1]
  );
}

/** A Deployment's scaling step note: `Scaled up replica set R from A to B` (or the older `… to B`). */
export function scalingStepOf(
  note: string,
): { readonly direction: 'up' | 'down'; readonly replicaSet: string; readonly to: number } | undefined {
  const m = /^Scaled (up|down) replica set (\S+) (?:from \d+ )?to (\d+)$/.exec(note);
  if (m === null) return undefined;
  return { direction: m[1] === 'up' ? 'up' : 'down', replicaSet: m[2] ?? '', to: Number(m[3]) };
}

/** Pods (uid) by namespace and name, each with the order of its first delta, for name lookups. */
export function podsNamed(facts: RecordingFacts, namespace: string, name: string): ObjectState[] {
  const out: ObjectState[] = [];
  for (const list of facts.states.values()) {
    const first = list[0];
    if (first?.kind === 'Pod' && first.namespace === namespace && first.name === name) out.push(first);
  }
  return out.sort((a, b) => a.order - b.order);
}

/**
 * The scaling step that each Pod of a Deployment's ReplicaSet answered, read
 * from the ReplicaSets' own `spec.replicas`: a rise from A to B owes B−A
 * creates, a fall owes deletes, and Pods are matched to what is owed first in
 * first out. A create owed to nothing (a drained or deleted Pod replaced) and a
 * delete owed to nothing answer no step. Keys: `create/<pod uid>` and
 * `delete/<pod uid>`.
 */
export function replicaStepsOfPods(facts: RecordingFacts): Map<string, ReplicaStep> {
  interface Move {
    readonly order: number;
    readonly index: number;
    readonly apply: () => void;
  }
  const out = new Map<string, ReplicaStep>();
  const deletedByController = new Set<string>();
  for (const occ of facts.occurrences) {
    if (occ.regarding.kind !== 'ReplicaSet' || occ.reason !== 'SuccessfulDelete') continue;
    const name = deletedPodName(occ.note);
    if (name === undefined) continue;
    for (const p of podsNamed(facts, occ.regarding.namespace, name)) {
      if (p.controller?.uid === occ.regarding.uid) deletedByController.add(p.uid);
    }
  }
  const moves = new Map<string, Move[]>();
  const push = (rs: string, m: Move): void => {
    const list = moves.get(rs);
    if (list === undefined) moves.set(rs, [m]);
    else list.push(m);
  };
  const owedUp = new Map<string, ReplicaStep[]>();
  const owedDown = new Map<string, ReplicaStep[]>();
  const owe = (map: Map<string, ReplicaStep[]>, rs: string, step: ReplicaStep, n: number): void => {
    const list = map.get(rs) ?? [];
    for (let i = 0; i < n; i++) list.push(step);
    map.set(rs, list);
  };
  for (const [uid, list] of facts.states) {
    const first = list[0];
    if (first?.kind === 'ReplicaSet') {
      let replicas: number | undefined;
      for (const s of list) {
        if (s.type === 'DELETED') continue;
        const prev = replicas ?? (s.initial ? s.specReplicas : 0);
        replicas = s.specReplicas;
        const underDeployment = s.controller?.kind === 'Deployment';
        if (s.initial || prev === undefined || replicas === undefined || !underDeployment) continue;
        const from = prev;
        const to = replicas;
        if (to === from) continue;
        push(uid, {
          order: s.order,
          index: s.index,
          apply: () => {
            const step = { replicaSet: s.name, from, to };
            if (to > from) owe(owedUp, uid, step, to - from);
            else owe(owedDown, uid, step, from - to);
          },
        });
      }
    } else if (first?.kind === 'Pod' && first.controller?.kind === 'ReplicaSet') {
      const rs = first.controller.uid;
      if (!first.initial && first.type === 'ADDED') {
        push(rs, {
          order: first.order,
          index: first.index,
          apply: () => {
            const step = owedUp.get(rs)?.shift();
            if (step !== undefined) out.set(`create/${uid}`, step);
          },
        });
      }
      const gone = list.find((s) => s.deleting || s.type === 'DELETED');
      if (gone !== undefined && !gone.initial && deletedByController.has(uid)) {
        push(rs, {
          order: gone.order,
          index: gone.index,
          apply: () => {
            const step = owedDown.get(rs)?.shift();
            if (step !== undefined) out.set(`delete/${uid}`, step);
          },
        });
      }
    }
  }
  for (const list of moves.values()) {
    list.sort((a, b) => a.order - b.order || a.index - b.index);
    for (const m of list) m.apply();
  }
  return out;
}

/** A generation some root object reached while the recording ran, or the delete it was given. */
export interface ReachedIntent {
  readonly uid: string;
  readonly kind: string;
  readonly name: string;
  /** The generation, or 'delete' when it was reached by setting deletionTimestamp. */
  readonly key: number | 'delete';
  /** True for an intent in flight in the initial list (status.observedGeneration behind). */
  readonly inFlightAtStart: boolean;
}

/**
 * Every generation a root object (no controller owner) reached during the
 * recording: a generation first seen in a live delta, or one in flight in the
 * initial list. A generation reached with deletionTimestamp set is the delete.
 */
export function reachedIntents(facts: RecordingFacts): ReachedIntent[] {
  const out: ReachedIntent[] = [];
  for (const list of facts.states.values()) {
    let last: number | undefined;
    let deleteSeen = false;
    for (const s of list) {
      if (s.type === 'DELETED' || s.generation === undefined) continue;
      const isNew = s.generation !== last;
      const wasFirst = last === undefined;
      last = s.generation;
      if (!isNew || s.controller !== undefined) continue;
      const base = { uid: s.uid, kind: s.kind, name: s.name };
      if (s.initial) {
        const behind = s.observedGeneration !== undefined && s.observedGeneration < s.generation;
        if (wasFirst && behind && !s.deleting)
          out.push({ ...base, key: s.generation, inFlightAtStart: true });
        if (s.deleting) deleteSeen = true;
        continue;
      }
      if (s.deleting) {
        if (!deleteSeen) out.push({ ...base, key: 'delete', inFlightAtStart: false });
        deleteSeen = true;
      } else {
        out.push({ ...base, key: s.generation, inFlightAtStart: false });
      }
    }
  }
  return out;
}

/**
 * For a root object: the order at which each generation k was written and the
 * order at which its controller first reported `status.observedGeneration >= k`,
 * for the writes the recording saw (not a generation first met in the initial list).
 */
export function generationBoundaries(
  facts: RecordingFacts,
  uid: string,
): { readonly generation: number; readonly written: number; readonly observed: number }[] {
  const list = facts.states.get(uid) ?? [];
  const written = new Map<number, number>();
  const out: { generation: number; written: number; observed: number }[] = [];
  // Only writes the recording saw: a live create, or a generation rising from one seen before.
  let last: number | undefined;
  for (const s of list) {
    if (s.generation === undefined) continue;
    const seenWrite = last === undefined ? s.type === 'ADDED' && !s.initial : s.generation > last;
    if (seenWrite && !written.has(s.generation)) written.set(s.generation, s.order);
    last = s.generation;
  }
  for (const [generation, at] of written) {
    const seen = list.find((s) => (s.observedGeneration ?? -1) >= generation && s.order >= at);
    if (seen !== undefined) out.push({ generation, written: at, observed: seen.order });
  }
  return out;
}
