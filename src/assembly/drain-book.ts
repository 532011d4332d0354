import { awaitsDrain, spellOfEviction } from '../causality/drain-membership.js';
import * as A from '../model/attributes.js';
import type { Clock } from '../model/clock.js';
import { lifecycleSpanIdOf, nodeSpellTraceIdOf } from '../model/ids.js';
import type { ObjectProjection } from '../model/projection.js';
import { numericRv } from '../model/resource-version.js';
import type { AttributeValue, SpanRecord, TraceEnd, TraceRecord } from '../model/span-record.js';
import { conditionOf } from '../normalise/project-object.js';
import { secondOf } from '../normalise/refine-time.js';
import type { Intent } from './root-group.js';

/** A Node's spell that evictions follow as one trace: a cordon, or an outage (its `Ready` condition not True). */
type SpellKind = 'cordon' | 'notready';
/** Each spell's root span name, and the `DisruptionTarget` reason of the evictions that follow it. */
const SPELLS: Readonly<Record<SpellKind, { readonly name: string; readonly evictionReason: string }>> = {
  // `kubectl drain` evicts through the Eviction API.
  cordon: { name: 'Node.Cordon', evictionReason: 'EvictionByEvictionAPI' },
  // The taint manager evicts a NotReady Node's Pods once their toleration is over.
  notready: { name: 'Node.NotReady', evictionReason: 'DeletionByTaintManager' },
};
/** The spell the evictions of a `DisruptionTarget` reason follow, if any. */
function spellOfReason(reason: string | undefined): SpellKind | undefined {
  if (reason === SPELLS.cordon.evictionReason) return 'cordon';
  return reason === SPELLS.notready.evictionReason ? 'notready' : undefined;
}
/** The manager of the node lifecycle controller, which marks `Ready` Unknown when the kubelet stops posting. */
const CONTROLLER_MANAGER = 'kube-controller-manager';
/** Spells remembered per Node. */
const MAX_SPELLS_PER_NODE = 4;
/**
 * Pods a spell waits for at most (see {@link DrainBook}): more than a Node
 * runs (the kubelet's default is 110). Beyond, later ones are not waited for.
 */
const MAX_AWAITED_PODS = 512;

/** Options of {@link DrainBook}: durations in milliseconds on the clock, already validated. */
export interface DrainBookOptions {
  readonly clock: Clock;
  /** Quiet time after the last eviction was emitted before the spell's root goes out. */
  readonly settleMs: number;
  /** A spell whose evictions last longer is cut off, as any trace. */
  readonly maxTraceMs: number;
  /** Nodes and evictions remembered at most (each); beyond, the oldest are let go of. */
  readonly maxEntries: number;
  /** The Pods held now (the object graph's): a new spell waits for those of its Node that may be evicted. */
  readonly pods: () => Iterable<ObjectProjection>;
}

/**
 * One spell of a Node: a cordon (the write that set `spec.unschedulable`, until
 * the Node is schedulable again) or an outage (its `Ready` condition leaving
 * True, until it is True again or the Node is deleted).
 */
interface Spell {
  readonly kind: SpellKind;
  readonly nodeUid: string;
  readonly nodeName: string;
  readonly second: number;
  /** The stamp's earliest refinement (cluster time). */
  start: number;
  readonly manager: string;
  readonly operation: string;
  /** The component that acted: the cordon's manager; the node controller for an outage it marked. */
  readonly service: string;
  /** An outage's `Ready` reason (`NodeStatusUnknown`, `KubeletNotReady`); undefined for a cordon. */
  readonly reason: string | undefined;
  endedAt: number | undefined;
  /**
   * An outage's end, when the Node is Ready again: its `Ready` transition's
   * stamp. Not when it is deleted: no stamp says when (the root ends with its
   * last eviction then).
   */
  readyAt: number | undefined;
  /** Began before kubetrail started: the instance before sent its root; its evictions are continued, its root not sent again. */
  readonly history: boolean;
  readonly traceId: string;
  readonly spanId: string;
  /** Clock times: when it was recorded, and its last news (a Node write, an eviction joining or emitted). */
  readonly openedAt: number;
  lastActivity: number;
  emitted: boolean;
  /**
   * Uids of the Node's Pods that may still be evicted ({@link awaitsDrain}),
   * while it is open and not over: its root waits for them.
   */
  readonly awaited: Set<string>;
}

