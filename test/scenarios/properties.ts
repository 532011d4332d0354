/**
 * The trace properties of issues 9 and 12, checked against the facts of the
 * recording itself (recording-facts.ts), never against hand-written
 * expectations. Each property returns its violations, one line each; none
 * means it holds.
 */
import { type MergedTrace, mergeTraceRecords } from '../../src/assembly/merge-records.js';
import {
  ATTR_K8S_EVENT_NOTE,
  ATTR_K8S_EVENT_UID,
  ATTR_K8S_NAMESPACE_NAME,
  ATTR_KUBETRAIL_DRAIN_EVICTIONS,
  ATTR_KUBETRAIL_GENERATION,
  ATTR_KUBETRAIL_INTENT,
  ATTR_KUBETRAIL_SPAN_OPEN,
  uidAttributeKey,
} from '../../src/model/attributes.js';
import { nodeSpellTraceIdOf } from '../../src/model/ids.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import {
  createdPodName,
  type EventOccurrence,
  generationBoundaries,
  type ObjectState,
  occurrenceKey,
  podsNamed,
  type RecordingFacts,
  reachedIntents,
  replicaStepsOfPods,
  scalingStepOf,
  stripCombined,
  topOf,
  WORKLOAD_KINDS,
} from './recording-facts.js';

/** A property's name, as the tests and the report table use it. */
export type PropertyName =
  | 'event-one-span-per-trace'
  | 'scheduled-under-created-pod'
  | 'rs-actions-under-their-step'
  | 'one-root-parents-in-trace'
  | 'generation-has-trace'
  | 'no-span-before-root'
  | 'no-span-before-parent'
  | 'one-intent-per-trace'
  | 'one-span-per-scaling-step'
  | 'no-span-after-convergence'
  | 'lifecycle-children-within-50ms'
  | 'eviction-under-its-spell';

/** What the properties look at: the recording's facts and the engine's traces, indexed. */
export class Observed {
  readonly traces: readonly MergedTrace[];
  /** Spans of each trace by span id. */
  readonly #spans = new Map<string, Map<string, SpanRecord>>();
  /** Spans of each Event occurrence (`occurrenceKey`), with their trace. */
  readonly spansOf = new Map<string, { trace: MergedTrace; span: SpanRecord }[]>();
  /**
   * Traces whose every record is late: continued from the instance that ran before
   * this one's start, whose root and earlier spans it exported.
   */
  readonly continued = new Set<string>();

  constructor(
    readonly facts: RecordingFacts,
    records: readonly TraceRecord[],
  ) {
    this.traces = mergeTraceRecords(records);
    const first = new Set(records.filter((r) => r.late !== true).map((r) => r.traceId));
    for (const r of records) if (!first.has(r.traceId)) this.continued.add(r.traceId);
    for (const t of this.traces) {
      this.#spans.set(t.traceId, new Map(t.spans.map((s) => [s.spanId, s])));
      for (const s of t.spans) {
        const uid = s.attributes[ATTR_K8S_EVENT_UID];
        if (typeof uid !== 'string') continue;
        const key = occurrenceKey(uid, String(s.attributes[ATTR_K8S_EVENT_NOTE] ?? ''));
        const list = this.spansOf.get(key) ?? [];
        list.push({ trace: t, span: s });
        this.spansOf.set(key, list);
      }
    }
  }

  /** The ancestors of `span` in `trace`, nearest first (stops on a cycle). */
  ancestors(trace: MergedTrace, span: SpanRecord): SpanRecord[] {
    const byId = this.#spans.get(trace.traceId);
    const out: SpanRecord[] = [];
    const seen = new Set<string>([span.spanId]);
    for (let p = byId?.get(span.parentSpanId ?? ''); p !== undefined; p = byId?.get(p.parentSpanId ?? '')) {
      if (seen.has(p.spanId)) break;
      seen.add(p.spanId);
      out.push(p);
    }
    return out;
  }

  /** The parent of `span` in `trace`. */
  parent(trace: MergedTrace, span: SpanRecord): SpanRecord | undefined {
    return this.#spans.get(trace.traceId)?.get(span.parentSpanId ?? '');
  }
}

