import type { ChangeTrigger } from '../causality/change-trigger.js';
import type { ActionNode, ObjectNode, SpanNode, SpanTree } from '../causality/parent-decision.js';
import * as A from '../model/attributes.js';
import type { ClockOffset } from '../model/clock-offset.js';
import type { ObjectProjection } from '../model/projection.js';
import type {
  AttributeValue,
  SpanEventRecord,
  SpanLinkRecord,
  SpanRecord,
  SpanStatus,
} from '../model/span-record.js';
import { deletionRequestedAt } from '../normalise/project-object.js';
import { isWholeSecond, secondOf } from '../normalise/refine-time.js';
import { startCausesFirst } from './causes-first.js';
import { convergedAfterWrites } from './converged-after-writes.js';
import { outcomeOf } from './outcome.js';
import type { Intent, RootGroup, Transition } from './root-group.js';
import { changeRootStart, type RootStartBounds, rootStart } from './root-start.js';
import { conversionOfRefined, type OffsetAgain, offsetAgainOf, refinedAgain } from './trace-offset.js';

/** One built trace of a group. */
export interface BuiltTrace {
  readonly intent: Intent;
  readonly root: SpanRecord;
  /** Root first, then by start time. */
  readonly spans: readonly SpanRecord[];
  /**
   * What each span stands for, whatever trace it lands in: the span id for the
   * root and actions (an Event's id does not depend on its trace), the role and
   * object uid for lifecycle and termination spans. Keyed by span id.
   */
  readonly nodeKeys: ReadonlyMap<string, string>;
  /** Spans left out by the spans-per-trace bound. */
  readonly dropped?: number;
}

/** The key of a span in {@link BuiltTrace.nodeKeys}. */
export function nodeKeyOf(built: BuiltTrace, span: SpanRecord): string {
  return built.nodeKeys.get(span.spanId) ?? span.spanId;
}

/**
 * Renders decided span trees as span records: names, times, status,
 * attributes, condition events and links. Parents and trace ids come decided
 * (causality's {@link SpanTree}); this only says what each span looks like.
 */
export class SpanRenderer {
  readonly #group: RootGroup;
  readonly #maxTraceMs: number;
  /** The engine's offset estimate, which tells how a refined time was converted (see trace-offset.ts). */
  readonly #offset: ClockOffset;

  constructor(group: RootGroup, maxTraceMs: number, offset: ClockOffset) {
    this.#group = group;
    this.#maxTraceMs = maxTraceMs;
    this.#offset = offset;
  }