/** A Pod evicted through the Eviction API or by the taint manager, and what became of its `Pod.Evict` trace. */
interface Eviction {
  /** The spell it may follow: a cordon for the Eviction API, an outage for the taint manager. */
  readonly kind: SpellKind;
  readonly podUid: string;
  readonly nodeName: string;
  readonly second: number;
  /** Clock time it was noted: evictions are let go of after the longest trace. */
  readonly seenAt: number;
  /** The spell whose trace its intent joined, once it was first emitted. */
  placed: Spell | undefined;
  /** Its intent was first emitted (or found to be no eviction). */
  done: boolean;
  /** Its root span's start and end, when it was emitted in the spell's trace. */
  rootStart: number | undefined;
  rootEnd: number | undefined;
}

/**
 * Cordons and outages of Nodes, and the evictions that follow them. A cordon
 * (a Node's `spec.unschedulable` set, by the writer and at the time of its
 * managedFields entry) is a trace of its own, rooted at a `Node.Cordon` span. A
 * Pod evicted from that Node through the Eviction API afterwards (`kubectl
 * drain`) keeps its `Pod.Evict` trace's spans, but in the cordon's trace, its
 * root a child of the cordon's: one trace for the drain. An outage (the Node's
 * `Ready` condition leaving True, at its transition) is the same with a
 * `Node.NotReady` root, and the taint manager's evictions of the Node's Pods
 * (`DeletionByTaintManager`) as its children. Which spell an eviction joins is
 * causality's rule ({@link spellOfEviction}), decided when its intent is first
 * emitted; the spell's root goes out once every eviction that joined it has,
 * spanning them, so it is the same in any arrival order. Evictions can come
 * long after the spell began (a PodDisruptionBudget holds a drain back, and
 * `kubectl drain` retries every 5 s; the taint manager waits for each Pod's
 * toleration, 300 s by default): the root also waits while the spell is not
 * over (the Node still cordoned, or not Ready and not deleted) and the Node
 * holds Pods that may still be evicted ({@link awaitsDrain}), up to the
 * longest trace. A cordon with no drain after it (`kubectl cordon`) thus goes
 * out when the Node is uncordoned or emptied, an outage no eviction followed
 * when the Node is Ready again, or either cut off at the longest trace. A spell
 * begun before the start (listed, or stamped longer ago than the longest trace)
 * sends no root: the instance before sent it; its evictions are continued,
 * marked partial.
 */
export class DrainBook {
  readonly #clock: Clock;
  readonly #settleMs: number;
  readonly #maxTraceMs: number;
  readonly #maxEntries: number;
  readonly #pods: () => Iterable<ObjectProjection>;
  /** Node name → its spells, oldest first; insertion-ordered for the bound. */
  readonly #spells = new Map<string, Spell[]>();
  /** Pod uid → its eviction; insertion-ordered for the bound. */
  readonly #evictions = new Map<string, Eviction>();

  constructor(o: DrainBookOptions) {
    this.#clock = o.clock;
    this.#settleMs = o.settleMs;
    this.#maxTraceMs = o.maxTraceMs;
    this.#maxEntries = o.maxEntries;
    this.#pods = o.pods;
  }