const noteOf = (s: SpanRecord): string => stripCombined(String(s.attributes[ATTR_K8S_EVENT_NOTE] ?? ''));
const eventUidOf = (s: SpanRecord): string | undefined => {
  const v = s.attributes[ATTR_K8S_EVENT_UID];
  return typeof v === 'string' ? v : undefined;
};
const live = (o: EventOccurrence): boolean => !o.initial;
const describeOcc = (o: EventOccurrence): string =>
  `${o.regarding.kind}.${o.reason} "${o.note}" (event ${o.eventUid.slice(0, 8)})`;
const describeTrace = (t: MergedTrace): string => `${t.root.name} ${t.traceId.slice(0, 8)}`;

/** The uid of the object a root span is about. */
function rootObjectUid(root: SpanRecord): string | undefined {
  const kind = root.name.split('.')[0] ?? '';
  const v = root.attributes[uidAttributeKey(kind)];
  return typeof v === 'string' ? v : undefined;
}

/** Every workload Event occurrence seen live has a span, and no trace has two of it. */
function eventOneSpanPerTrace(o: Observed): string[] {
  const out: string[] = [];
  for (const occ of o.facts.occurrences) {
    if (!live(occ) || !WORKLOAD_KINDS.has(occ.regarding.kind)) continue;
    const spans = o.spansOf.get(occurrenceKey(occ.eventUid, occ.note)) ?? [];
    if (spans.length === 0) out.push(`no span for ${describeOcc(occ)}`);
    const perTrace = new Map<string, number>();
    for (const { trace } of spans) perTrace.set(trace.traceId, (perTrace.get(trace.traceId) ?? 0) + 1);
    for (const [traceId, n] of perTrace) {
      if (n > 1) out.push(`${n} spans for ${describeOcc(occ)} in trace ${traceId.slice(0, 8)}`);
    }
  }
  return out;
}

/** A Pod's Scheduled span sits under the `Created pod` span that names that Pod (by its uid's name and owner). */
function scheduledUnderCreatedPod(o: Observed): string[] {
  const out: string[] = [];
  const occs = o.facts.occurrences.filter(live);
  for (const sched of occs) {
    if (sched.reason !== 'Scheduled' || sched.regarding.kind !== 'Pod') continue;
    const pod = o.facts.states.get(sched.regarding.uid)?.[0];
    if (pod === undefined || pod.initial || pod.controller === undefined) continue;
    const owner = pod.controller.uid;
    const creates = occs.filter(
      (c) =>
        c.reason === 'SuccessfulCreate' && c.regarding.uid === owner && createdPodName(c.note) === pod.name,
    );
    if (creates.length === 0) continue;
    const createKeys = new Set(creates.map((c) => occurrenceKey(c.eventUid, c.note)));
    for (const { trace, span } of o.spansOf.get(occurrenceKey(sched.eventUid, sched.note)) ?? []) {
      const under = o
        .ancestors(trace, span)
        .some(
          (a) => eventUidOf(a) !== undefined && createKeys.has(occurrenceKey(eventUidOf(a) ?? '', noteOf(a))),
        );
      if (!under) {
        const parent = o.parent(trace, span);
        out.push(
          `Scheduled of ${pod.name} (uid ${pod.uid.slice(0, 8)}) is under ${parent?.name ?? 'nothing'} "${parent ? noteOf(parent) : ''}" in ${describeTrace(trace)}, not under its "${creates[0]?.note}"`,
        );
      }
    }
  }
  return out;
}

/**
 * A ReplicaSet's create and delete Events sit under a scaling step that names
 * that ReplicaSet (up for creates, down for deletes), for every Pod that
 * answered a step the recording holds (see replicaStepsOfPods).
 */