  /** The trace of `intent`: its root span, then its nodes' spans by start time. */
  render(intent: Intent, tree: SpanTree): BuiltTrace {
    const nodes = tree.nodes;
    let minStart = Number.POSITIVE_INFINITY;
    let maxEnd = Number.NEGATIVE_INFINITY;
    let stuck: string | undefined;
    const ends: (number | undefined)[] = [];
    const lastChildStart = new Map<string, number>();
    for (const n of nodes) {
      const id = n.parent?.spanId;
      if (id !== undefined && n.start > (lastChildStart.get(id) ?? Number.NEGATIVE_INFINITY))
        lastChildStart.set(id, n.start);
    }
    let minExact = Number.POSITIVE_INFINITY;
    let minRefined = Number.POSITIVE_INFINITY;
    // A spec change's root start converted again (see trace-offset.ts), and, only when that
    // moved it, the spans' earliest starts with each lifecycle's creation converted again alike.
    const offsetAgain =
      tree.change === undefined ? offsetAgainOf(intent, this.#group, this.#offset) : undefined;
    const startAgain = offsetAgain === undefined ? undefined : this.#startAgain(intent, offsetAgain);
    const moved = startAgain !== undefined && intent.start !== undefined && startAgain > intent.start;
    let minSpanAgain = Number.POSITIVE_INFINITY;
    let minRefinedAgain = Number.POSITIVE_INFINITY;
    for (const n of nodes) {
      const s = n.start;
      if (s < minStart) minStart = s;
      if (s < minRefined && !isWholeSecond(s)) minRefined = s;
      if (moved) {
        const again =
          n.kind === 'lifecycle' ? refinedAgain(s, conversionOfRefined(s, this.#offset), offsetAgain) : s;
        if (again < minSpanAgain) minSpanAgain = again;
        if (again < minRefinedAgain && !isWholeSecond(again)) minRefinedAgain = again;
      }
      if (n.kind === 'action' && s < minExact && isExactStart(n)) minExact = s;
      const end = n.kind === 'action' ? undefined : this.#objectEnd(n, intent, lastChildStart.get(n.spanId));
      ends.push(end);
      const e = n.kind === 'action' ? n.lastTime : (end ?? s);
      if (e > maxEnd) maxEnd = e;
      if (n.kind === 'action' && n.fact.match?.stuck === true && n.fact.event.type === 'Warning') {
        stuck ??= `${n.fact.event.involved.kind}.${n.fact.event.reason}`;
      }
    }
    const root =
      tree.change === undefined
        ? this.#renderRoot(intent, tree.root.spanId, nodes, minStart, maxEnd, stuck, {
            minExact,
            minRefined,
            again: moved ? startAgain : (intent.start ?? Number.NEGATIVE_INFINITY),
            minSpanAgain,
            minRefinedAgain,
          })
        : this.#renderChangeRoot(intent, tree.change, tree.root.spanId, minExact, maxEnd);
    const rootEnd = root.endTime;
    const spans: SpanRecord[] = [root];
    const nodeKeys = new Map<string, string>();
    /** Spans whose start is a refined stamp or an observation, and how early they may start (see causes-first.ts). */
    const movable = new Map<string, number>();
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k];
      if (n === undefined) continue;
      let span = this.#renderNode(n, ends[k], rootEnd);
      const floor = earliestStartOf(n);
      if (floor !== undefined) movable.set(span.spanId, floor);
      // A cause is written before what it causes. A span timed by its own refined stamp, delivered
      // with less lag than its root's change, can come out before the root within their second: it
      // is drawn from the root's start (README, The watcher's clock).
      if (span.startTime < root.startTime)
        span = { ...span, startTime: root.startTime, endTime: Math.max(span.endTime, root.startTime) };
      spans.push(span);
      if (n.kind !== 'action') nodeKeys.set(span.spanId, `${n.kind} ${n.object.uid}`);
    }
    // Only in a trace's first emission, which holds every fact so far: a late record's
    // spans were sent, and what a settled trace keeps of them does not say how early.
    if (intent.emitted === undefined) startCausesFirst(spans, movable);
    spans.sort((a, b) =>
      a === root ? -1 : b === root ? 1 : a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : 1),
    );
    return { intent, root, spans, nodeKeys };
  }

  /**
   * Where an object's span ends; undefined while the object has not reached
   * the end of this span. A lifecycle lasts until the object reached what the
   * intent asked of it: when a child starts after its first "done" (a
   * ReplicaSet scaled again by the same intent), it ends at the first "done"
   * after that child, or when the intent ends if that is earlier; never
   * before that child starts.
   */
  #objectEnd(n: ObjectNode, intent: Intent, lastChildStart: number | undefined): number | undefined {
    const end = this.#firstEnd(n);
    // Events are reported a little after the fact (an asynchronous recorder): a child stamped just
    // after the "done" (Scheduled, a few ms after kwok marked the Pod Ready) does not extend it.
    if (
      n.kind !== 'lifecycle' ||
      end === undefined ||
      lastChildStart === undefined ||
      lastChildStart <= end + EVENT_REPORT_LAG_MS
    )
      return end;
    const member = this.#group.members.get(n.object.uid);
    const later = member?.doneTimes.find((t) => t >= lastChildStart);
    const intentEnd = intent.end?.time;
    // Not done again and the intent still open: it lasts at least until its last child started.
    const until =
      intentEnd === undefined ? (later ?? lastChildStart) : Math.min(later ?? intentEnd, intentEnd);
    return Math.max(until, lastChildStart);
  }

  #firstEnd(n: ObjectNode): number | undefined {
    if (n.kind === 'termination')
      return n.deletedAt === undefined ? undefined : Math.max(n.deletedAt, n.start);
    const p = n.object;
    const member = this.#group.members.get(p.uid);
    let end = member?.doneAt;
    if (end === undefined) {
      const outcome = outcomeOf(p);
      if (outcome.state === 'done' || outcome.state === 'failed') end = outcome.time;
    }
    if (end === undefined) end = deletionRequestedAt(p) ?? member?.deletedAt;
    return end === undefined ? undefined : Math.max(end, n.start);
  }

  /**
   * The intent's start converted again with `offsetAgain` (see trace-offset.ts): as the root's
   * delta that showed the change was converted, else (an intent opened from its
   * consequences) as the estimate tells; the start itself where it is no conversion.
   */
  #startAgain(intent: Intent, offsetAgain: OffsetAgain): number | undefined {
    const start = intent.start;
    // No start to convert: the root starts at its earliest span (see #renderRoot).
    if (start === undefined) return undefined;
    const shown = intent.startOffset;
    const conversion =
      shown !== undefined
        ? { observed: intent.seenAt + shown, offset: shown }
        : conversionOfRefined(start, this.#offset);
    return refinedAgain(start, conversion, offsetAgain);
  }

  #renderRoot(
    intent: Intent,
    spanId: string,
    nodes: readonly SpanNode[],
    minStart: number,
    maxEnd: number,
    stuck: string | undefined,
    bounds: RootStartBounds,
  ): SpanRecord {
    const rootObj = this.#group.root;
    const end = intent.end;
    const start =
      intent.start === undefined
        ? minStart === Number.POSITIVE_INFINITY
          ? (end?.time ?? intent.openedAt)
          : minStart
        : rootStart(intent, intent.start, bounds);
    let endTime: number;
    if (end?.time !== undefined) {
      // A delete converged when its cascade did: a Deployment deleted in the background is gone at
      // once, and the garbage collector deletes its ReplicaSets and Pods (this trace's terminations,
      // the kubelet's Killing) after it.
      endTime = intent.key === 'delete' && end.reason === 'converged' ? Math.max(end.time, maxEnd) : end.time;
      // It converged after the writes it counted, whichever watch delivered first.
      if (end.reason === 'converged') endTime = convergedAfterWrites(intent, endTime, nodes);
    } else if (maxEnd !== Number.NEGATIVE_INFINITY) endTime = maxEnd;
    else endTime = start;
    if (end?.reason === 'cut-off') endTime = Math.min(endTime, start + this.#maxTraceMs);
    if (endTime < start) endTime = start;
    let status: SpanStatus = UNSET;
    if (end?.reason === 'error') status = { code: 'ERROR', message: end.message ?? 'failed' };
    else if (
      stuck !== undefined &&
      (end === undefined || end.reason === 'cut-off' || end.reason === 'shutdown')
    ) {
      status = { code: 'ERROR', message: `stuck: ${stuck}` };
    }
    const attributes: Record<string, AttributeValue> = {};
    objectAttributes(attributes, rootObj.kind, rootObj.namespace, rootObj.name, rootObj.uid);
    attributes[A.ATTR_KUBETRAIL_MANAGER] = intent.manager;
    if (intent.managerOperation !== '') attributes[A.ATTR_KUBETRAIL_OPERATION] = intent.managerOperation;
    attributes[A.ATTR_KUBETRAIL_INTENT] = intent.operation.toLowerCase();
    if (intent.key !== 'delete') attributes[A.ATTR_KUBETRAIL_GENERATION] = intent.key;
    attributes[A.ATTR_KUBETRAIL_TRACE_END] = end?.reason ?? 'shutdown';
    attributes[A.ATTR_KUBETRAIL_PARTIAL] = intent.partial;
    const links: SpanLinkRecord[] = [];
    for (const ctx of [rootObj.traceparent, rootObj.traceContext]) {
      const link = parseTraceparent(ctx);
      if (link !== undefined) links.push(link);
    }
    return {
      traceId: intent.traceId,
      spanId,
      name: `${rootObj.kind}.${intent.operation}`,
      role: 'intent',
      service: intent.manager,
      startTime: start,
      endTime,
      status,
      attributes,
      events: this.#conditionEvents(rootObj, start, endTime),
      links,
    };
  }

  /**
   * The root of an intent without a spec change: named for what started it
   * (`Pod.Delete`, `ReplicaSet.Delete`, `Pod.Evict`, `Node.Join`,
   * `CronJob.Run`), from that change to its last consequence; a run whose Job
   * failed is an ERROR.
   */
  #renderChangeRoot(
    intent: Intent,
    change: ChangeTrigger,
    spanId: string,
    minExact: number,
    maxEnd: number,
  ): SpanRecord {
    const subject = change.subject;
    const owner = this.#group.root;
    const start = changeRootStart(change.start, minExact);
    const end = intent.end;
    let endTime = end?.time ?? (maxEnd === Number.NEGATIVE_INFINITY ? start : maxEnd);
    // A run converged when its Job did, and lasts until the cronjob-controller saw it.
    if (end?.time !== undefined && end.reason === 'converged' && maxEnd > endTime) endTime = maxEnd;
    if (end?.reason === 'cut-off') endTime = Math.min(endTime, start + this.#maxTraceMs);
    if (endTime < start) endTime = start;
    const attributes: Record<string, AttributeValue> = {};
    // The span is about the subject: a Node's has no namespace, though the workload's has.
    objectAttributes(attributes, owner.kind, subject.namespace, owner.name, owner.uid);
    objectAttributes(attributes, subject.kind, subject.namespace, subject.name, subject.uid);
    const changed = change.changed;
    // A run is about the Job it made as well.
    if (change.kind === 'run')
      objectAttributes(attributes, changed.kind, changed.namespace, changed.name, changed.uid);
    if (change.nodeName !== undefined && subject.kind !== 'Node')
      attributes[A.nameAttributeKey('Node')] = change.nodeName;
    attributes[A.ATTR_KUBETRAIL_MANAGER] = change.manager;
    attributes[A.ATTR_KUBETRAIL_INTENT] = change.kind;
    if (change.reason !== undefined) attributes[A.ATTR_KUBETRAIL_INTENT_REASON] = change.reason;
    attributes[A.ATTR_KUBETRAIL_TRACE_END] = end?.reason ?? 'shutdown';
    attributes[A.ATTR_KUBETRAIL_PARTIAL] = intent.partial;
    return {
      traceId: intent.traceId,
      spanId,
      // An eviction of a drain hangs under the cordon's root, of an outage under the Node.NotReady's, in its trace.
      ...(intent.parentSpanId === undefined ? {} : { parentSpanId: intent.parentSpanId }),
      name: `${subject.kind}.${CHANGE_OPERATION[change.kind]}`,
      role: 'intent',
      service: change.manager,
      startTime: start,
      endTime,
      status: end?.reason === 'error' ? { code: 'ERROR', message: end.message ?? 'failed' } : UNSET,
      attributes,
      events: this.#conditionEvents(subject, start, endTime),
      links: NO_LINKS,
    };
  }

  #renderNode(n: SpanNode, nodeEnd: number | undefined, traceEnd: number): SpanRecord {
    const intent = n.intent;
    if (intent === undefined) throw new Error('node rendered before its trace was resolved');
    const parentSpanId = n.parent?.spanId;
    if (n.kind === 'action') return renderAction(n, intent.traceId, parentSpanId);
    const p = n.object;
    const open = nodeEnd === undefined;
    const end = nodeEnd ?? Math.max(n.start, traceEnd);
    const attributes: Record<string, AttributeValue> = {};
    objectAttributes(attributes, p.kind, p.namespace, p.name, p.uid);
    if (n.inferred) attributes[A.ATTR_KUBETRAIL_PARENT_INFERRED] = true;
    if (open) attributes[A.ATTR_KUBETRAIL_SPAN_OPEN] = true;
    const outcome = n.kind === 'lifecycle' ? outcomeOf(p) : undefined;
    const parentService =
      n.parent?.kind === 'action'
        ? n.parent.fact.event.controller
        : n.kind === 'lifecycle'
          ? 'kube-controller-manager'
          : 'garbage-collector';
    const service = p.kind === 'Pod' ? 'kubelet' : parentService;
    const record: SpanRecord = {
      traceId: intent.traceId,
      spanId: n.spanId,
      ...(parentSpanId === undefined ? {} : { parentSpanId }),
      name: `${p.kind}.${n.kind === 'lifecycle' ? 'Lifecycle' : 'Termination'}`,
      role: n.kind,
      service,
      ...(p.kind === 'Pod' && p.nodeName !== undefined ? { serviceInstance: p.nodeName } : {}),
      startTime: n.start,
      endTime: end,
      status: outcome?.state === 'failed' ? { code: 'ERROR', message: outcome.message } : UNSET,
      attributes,
      events:
        n.kind === 'lifecycle'
          ? this.#conditionEvents(p, n.start, open ? Number.POSITIVE_INFINITY : end)
          : NO_EVENTS,
      links: NO_LINKS,
    };
    return record;
  }

  /** Condition transitions of `p` between `from` and `to`, from its watch history and its last projection. */
  #conditionEvents(p: ObjectProjection, from: number, to: number): SpanEventRecord[] {
    const seen: Transition[] = [];
    const member = this.#group.members.get(p.uid);
    if (member !== undefined) seen.push(...member.transitions);
    for (const c of p.conditions) {
      if (c.lastTransitionTime === undefined) continue;
      if (seen.some((t) => t.type === c.type && t.status === c.status && t.time === c.lastTransitionTime))
        continue;
      seen.push({
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: c.message,
        time: c.lastTransitionTime,
      });
    }
    const out: SpanEventRecord[] = [];
    for (const t of seen) {
      if (t.time < from || t.time > to) continue;
      const attributes: Record<string, AttributeValue> = {
        [A.ATTR_K8S_CONDITION_TYPE]: t.type,
        [A.ATTR_K8S_CONDITION_STATUS]: t.status,
      };
      if (t.reason !== undefined) attributes[A.ATTR_K8S_CONDITION_REASON] = t.reason;
      if (t.message !== undefined) attributes[A.ATTR_K8S_CONDITION_MESSAGE] = t.message;
      out.push({ name: `${t.type}=${t.status}`, time: t.time, attributes });
    }
    out.sort((a, b) => a.time - b.time || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return out;
  }
}

