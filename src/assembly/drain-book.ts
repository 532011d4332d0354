import { awaitsDrain, cordonOfEviction } from '../causality/drain-membership.js';
import * as A from '../model/attributes.js';
import type { Clock } from '../model/clock.js';
import { cordonTraceIdOf, lifecycleSpanIdOf } from '../model/ids.js';
import type { ObjectProjection } from '../model/projection.js';
import { numericRv } from '../model/resource-version.js';
import type { AttributeValue, SpanRecord, TraceEnd, TraceRecord } from '../model/span-record.js';
import { conditionOf } from '../normalise/project-object.js';
import { secondOf } from '../normalise/refine-time.js';
import type { Intent } from './root-group.js';

/** The `DisruptionTarget` reason of an eviction through the Eviction API (`kubectl drain`). */
const BY_EVICTION_API = 'EvictionByEvictionAPI';
/** Cordons remembered per Node. */
const MAX_CORDONS_PER_NODE = 4;
/**
 * Pods a cordon waits for at most (see {@link DrainBook}): more than a Node
 * runs (the kubelet's default is 110). Beyond, later ones are not waited for.
 */
const MAX_AWAITED_PODS = 512;

/** Options of {@link DrainBook}: durations in milliseconds on the clock, already validated. */
export interface DrainBookOptions {
  readonly clock: Clock;
  /** Quiet time after the drain's last eviction was emitted before the cordon's root goes out. */
  readonly settleMs: number;
  /** A cordon whose drain lasts longer is cut off, as any trace. */
  readonly maxTraceMs: number;
  /** Nodes and evictions remembered at most (each); beyond, the oldest are let go of. */
  readonly maxEntries: number;
  /** The Pods held now (the object graph's): a new cordon waits for those of its Node a drain would evict. */
  readonly pods: () => Iterable<ObjectProjection>;
}

/** One cordon of a Node: the write that set `spec.unschedulable`, until the Node is schedulable again. */
interface Cordon {
  readonly nodeUid: string;
  readonly nodeName: string;
  readonly second: number;
  /** The stamp's earliest refinement (cluster time). */
  start: number;
  readonly manager: string;
  readonly operation: string;
  uncordonedAt: number | undefined;
  /** Began before kubetrail started: the instance before sent its root; its drain is continued, its root not sent again. */
  readonly history: boolean;
  readonly traceId: string;
  readonly spanId: string;
  /** Clock times: when it was recorded, and its last news (a cordon write, an eviction joining or emitted). */
  readonly openedAt: number;
  lastActivity: number;
  emitted: boolean;
  /**
   * Uids of the Node's Pods its drain has still to evict ({@link awaitsDrain}),
   * while it is open and the Node cordoned: its root waits for them.
   */
  readonly awaited: Set<string>;
}

/** A Pod evicted through the Eviction API, and what became of its `Pod.Evict` trace. */
interface Eviction {
  readonly podUid: string;
  readonly nodeName: string;
  readonly second: number;
  /** Clock time it was noted: evictions are let go of after the longest trace. */
  readonly seenAt: number;
  /** The cordon whose trace its intent joined, once it was first emitted. */
  placed: Cordon | undefined;
  /** Its intent was first emitted (or found to be no eviction). */
  done: boolean;
  /** Its root span's start and end, when it was emitted in the cordon's trace. */
  rootStart: number | undefined;
  rootEnd: number | undefined;
}

/**
 * Cordons and the drains that follow them. A cordon (a Node's
 * `spec.unschedulable` set, by the writer and at the time of its managedFields
 * entry) is a trace of its own, rooted at a `Node.Cordon` span. A Pod evicted
 * from that Node through the Eviction API afterwards (`kubectl drain`) keeps
 * its `Pod.Evict` trace's spans, but in the cordon's trace, its root a child of
 * the cordon's: one trace for the drain. Which cordon an eviction joins is
 * causality's rule ({@link cordonOfEviction}), decided when its intent is first
 * emitted; the cordon's root goes out once every eviction of its drain has,
 * spanning them, so it is the same in any arrival order. A drain can evict long
 * after its cordon (a PodDisruptionBudget holds evictions back, and `kubectl
 * drain` retries every 5 s): the root also waits while the Node is still
 * cordoned and holds Pods a drain would evict ({@link awaitsDrain}), up to the
 * longest trace. A cordon with no drain after it (`kubectl cordon`) thus goes
 * out when the Node is uncordoned or emptied, or cut off at the longest trace.
 * A cordon begun before the start (listed, or stamped longer ago than the
 * longest trace) sends no root: the instance before sent it; its drain is
 * continued, its evictions marked partial.
 */