function rsActionsUnderTheirStep(o: Observed): string[] {
  const out: string[] = [];
  const steps = replicaStepsOfPods(o.facts);
  const occs = o.facts.occurrences.filter(live);
  const recordedSteps = new Set<string>();
  for (const occ of occs) {
    if (occ.reason !== 'ScalingReplicaSet') continue;
    const s = scalingStepOf(occ.note);
    if (s !== undefined) recordedSteps.add(`${s.direction} ${s.replicaSet} ${s.to}`);
  }
  for (const occ of occs) {
    if (occ.regarding.kind !== 'ReplicaSet') continue;
    const verb =
      occ.reason === 'SuccessfulCreate' ? 'create' : occ.reason === 'SuccessfulDelete' ? 'delete' : '';
    if (verb === '') continue;
    const podName = verb === 'create' ? createdPodName(occ.note) : /^Deleted pod: (\S+)$/.exec(occ.note)?.[1];
    if (podName === undefined) continue;
    const pods = podsNamed(o.facts, occ.regarding.namespace, podName).filter(
      (p) => p.controller?.uid === occ.regarding.uid,
    );
    const direction = verb === 'create' ? 'up' : 'down';
    const step = pods.map((p) => steps.get(`${verb}/${p.uid}`)).find((s) => s !== undefined);
    if (step === undefined || !recordedSteps.has(`${direction} ${step.replicaSet} ${step.to}`)) continue;
    for (const { trace, span } of o.spansOf.get(occurrenceKey(occ.eventUid, occ.note)) ?? []) {
      const ok = o.ancestors(trace, span).some((a) => {
        const s = a.name === 'Deployment.ScalingReplicaSet' ? scalingStepOf(noteOf(a)) : undefined;
        return s?.direction === direction && s.replicaSet === occ.regarding.name;
      });
      if (!ok) {
        const parent = o.parent(trace, span);
        out.push(
          `"${occ.note}" is under ${parent?.name ?? 'nothing'} "${parent ? noteOf(parent) : ''}" in ${describeTrace(trace)}, not under a "Scaled ${direction} replica set ${occ.regarding.name}" (it answered ${step.from} → ${step.to})`,
        );
      }
    }
  }
  return out;
}

/** Every trace has exactly one root, every parent id names a span of the trace, and every span reaches the root. */
function oneRootParentsInTrace(o: Observed): string[] {
  const out: string[] = [];
  for (const t of o.traces) {
    const roots = t.spans.filter((s) => s.parentSpanId === undefined);
    if (roots.length !== 1) out.push(`${describeTrace(t)} has ${roots.length} roots`);
    for (const s of t.spans) {
      if (s.parentSpanId === undefined) continue;
      // A continued trace's spans may name parents the previous instance exported.
      if (o.continued.has(t.traceId) && o.parent(t, o.ancestors(t, s).at(-1) ?? s) === undefined) continue;
      if (o.parent(t, s) === undefined) {
        out.push(`${s.name} "${noteOf(s)}" in ${describeTrace(t)} names a parent not in its trace`);
        continue;
      }
      const chain = o.ancestors(t, s);
      if (chain.at(-1)?.parentSpanId !== undefined) {
        out.push(`${s.name} "${noteOf(s)}" in ${describeTrace(t)} does not reach the root (cycle)`);
      }
    }
  }
  return out;
}

/** Every generation a root object reached (and every delete it was given) has its own trace. */
function generationHasTrace(o: Observed): string[] {
  const out: string[] = [];
  const roots = o.traces.map((t) => t.root);
  for (const r of reachedIntents(o.facts)) {
    const found = roots.some((root) => {
      if (rootObjectUid(root) !== r.uid) return false;
      if (r.key === 'delete') return root.attributes[ATTR_KUBETRAIL_INTENT] === 'delete';
      return root.attributes[ATTR_KUBETRAIL_GENERATION] === r.key;
    });
    if (!found) {
      out.push(
        `${r.kind} ${r.name} ${r.key === 'delete' ? 'delete' : `generation ${r.key}`}${r.inFlightAtStart ? ' (in flight at start)' : ''} has no trace`,
      );
    }
  }
  return out;
}

/** No span starts before its trace's root. */
function noSpanBeforeRoot(o: Observed): string[] {
  const out: string[] = [];
  for (const t of o.traces) {
    for (const s of t.spans) {
      if (s.startTime < t.root.startTime) {
        out.push(
          `${s.name} "${noteOf(s)}" starts ${(t.root.startTime - s.startTime).toFixed(1)} ms before the root of ${describeTrace(t)}`,
        );
      }
    }
  }
  return out;
}