/**
 * How early a span may start, given what its own start is: undefined for an
 * exact time (an Event's MicroTime); the start of its second for a refined
 * stamp; no bound for an observation (a termination with no deletion request
 * starts at its DELETED).
 */
function earliestStartOf(n: SpanNode): number | undefined {
  if (n.kind === 'action') return isExactStart(n) ? undefined : secondOf(n.start);
  if (n.kind === 'termination' && deletionRequestedAt(n.object) === undefined)
    return Number.NEGATIVE_INFINITY;
  return secondOf(n.start);
}

/** The action starts at its Event's exact first time (a MicroTime), not at a refined stamp. */
function isExactStart(n: ActionNode): boolean {
  const ev = n.fact.event;
  return ev.exactFirstTime && n.partFrom === 0 && n.start === ev.firstTime;
}

/** How long after the change it describes an Event may be stamped: its recorder is asynchronous. */
const EVENT_REPORT_LAG_MS = 50;

const UNSET: SpanStatus = Object.freeze({ code: 'UNSET' });
/** The operation in the root span's name of each kind of change. */
const CHANGE_OPERATION: Readonly<Record<ChangeTrigger['kind'], string>> = {
  delete: 'Delete',
  evict: 'Evict',
  join: 'Join',
  run: 'Run',
};
const NO_EVENTS: readonly SpanEventRecord[] = Object.freeze([]);
const NO_LINKS: readonly SpanLinkRecord[] = Object.freeze([]);