export class DrainBook {
  readonly #clock: Clock;
  readonly #settleMs: number;
  readonly #maxTraceMs: number;
  readonly #maxEntries: number;
  readonly #pods: () => Iterable<ObjectProjection>;
  /** Node name → its cordons, oldest first; insertion-ordered for the bound. */
  readonly #cordons = new Map<string, Cordon[]>();
  /** Pod uid → its eviction; insertion-ordered for the bound. */
  readonly #evictions = new Map<string, Eviction>();

  constructor(o: DrainBookOptions) {
    this.#clock = o.clock;
    this.#settleMs = o.settleMs;
    this.#maxTraceMs = o.maxTraceMs;
    this.#maxEntries = o.maxEntries;
    this.#pods = o.pods;
  }

  /** A Node of the initial list: a cordon it shows began before the start and is history. */
  recordListed(node: ObjectProjection): void {
    if (node.kind !== 'Node' || node.cordon === undefined) return;
    this.#open(node, node.cordon.time ?? node.creationTimestamp ?? 0, true);
  }

  /**
   * A watched Node's delta, at cluster time `time`: a cordon it shows, or, when
   * it is schedulable and not older than `held` (the state held before it), the
   * end of its cordon.
   */
  recordNode(node: ObjectProjection, held: ObjectProjection | undefined, time: number): void {
    if (node.kind !== 'Node') return;
    const c = node.cordon;
    if (c !== undefined) {
      const stamp = c.time ?? time;
      // A stamp older than the longest trace is a cordon from before the start.
      this.#open(node, stamp, time - stamp > this.#maxTraceMs);
      return;
    }
    const list = this.#cordons.get(node.name);
    if (list === undefined || isOlder(node, held)) return;
    for (const k of list) {
      if (k.uncordonedAt !== undefined || k.start > time) continue;
      k.uncordonedAt = time;
      k.awaited.clear();
    }
  }

  /**
   * A Pod as the object graph holds it after a delta (`gone` when deleted):
   * the open cordons of its Node wait for it while a drain would evict it.
   */
  recordPod(pod: ObjectProjection, gone: boolean): void {
    if (pod.kind !== 'Pod' || pod.nodeName === undefined) return;
    const list = this.#cordons.get(pod.nodeName);
    if (list === undefined) return;
    const awaits = !gone && awaitsDrain(pod);
    for (const c of list) {
      if (c.emitted || c.history || c.uncordonedAt !== undefined) continue;
      if (awaits) {
        if (c.awaited.size < MAX_AWAITED_PODS) c.awaited.add(pod.uid);
      } else if (c.awaited.delete(pod.uid) && c.awaited.size === 0) c.lastActivity = this.#clock.now();
    }
  }