/** A cause starts no later than what it caused: no span starts before its parent. */
function noSpanBeforeParent(o: Observed): string[] {
  const out: string[] = [];
  for (const t of o.traces) {
    const byId = new Map(t.spans.map((s) => [s.spanId, s]));
    for (const s of t.spans) {
      const parent = s.parentSpanId === undefined ? undefined : byId.get(s.parentSpanId);
      if (parent !== undefined && s.startTime < parent.startTime) {
        out.push(
          `${s.name} "${noteOf(s)}" starts ${(parent.startTime - s.startTime).toFixed(1)} ms before its parent ${parent.name} "${noteOf(parent)}" in ${describeTrace(t)}`,
        );
      }
    }
  }
  return out;
}

/**
 * No trace holds Events of two intents. Two Events are certainly of two
 * intents when (a) in a trace rooted at a namespaced object, an Event's object
 * tops out at another root object than the trace's root (both chains ending at
 * objects the recording shows without a controller); or (b) one Event was
 * written before a write of generation k of the root that the recording saw,
 * and a scaling step of the trace happened after the controller had observed
 * generation k.
 */
function oneIntentPerTrace(o: Observed): string[] {
  const out: string[] = [];
  const facts = o.facts;
  const occByKey = facts.occurrenceByKey;
  for (const t of o.traces) {
    const occs: EventOccurrence[] = [];
    for (const s of t.spans) {
      const uid = eventUidOf(s);
      const occ = uid === undefined ? undefined : occByKey.get(occurrenceKey(uid, noteOf(s)));
      if (occ !== undefined && live(occ) && WORKLOAD_KINDS.has(occ.regarding.kind)) occs.push(occ);
    }
    const rootUid = rootObjectUid(t.root);
    if (rootUid === undefined) continue;
    const namespaced = typeof t.root.attributes[ATTR_K8S_NAMESPACE_NAME] === 'string';
    const rootTop = topOf(facts, rootUid, Number.POSITIVE_INFINITY);
    if (namespaced && isKnownRoot(facts, rootTop)) {
      for (const occ of occs) {
        if (occ.regarding.uid === '') continue;
        const top = topOf(facts, occ.regarding.uid, occ.order);
        // Certain only when the Event's chain ends at an object the recording shows as a root.
        if (top !== rootTop && isKnownRoot(facts, top)) {
          const first = facts.states.get(top)?.[0];
          out.push(
            `${describeTrace(t)} holds ${describeOcc(occ)}, an action for ${first?.kind ?? 'object'} ${first?.name ?? top.slice(0, 8)}`,
          );
        }
      }
    }
    for (const b of generationBoundaries(facts, rootTop)) {
      const before = occs.find((occ) => occ.order < b.written);
      if (before === undefined) continue;
      const after = occs.find((occ) => {
        if (occ.reason !== 'ScalingReplicaSet') return false;
        const step = scalingStepOf(occ.note);
        if (step === undefined) return false;
        const action = actionOrderOfStep(facts, occ, step.replicaSet, step.to);
        return action !== undefined && action > b.observed;
      });
      if (after !== undefined) {
        out.push(
          `${describeTrace(t)} holds ${describeOcc(before)} (before generation ${b.generation}) and ${describeOcc(after)} (after generation ${b.generation} was observed)`,
        );
      }
    }
  }
  return out;
}

/** True when the recording holds `uid` and shows it without a controller owner. */
function isKnownRoot(facts: RecordingFacts, uid: string): boolean {
  const last = facts.states.get(uid)?.at(-1);
  return last !== undefined && last.controller === undefined;
}

/** The order of the ReplicaSet write a scaling step reports: the last write to `to` replicas before the Event. */
function actionOrderOfStep(
  facts: RecordingFacts,
  occ: EventOccurrence,
  replicaSet: string,
  to: number,
): number | undefined {
  let found: number | undefined;
  for (const list of facts.states.values()) {
    if (list[0]?.kind !== 'ReplicaSet' || list[0].name !== replicaSet) continue;
    if (list[0].namespace !== occ.regarding.namespace) continue;
    // Only a write the recording saw: a live create, or replicas changing from a value seen before.
    let prev: number | undefined;
    for (const s of list) {
      if (s.order > occ.order) break;
      const seenWrite = prev === undefined ? s.type === 'ADDED' && !s.initial : prev !== to;
      if (s.specReplicas === to && seenWrite) found = s.order;
      prev = s.specReplicas;
    }
  }
  return found;
}