  /**
   * A Node of the initial list: a cordon or an outage it shows began before the
   * start and is history. `readyWriter` is the manager of its `Ready` condition's
   * write (managedFields), if known.
   */
  recordListed(node: ObjectProjection, readyWriter?: string): void {
    if (node.kind !== 'Node') return;
    if (node.cordon !== undefined)
      this.#openCordon(node, node.cordon.time ?? node.creationTimestamp ?? 0, true);
    const ready = conditionOf(node, 'Ready');
    // Not Ready since it registered is no outage: the kubelet had not been Ready yet.
    if (ready === undefined || ready.status === 'True' || ready.lastTransitionTime === undefined) return;
    if (secondOf(ready.lastTransitionTime) <= secondOf(node.creationTimestamp ?? 0)) return;
    this.#openOutage(node, ready.lastTransitionTime, true, readyWriter);
  }

  /**
   * A watched Node's delta, at cluster time `time` (`gone` when deleted): a
   * cordon it shows, or, when it is schedulable and not older than `held` (the
   * state held before it), the end of its cordon; its `Ready` condition leaving
   * True (from `held`), an outage, by `readyWriter`; True again, or the Node
   * gone, the end of its outage.
   */
  recordNode(
    node: ObjectProjection,
    held: ObjectProjection | undefined,
    time: number,
    gone = false,
    readyWriter?: string,
  ): void {
    if (node.kind !== 'Node') return;
    this.#recordReady(node, held, time, gone, readyWriter);
    const c = node.cordon;
    if (c !== undefined) {
      const stamp = c.time ?? time;
      // A stamp older than the longest trace is a cordon from before the start.
      this.#openCordon(node, stamp, time - stamp > this.#maxTraceMs);
      return;
    }
    if (!isOlder(node, held)) this.#end(node.name, 'cordon', time);
  }