function renderAction(n: ActionNode, traceId: string, parentSpanId: string | undefined): SpanRecord {
  const fact = n.fact;
  const ev = fact.event;
  const attributes: Record<string, AttributeValue> = {};
  objectAttributes(attributes, ev.involved.kind, n.involvedNamespace, ev.involved.name, ev.involved.uid);
  if (ev.involved.apiVersion !== '') attributes[A.ATTR_K8S_OBJECT_API_VERSION] = ev.involved.apiVersion;
  attributes[A.ATTR_K8S_EVENT_UID] = ev.uid;
  attributes[A.ATTR_K8S_EVENT_REASON] = ev.reason;
  attributes[A.ATTR_K8S_EVENT_TYPE] = ev.type;
  attributes[A.ATTR_K8S_EVENT_NOTE] = ev.note;
  if (ev.noteTruncated) attributes[A.ATTR_K8S_EVENT_NOTE_TRUNCATED] = true;
  attributes[A.ATTR_K8S_EVENT_REPORTING_CONTROLLER] = ev.controller;
  if (ev.instance !== '') attributes[A.ATTR_K8S_EVENT_REPORTING_INSTANCE] = ev.instance;
  attributes[A.ATTR_K8S_EVENT_COUNT] = n.count;
  if (n.lastTime !== n.start) attributes[A.ATTR_K8S_EVENT_LAST_TIME] = n.lastTime;
  if (ev.involved.fieldPath !== undefined) attributes[A.ATTR_K8S_EVENT_FIELD_PATH] = ev.involved.fieldPath;
  const m = fact.match;
  if (m?.actedOnName !== undefined) {
    attributes[A.ATTR_K8S_EVENT_ACTED_ON_KIND] = m.actedOnKind;
    attributes[A.ATTR_K8S_EVENT_ACTED_ON_NAME] = m.actedOnName;
  }
  if (n.inferred) attributes[A.ATTR_KUBETRAIL_PARENT_INFERRED] = true;
  return {
    traceId,
    spanId: n.spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name: `${ev.involved.kind}.${ev.reason}`,
    role: 'action',
    service: ev.controller,
    ...(ev.instance === '' ? {} : { serviceInstance: ev.instance }),
    startTime: n.start,
    endTime: Math.max(n.lastTime, n.start),
    status: ev.type === 'Warning' ? { code: 'ERROR', message: ev.note } : UNSET,
    attributes,
    events: NO_EVENTS,
    links: NO_LINKS,
  };
}

function objectAttributes(
  out: Record<string, AttributeValue>,
  kind: string,
  namespace: string,
  name: string,
  uid: string,
): void {
  if (namespace !== '') out[A.ATTR_K8S_NAMESPACE_NAME] = namespace;
  if (!A.SEMCONV_KINDS.has(kind)) out[A.ATTR_K8S_OBJECT_KIND] = kind;
  out[A.nameAttributeKey(kind)] = name;
  if (uid !== '') out[A.uidAttributeKey(kind)] = uid;
}

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/;

/** A W3C traceparent (as KEP-5915 annotates objects) as a span link. */
function parseTraceparent(value: string | undefined): SpanLinkRecord | undefined {
  if (value === undefined) return undefined;
  const m = TRACEPARENT.exec(value.trim().toLowerCase());
  const traceId = m?.[1];
  const spanId = m?.[2];
  if (traceId === undefined || spanId === undefined || /^0+$/.test(traceId) || /^0+$/.test(spanId))
    return undefined;
  return { traceId, spanId, attributes: { [A.ATTR_KUBETRAIL_LINK_SOURCE]: 'annotation' } };
}