/** Each scaling step (each occurrence of a ScalingReplicaSet note) is exactly one span. */
function oneSpanPerScalingStep(o: Observed): string[] {
  const out: string[] = [];
  for (const occ of o.facts.occurrences) {
    if (!live(occ) || occ.reason !== 'ScalingReplicaSet') continue;
    const n = (o.spansOf.get(occurrenceKey(occ.eventUid, occ.note)) ?? []).length;
    if (n !== occ.times) out.push(`${n} spans for ${describeOcc(occ)}, which happened ${occ.times} time(s)`);
  }
  return out;
}

/** No span of a converged trace starts after its root ended (converged). */
function noSpanAfterConvergence(o: Observed): string[] {
  const out: string[] = [];
  for (const t of o.traces) {
    if (t.end !== 'converged') continue;
    for (const s of t.spans) {
      if (s.startTime > t.root.endTime) {
        out.push(
          `${s.name} "${noteOf(s)}" starts ${(s.startTime - t.root.endTime).toFixed(1)} ms after ${describeTrace(t)} converged`,
        );
      }
    }
  }
  return out;
}

/** No child of a (closed) lifecycle span starts more than 50 ms after that span ends (issue 12 point 2). */
function lifecycleChildrenWithin50ms(o: Observed): string[] {
  const out: string[] = [];
  for (const t of o.traces) {
    for (const s of t.spans) {
      const p = o.parent(t, s);
      if (p === undefined || p.role !== 'lifecycle' || p.attributes[ATTR_KUBETRAIL_SPAN_OPEN] === true)
        continue;
      if (s.startTime > p.endTime + 50) {
        out.push(
          `${s.name} "${noteOf(s)}" starts ${(s.startTime - p.endTime).toFixed(1)} ms after its ${p.name} ended, in ${describeTrace(t)}`,
        );
      }
    }
  }
  return out;
}

/** The longest trace of the engine's default (`--max-trace-ms`): a drain is one trace, and none is longer. */
const MAX_TRACE_MS = 15 * 60_000;

/**
 * A drain is one trace, and so is a Node's outage (issue 9 point 3, "rooted at
 * what triggered it: the cordon or drain", "a Node going NotReady and its Pods
 * being evicted"): every Pod evicted through the Eviction API from a Node the
 * recording saw cordoned live, or by the taint manager from a Node the
 * recording saw leave Ready live, stamped in that spell's second or later,
 * within the longest trace and before the spell was seen over (the Node
 * schedulable again, or Ready again; by resourceVersion), has its Pod.Evict
 * span in that spell's trace (Node.Cordon, Node.NotReady) as a child of the
 * root, however long a PodDisruptionBudget or a toleration held it back; and
 * the root counts them (`kubetrail.drain.evictions`).
 */