  #recordReady(
    node: ObjectProjection,
    held: ObjectProjection | undefined,
    time: number,
    gone: boolean,
    readyWriter: string | undefined,
  ): void {
    if (isOlder(node, held)) return;
    const ready = conditionOf(node, 'Ready');
    if (gone || ready?.status === 'True') {
      // Ready again at its transition's stamp, which the root lasts until; gone when seen deleted.
      const readyAt = gone ? undefined : ready?.lastTransitionTime;
      this.#end(node.name, 'notready', readyAt ?? time, readyAt);
      return;
    }
    // Only a transition seen from True: a Node not Ready since it registered had no outage.
    if (ready?.lastTransitionTime === undefined || held === undefined) return;
    if (conditionOf(held, 'Ready')?.status !== 'True') return;
    const stamp = ready.lastTransitionTime;
    this.#openOutage(node, stamp, time - stamp > this.#maxTraceMs, readyWriter);
  }

  /**
   * Ends the open spells of `kind` of the Node named `name` begun by cluster
   * time `time`; `readyAt`, an outage's end stamp when the Node is Ready again.
   */
  #end(name: string, kind: SpellKind, time: number, readyAt?: number): void {
    for (const k of this.#spells.get(name) ?? []) {
      if (k.kind !== kind || k.endedAt !== undefined || k.start > time) continue;
      k.endedAt = time;
      k.readyAt = readyAt;
      k.awaited.clear();
    }
  }

  /**
   * A Pod as the object graph holds it after a delta (`gone` when deleted):
   * the open spells of its Node wait for it while it may still be evicted.
   */
  recordPod(pod: ObjectProjection, gone: boolean): void {
    if (pod.kind !== 'Pod' || pod.nodeName === undefined) return;
    const list = this.#spells.get(pod.nodeName);
    if (list === undefined) return;
    const awaits = !gone && awaitsDrain(pod);
    for (const c of list) {
      if (c.emitted || c.history || c.endedAt !== undefined) continue;
      if (awaits) {
        if (c.awaited.size < MAX_AWAITED_PODS) c.awaited.add(pod.uid);
      } else if (c.awaited.delete(pod.uid) && c.awaited.size === 0) c.lastActivity = this.#clock.now();
    }
  }

  /**
   * A Pod delta whose change intent the intent book holds: an eviction through
   * the Eviction API, or by the taint manager, is noted.
   */
  recordEviction(pod: ObjectProjection): void {
    if (pod.kind !== 'Pod' || pod.nodeName === undefined || this.#evictions.has(pod.uid)) return;
    const d = conditionOf(pod, 'DisruptionTarget');
    const kind = spellOfReason(d?.reason);
    if (d?.status !== 'True' || kind === undefined || d.lastTransitionTime === undefined) return;
    const e: Eviction = {
      kind,
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
    const c = this.#spellOf(e);
    if (c !== undefined) c.lastActivity = this.#clock.now();
  }

  /**
   * Before `intent` is first emitted: an eviction that follows a spell takes
   * the spell's trace id, and the spell's root as its root's parent.
   */
  place(intent: Intent): void {
    if (intent.operation !== 'Change' || intent.emitted !== undefined || intent.changed === undefined) return;
    const e = this.#evictions.get(intent.changed);
    if (e === undefined || e.done) return;
    const c = e.placed ?? this.#spellOf(e);
    if (c === undefined) return;
    e.placed = c;
    intent.traceId = c.traceId;
    intent.parentSpanId = c.spanId;
    // A spell begun before the start: the instance before sent its root (at its stop, if not before).
    if (c.history) intent.partial = true;
  }

  /**
   * An eviction the initial list showed, its intent history: the instance before
   * sent its root (at its stop, if not before), in its spell's trace when it
   * joined one. It takes that trace id and parent again, and is done.
   */
  continueListed(intent: Intent): void {
    if (intent.changed === undefined) return;
    const e = this.#evictions.get(intent.changed);
    if (e === undefined || e.done) return;
    e.done = true;
    const c = this.#spellOf(e);
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
   * Emits into `out` the root of every spell whose evictions are over: each
   * of them emitted and the settle window quiet since; or the longest trace
   * reached (cut off), once each eviction that joined it was emitted (each is
   * cut off at the longest trace itself); with `force`, every open one
   * (shutdown).
   */
  emitDue(now: number, force: boolean, out: TraceRecord[]): void {
    for (const [name, list] of this.#spells) {
      for (const c of list) {
        if (c.emitted || c.history) continue;
        const members = [...this.#evictions.values()].filter(
          (e) => e.nodeName === name && (e.placed ?? this.#spellOf(e)) === c,
        );
        // Evictions not emitted yet, or Pods that may still be evicted while the spell is not over.
        const unsent = members.some((e) => !e.done);
        const pending = unsent || (c.endedAt === undefined && c.awaited.size > 0);
        const cutOff = now >= c.openedAt + this.#maxTraceMs;
        if (
          !force &&
          (cutOff
            ? unsent && now < c.openedAt + 2 * this.#maxTraceMs
            : pending || now < c.lastActivity + this.#settleMs)
        )
          continue;
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

  #record(c: Spell, children: readonly Eviction[], end: TraceEnd): TraceRecord {
    let start = c.start;
    let endTime = c.start;
    for (const e of children) {
      if (e.rootStart !== undefined && e.rootStart < start) start = e.rootStart;
      if (e.rootEnd !== undefined && e.rootEnd > endTime) endTime = e.rootEnd;
    }
    // An outage lasts until the Node is Ready again, if its evictions ended before.
    if (c.readyAt !== undefined && c.readyAt > endTime) endTime = c.readyAt;
    if (end === 'cut-off') endTime = Math.min(endTime, start + this.#maxTraceMs);
    const attributes: Record<string, AttributeValue> = {
      [A.nameAttributeKey('Node')]: c.nodeName,
      [A.uidAttributeKey('Node')]: c.nodeUid,
      [A.ATTR_KUBETRAIL_MANAGER]: c.manager,
      [A.ATTR_KUBETRAIL_INTENT]: c.kind,
      [A.ATTR_KUBETRAIL_DRAIN_EVICTIONS]: children.length,
      [A.ATTR_KUBETRAIL_TRACE_END]: end,
      [A.ATTR_KUBETRAIL_PARTIAL]: false,
    };
    if (c.operation !== '') attributes[A.ATTR_KUBETRAIL_OPERATION] = c.operation;
    if (c.reason !== undefined) attributes[A.ATTR_KUBETRAIL_INTENT_REASON] = c.reason;
    const root: SpanRecord = {
      traceId: c.traceId,
      spanId: c.spanId,
      name: SPELLS[c.kind].name,
      role: 'intent',
      service: c.service,
      startTime: start,
      endTime: Math.max(endTime, start),
      status: { code: 'UNSET' },
      attributes,
      events: [],
      links: [],
    };
    return { traceId: c.traceId, root, spans: [root], end, partial: false, hasError: false };
  }

  #openCordon(node: ObjectProjection, stamp: number, history: boolean): void {
    const c = node.cordon;
    if (c === undefined) return;
    this.#open(node, 'cordon', stamp, history, c.manager, c.operation, c.manager, undefined);
  }

  #openOutage(node: ObjectProjection, stamp: number, history: boolean, writer: string | undefined): void {
    const manager = writer ?? 'unknown';
    // The node lifecycle controller marks Ready Unknown; a kubelet reports itself not ready.
    const service = manager === CONTROLLER_MANAGER ? 'node-controller' : manager;
    const reason = conditionOf(node, 'Ready')?.reason;
    this.#open(node, 'notready', stamp, history, manager, '', service, reason);
  }

  #open(
    node: ObjectProjection,
    kind: SpellKind,
    stamp: number,
    history: boolean,
    manager: string,
    operation: string,
    service: string,
    reason: string | undefined,
  ): void {
    let list = this.#spells.get(node.name);
    const second = secondOf(stamp);
    for (const k of list ?? []) {
      if (k.nodeUid !== node.uid || k.kind !== kind) continue;
      if (k.second === second) {
        // The same write seen again: its earliest refinement, until its root is out.
        if (stamp < k.start && !k.emitted) k.start = stamp;
        return;
      }
      // Still on: a later stamp is another write of the same spell, not a new one.
      if (k.endedAt === undefined && k.second < second) return;
    }
    const now = this.#clock.now();
    const traceId = nodeSpellTraceIdOf(node.uid, kind, second);
    const spell: Spell = {
      kind,
      nodeUid: node.uid,
      nodeName: node.name,
      second,
      start: stamp,
      manager,
      operation,
      service,
      reason,
      endedAt: undefined,
      readyAt: undefined,
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
        if (spell.awaited.size >= MAX_AWAITED_PODS) break;
        spell.awaited.add(p.uid);
      }
    }
    if (list === undefined) {
      list = [];
      this.#spells.set(node.name, list);
      if (this.#spells.size > this.#maxEntries) this.#dropOldestNode();
    }
    list.push(spell);
    list.sort((a, b) => a.second - b.second);
    if (list.length > MAX_SPELLS_PER_NODE) list.shift();
  }

  #spellOf(e: Eviction): Spell | undefined {
    const spells = (this.#spells.get(e.nodeName) ?? []).filter((c) => c.kind === e.kind);
    const c = spellOfEviction(spells, e, this.#maxTraceMs);
    return c === undefined || c.emitted ? undefined : c;
  }

  /** Lets go of the Node's spells that are out and can take no more evictions. */
  #prune(name: string, list: Spell[], now: number): void {
    for (let i = list.length - 1; i >= 0; i--) {
      const c = list[i];
      if (c === undefined) continue;
      const over = c.endedAt !== undefined || now >= c.openedAt + this.#maxTraceMs;
      if ((c.emitted || c.history) && over) list.splice(i, 1);
    }
    if (list.length === 0) this.#spells.delete(name);
  }

  #dropOldestNode(): void {
    const oldest = this.#spells.keys().next().value;
    if (oldest !== undefined) this.#spells.delete(oldest);
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