  /** A Pod delta whose change intent the intent book holds: an eviction through the Eviction API is noted. */
  recordEviction(pod: ObjectProjection): void {
    if (pod.kind !== 'Pod' || pod.nodeName === undefined || this.#evictions.has(pod.uid)) return;
    const d = conditionOf(pod, 'DisruptionTarget');
    if (d?.status !== 'True' || d.reason !== BY_EVICTION_API || d.lastTransitionTime === undefined) return;
    const e: Eviction = {
      podUid: pod.uid,
      nodeName: pod.nodeName,
      second: secondOf(d.lastTransitionTime),
      seenAt: this.#clock.now(),
      placed: undefined,
      done: false,
      rootStart: undefined,
      rootEnd: undefined,
    };
    this.#evictions.set(pod.uid, e);
    if (this.#evictions.size > this.#maxEntries) this.#dropOldestEviction();
    const c = this.#cordonOf(e);
    if (c !== undefined) c.lastActivity = this.#clock.now();
  }

  /**
   * Before `intent` is first emitted: an eviction that is part of a drain takes
   * the cordon's trace id, and the cordon's root as its root's parent.
   */
  place(intent: Intent): void {
    if (intent.operation !== 'Change' || intent.emitted !== undefined || intent.changed === undefined) return;
    const e = this.#evictions.get(intent.changed);
    if (e === undefined || e.done) return;
    const c = e.placed ?? this.#cordonOf(e);
    if (c === undefined) return;
    e.placed = c;
    intent.traceId = c.traceId;
    intent.parentSpanId = c.spanId;
    // A drain begun before the start: the instance before sent the cordon's root (at its stop, if not before).
    if (c.history) intent.partial = true;
  }

  /**
   * An eviction the initial list showed, its intent history: the instance before
   * sent its root (at its stop, if not before), in its drain's trace when it
   * joined one. It takes that trace id and parent again, and is done.
   */
  continueListed(intent: Intent): void {
    if (intent.changed === undefined) return;
    const e = this.#evictions.get(intent.changed);
    if (e === undefined || e.done) return;
    e.done = true;
    const c = this.#cordonOf(e);
    if (c === undefined) return;
    e.placed = c;
    intent.traceId = c.traceId;
    intent.parentSpanId = c.spanId;
    c.lastActivity = this.#clock.now();
  }

  /** `intent` was first emitted, with `root` (undefined when it turned out to be no trace). */
  emitted(intent: Intent, root: SpanRecord | undefined): void {
    if (intent.changed === undefined) return;
    const e = this.#evictions.get(intent.changed);
    if (e === undefined || e.done) return;
    e.done = true;
    const c = e.placed;
    if (c === undefined) return;
    if (root === undefined) e.placed = undefined;
    else {
      e.rootStart = root.startTime;
      e.rootEnd = root.endTime;
    }
    c.lastActivity = this.#clock.now();
  }

  /**
   * Emits into `out` the root of every cordon whose drain is over: each of its
   * evictions emitted and the settle window quiet since, or the longest trace
   * reached (cut off); with `force`, every open one (shutdown).
   */
  emitDue(now: number, force: boolean, out: TraceRecord[]): void {
    for (const [name, list] of this.#cordons) {
      for (const c of list) {
        if (c.emitted || c.history) continue;
        const members = [...this.#evictions.values()].filter(
          (e) => e.nodeName === name && (e.placed ?? this.#cordonOf(e)) === c,
        );
        // Evictions not emitted yet, or Pods the drain has still to evict from a Node still cordoned.
        const pending = members.some((e) => !e.done) || (c.uncordonedAt === undefined && c.awaited.size > 0);
        const cutOff = now >= c.openedAt + this.#maxTraceMs;
        if (!force && !cutOff && (pending || now < c.lastActivity + this.#settleMs)) continue;
        c.emitted = true;
        c.awaited.clear();
        const children = members.filter((e) => e.placed === c && e.rootEnd !== undefined);
        const end: TraceEnd = !pending ? 'converged' : cutOff ? 'cut-off' : 'shutdown';
        out.push(this.#record(c, children, end));
      }
      this.#prune(name, list, now);
    }
    for (const [uid, e] of this.#evictions) {
      if (e.seenAt + this.#maxTraceMs > now) break;
      this.#evictions.delete(uid);
    }
  }

  #record(c: Cordon, children: readonly Eviction[], end: TraceEnd): TraceRecord {
    let start = c.start;
    let endTime = c.start;
    for (const e of children) {
      if (e.rootStart !== undefined && e.rootStart < start) start = e.rootStart;
      if (e.rootEnd !== undefined && e.rootEnd > endTime) endTime = e.rootEnd;
    }
    if (end === 'cut-off') endTime = Math.min(endTime, start + this.#maxTraceMs);
    const attributes: Record<string, AttributeValue> = {
      [A.nameAttributeKey('Node')]: c.nodeName,
      [A.uidAttributeKey('Node')]: c.nodeUid,
      [A.ATTR_KUBETRAIL_MANAGER]: c.manager,
      [A.ATTR_KUBETRAIL_INTENT]: 'cordon',
      [A.ATTR_KUBETRAIL_DRAIN_EVICTIONS]: children.length,
      [A.ATTR_KUBETRAIL_TRACE_END]: end,
      [A.ATTR_KUBETRAIL_PARTIAL]: false,
    };
    if (c.operation !== '') attributes[A.ATTR_KUBETRAIL_OPERATION] = c.operation;
    const root: SpanRecord = {
      traceId: c.traceId,
      spanId: c.spanId,
      name: 'Node.Cordon',
      role: 'intent',
      service: c.manager,
      startTime: start,
      endTime: Math.max(endTime, start),
      status: { code: 'UNSET' },
      attributes,
      events: [],
      links: [],
    };
    return { traceId: c.traceId, root, spans: [root], end, partial: false, hasError: false };
  }

  #open(node: ObjectProjection, stamp: number, history: boolean): void {
    const c = node.cordon;
    if (c === undefined) return;
    let list = this.#cordons.get(node.name);
    const second = secondOf(stamp);
    for (const k of list ?? []) {
      if (k.nodeUid !== node.uid) continue;
      if (k.second === second) {
        // The same write seen again: its earliest refinement, until its root is out.
        if (stamp < k.start && !k.emitted) k.start = stamp;
        return;
      }
      // Still cordoned: a later stamp is the same writer's other write, not a new cordon.
      if (k.uncordonedAt === undefined && k.second < second) return;
    }
    const now = this.#clock.now();
    const traceId = cordonTraceIdOf(node.uid, second);
    const cordon: Cordon = {
      nodeUid: node.uid,
      nodeName: node.name,
      second,
      start: stamp,
      manager: c.manager,
      operation: c.operation,
      uncordonedAt: undefined,
      history,
      traceId,
      spanId: lifecycleSpanIdOf(traceId, node.uid),
      openedAt: now,
      lastActivity: now,
      emitted: false,
      awaited: new Set(),
    };
    if (!history) {
      for (const p of this.#pods()) {
        if (p.nodeName !== node.name || !awaitsDrain(p)) continue;
        if (cordon.awaited.size >= MAX_AWAITED_PODS) break;
        cordon.awaited.add(p.uid);
      }
    }
    if (list === undefined) {
      list = [];
      this.#cordons.set(node.name, list);
      if (this.#cordons.size > this.#maxEntries) this.#dropOldestNode();
    }
    list.push(cordon);
    list.sort((a, b) => a.second - b.second);
    if (list.length > MAX_CORDONS_PER_NODE) list.shift();
  }

  #cordonOf(e: Eviction): Cordon | undefined {
    const c = cordonOfEviction(this.#cordons.get(e.nodeName) ?? [], e, this.#maxTraceMs);
    return c === undefined || c.emitted ? undefined : c;
  }

  /** Lets go of the Node's cordons that are out and can take no more evictions. */
  #prune(name: string, list: Cordon[], now: number): void {
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i];
      if (c === undefined) continue;
      const over = c.uncordonedAt !== undefined || now >= c.openedAt + this.#maxTraceMs;
      if ((c.emitted || c.history) && over) list.splice(i, 1);
    }
    if (list.length === 0) this.#cordons.delete(name);
  }

  #dropOldestNode(): void {
    const oldest = this.#cordons.keys().next().value;
    if (oldest !== undefined) this.#cordons.delete(oldest);
  }

  #dropOldestEviction(): void {
    const oldest = this.#evictions.keys().next().value;
    if (oldest !== undefined) this.#evictions.delete(oldest);
  }
}

/** True when `p` is an older state than `held` (by resourceVersion, when both are numeric). */
function isOlder(p: ObjectProjection, held: ObjectProjection | undefined): boolean {
  const a = numericRv(p.resourceVersion);
  const b = held === undefined ? undefined : numericRv(held.resourceVersion);
  return a !== undefined && b !== undefined && a < b;
}