function evictionUnderItsSpell(o: Observed): string[] {
  const out: string[] = [];
  const nodes = new Map<string, ObjectState[]>();
  for (const list of o.facts.states.values()) {
    const first = list[0];
    if (first?.kind === 'Node') nodes.set(first.name, [...(nodes.get(first.name) ?? []), ...list]);
  }
  const expected = new Map<string, number>();
  for (const list of o.facts.states.values()) {
    const evicted = list.find(
      (s) => s.kind === 'Pod' && s.evictedAt !== undefined && s.nodeName !== undefined,
    );
    if (evicted?.evictedAt === undefined || evicted.nodeName === undefined || evicted.initial) continue;
    const by = evicted.evictedBy ?? 'cordon';
    const spell = spellBefore(nodes.get(evicted.nodeName) ?? [], evicted, by);
    if (spell === undefined) continue;
    const rootName = by === 'cordon' ? 'Node.Cordon' : 'Node.NotReady';
    const traceId = nodeSpellTraceIdOf(spell.nodeUid, by, spell.stamp);
    expected.set(traceId, (expected.get(traceId) ?? 0) + 1);
    const place = o.traces.flatMap((t) =>
      t.spans
        .filter((s) => s.name === 'Pod.Evict' && s.attributes[uidAttributeKey('Pod')] === evicted.uid)
        .map((s) => ({ t, s })),
    );
    const after = `${((evicted.evictedAt - spell.stamp) / 1000).toFixed(0)} s after the ${rootName} of ${evicted.nodeName}`;
    if (place.length !== 1) {
      out.push(`Pod ${evicted.name}, evicted ${after}, has ${place.length} Pod.Evict spans`);
      continue;
    }
    const only = place[0];
    if (only === undefined) continue;
    const { t, s } = only;
    if (t.traceId !== traceId || t.root.name !== rootName || s.parentSpanId !== t.root.spanId) {
      out.push(`Pod.Evict of ${evicted.name}, evicted ${after}, is in ${describeTrace(t)}, not under it`);
    }
  }
  for (const [traceId, want] of expected) {
    const t = o.traces.find((x) => x.traceId === traceId);
    const counted = t?.root.attributes[ATTR_KUBETRAIL_DRAIN_EVICTIONS];
    if (t === undefined || counted !== want) {
      const what = t === undefined ? 'no trace' : `${describeTrace(t)} counts ${String(counted)} evictions`;
      out.push(`trace ${traceId.slice(0, 8)}: ${what}, not ${want}`);
    }
  }
  return out;
}

/**
 * The stamp of the latest live spell of `node` (its states) that `pod`'s
 * eviction follows: a cordon for the Eviction API, an outage (`Ready` left
 * True, seen True before) for the taint manager; stamped at or before it,
 * within the longest trace, with no state of the Node between the spell and
 * the eviction that shows it over (schedulable, or Ready).
 */
function spellBefore(
  node: readonly ObjectState[],
  pod: ObjectState,
  by: 'cordon' | 'notready',
): { readonly stamp: number; readonly nodeUid: string } | undefined {
  const evictedAt = pod.evictedAt ?? 0;
  const stampOf = (s: ObjectState): number | undefined => (by === 'cordon' ? s.cordonStamp : s.notReadyStamp);
  let found: number | undefined;
  let nodeUid = '';
  for (const s of node) {
    const stamp = stampOf(s);
    if (stamp === undefined || stamp > evictedAt || evictedAt - stamp > MAX_TRACE_MS) continue;
    // An outage is the Ready condition leaving True: a Node not Ready since it registered had none.
    if (by === 'notready' && !node.some((u) => u.order < s.order && u.notReadyStamp === undefined)) continue;
    const undone = node.some((u) => stampOf(u) === undefined && u.order > s.order && u.order < pod.order);
    if (!undone && (found === undefined || stamp > found)) {
      found = stamp;
      nodeUid = s.uid;
    }
  }
  // A spell the initial list showed began before the start: history, its trace not this run's.
  const history = node.some((s) => stampOf(s) === found && s.initial);
  return found === undefined || history ? undefined : { stamp: found, nodeUid };
}

/** Every property, by name. */
export const PROPERTIES: Readonly<Record<PropertyName, (o: Observed) => string[]>> = {
  'event-one-span-per-trace': eventOneSpanPerTrace,
  'scheduled-under-created-pod': scheduledUnderCreatedPod,
  'rs-actions-under-their-step': rsActionsUnderTheirStep,
  'one-root-parents-in-trace': oneRootParentsInTrace,
  'generation-has-trace': generationHasTrace,
  'no-span-before-root': noSpanBeforeRoot,
  'no-span-before-parent': noSpanBeforeParent,
  'one-intent-per-trace': oneIntentPerTrace,
  'one-span-per-scaling-step': oneSpanPerScalingStep,
  'no-span-after-convergence': noSpanAfterConvergence,
  'lifecycle-children-within-50ms': lifecycleChildrenWithin50ms,
  'eviction-under-its-spell': evictionUnderItsSpell,
};

/** The property names, in table order. */
export const PROPERTY_NAMES = Object.keys(PROPERTIES) as PropertyName[];
