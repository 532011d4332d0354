import { type ListedRevisions, NO_LISTED_REVISIONS } from '../causality/listed-revisions.js';
import type { HeldReports } from '../causality/parent-decision.js';
import type { ObjectGraph } from '../graph/object-graph.js';
import { RecencyMap } from '../graph/recency-map.js';
import {
  ATTR_KUBETRAIL_BACKFILL_LEFT_OUT,
  ATTR_KUBETRAIL_PARTIAL,
  ATTR_KUBETRAIL_SPAN_OPEN,
} from '../model/attributes.js';
import type { Clock } from '../model/clock.js';
import type { ClockOffset } from '../model/clock-offset.js';
import type { SpanRecord, TraceRecord } from '../model/span-record.js';
import { listedAtIntentStarts, unsettledSpans } from './backfill-certainty.js';
import { buildTraces } from './build-traces.js';
import { DueQueue } from './due-queue.js';
import { outcomeOf } from './outcome.js';
import { type BuiltTrace, nodeKeyOf } from './render-spans.js';
import type { Intent, IntentEnd, RootGroup } from './root-group.js';
import { slimSettled } from './settled-facts.js';
import { SpanKeys } from './span-keys.js';

/** What the {@link EmissionSchedule} needs: durations in milliseconds on the clock, already validated. */
export interface EmissionScheduleOptions {
  readonly clock: Clock;
  readonly graph: ObjectGraph;
  /** The engine's offset estimate: a root's start is converted again with it (see trace-offset.ts). */
  readonly offset: ClockOffset;
  readonly settleMs: number;
  readonly maxTraceMs: number;
  readonly idleMs: number;
  readonly retainMs: number;
  /** Emitted trace ids are remembered for four times this many traces. */
  readonly maxOpenTraces: number;
  /** Spans per trace, root included. */
  readonly maxSpansPerTrace: number;
  /** Called with the number of spans a trace's first emission left out for the spans-per-trace bound. */
  readonly onSpansDropped: (n: number) => void;
  /** Shrink a settled group's facts to what late spans need ({@link slimSettled}). */
  readonly slimSettled: boolean;
  /** Called with the number of spans --backfill left out because the initial list does not settle them. */
  readonly onBackfillLeftOut?: (n: number) => void;
  /** Places intents in another trace before their first emission (an eviction in its drain's), and hears of it. */
  readonly placement?: IntentPlacement;
  /** What the initial list showed of StatefulSets and their Pods' revisions; none by default. */
  readonly listedRevisions?: ListedRevisions;
}

/** Told of each intent's first emission, and may first move it into another trace (see DrainBook). */
export interface IntentPlacement {
  /** Before `intent` is first built: may set its trace id and its root's parent. */
  place(intent: Intent): void;
  /** `intent` was first emitted with `root`; undefined when it made no trace. */
  emitted(intent: Intent, root: SpanRecord | undefined): void;
}

/** How a termination span's node key starts (see nodeKeyOf): the object's uid follows. */
const TERMINATION_KEY = 'termination ';

/** An ended trace waits for quiet, but never longer than this many settle periods. */
const MAX_SETTLE_PERIODS = 6;

/**
 * When each root group's traces are due, and their emission. An ended intent
 * is emitted once its group has been quiet for the settle window; an open one
 * is cut off at the maximum trace length, or ends after the idle period when
 * its kind has no "done" (a CronJob's run ends with its Job). Spans that
 * arrive after an emission go out as late records of the same trace. A settled group is kept for the retain period so
 * late spans still find their parents, with only what they need of its facts
 * ({@link slimSettled}).
 */
export class EmissionSchedule {
  readonly #clock: Clock;
  readonly #graph: ObjectGraph;
  readonly #offset: ClockOffset;
  readonly #settleMs: number;
  readonly #maxTraceMs: number;
  readonly #idleMs: number;
  readonly #retainMs: number;
  readonly #maxSpans: number;
  readonly #onSpansDropped: (n: number) => void;
  readonly #slimSettled: boolean;
  readonly #onBackfillLeftOut: (n: number) => void;
  readonly #placement: IntentPlacement | undefined;
  readonly #listedRevisions: ListedRevisions;
  readonly #queue = new DueQueue<RootGroup>();
  /** Trace ids already emitted, so a trace rebuilt after its facts were dropped comes out as late. */
  readonly #emitted: RecencyMap<string, true>;
  /**
   * Groups holding back a disruption report (see HeldReports): clock time the first is let
   * go of. Such a group is due then, and neither slimmed nor forgotten before.
   */
  readonly #holding = new Map<RootGroup, number>();
  /**
   * Intents ended but not sent, their trace holding the termination of an object still being
   * deleted: clock time that was last found (see #awaitsTermination). Each waits for that
   * object's DELETED.
   */
  readonly #awaiting = new WeakMap<Intent, number>();

  constructor(options: EmissionScheduleOptions) {
    this.#clock = options.clock;
    this.#graph = options.graph;
    this.#offset = options.offset;
    this.#settleMs = options.settleMs;
    this.#maxTraceMs = options.maxTraceMs;
    this.#idleMs = options.idleMs;
    this.#retainMs = options.retainMs;
    this.#maxSpans = options.maxSpansPerTrace;
    this.#onSpansDropped = options.onSpansDropped;
    this.#slimSettled = options.slimSettled;
    this.#onBackfillLeftOut = options.onBackfillLeftOut ?? (() => {});
    this.#placement = options.placement;
    this.#listedRevisions = options.listedRevisions ?? NO_LISTED_REVISIONS;
    this.#emitted = new RecencyMap<string, true>(options.maxOpenTraces * 4);
  }

  /** Clock time the next group is due; +Infinity when none is scheduled. */
  nextDueAt(): number {
    return this.#queue.peekAt();
  }

  /** The next group due by `now`, if any. */
  popDue(now: number): RootGroup | undefined {
    return this.#queue.popDue(now);
  }

  /** Drops `group` from the schedule. */
  cancel(group: RootGroup): void {
    this.#queue.cancel(group);
    this.#holding.delete(group);
  }

  /** Records new activity on `group` at clock time and pulls its emission forward. */
  touch(group: RootGroup): void {
    group.touch(this.#clock.now());
    const due = this.#dueOf(group);
    // An earlier entry will pop first and reschedule; only pull the schedule forward.
    if (group.dueStamp !== 0 && group.dueAt <= due) return;
    this.#queue.schedule(group, due);
  }

  #cutoffAt(i: Intent): number {
    const base =
      i.start !== undefined && !i.partial ? Math.max(i.start, i.openedAt - this.#maxTraceMs) : i.openedAt;
    return base + this.#maxTraceMs;
  }

  #isIdleKind(group: RootGroup): boolean {
    // Asked on every new fact of the group; the answer only changes with the root.
    if (group.idleFor !== group.root) {
      group.idleFor = group.root;
      group.idleKind = outcomeOf(group.root).state === 'unknown';
    }
    return group.idleKind;
  }

  #settleAt(group: RootGroup, end: IntentEnd): number {
    const quiet = Math.min(group.lastActivity, end.observedAt + (MAX_SETTLE_PERIODS - 1) * this.#settleMs);
    return Math.max(end.observedAt, quiet) + this.#settleMs;
  }

  /**
   * True when `built`, a trace about to go out first, holds the termination of an object still
   * being deleted: that span is open. The trace waits for the object's DELETED (which touches
   * the group), so that the termination goes out with its real end, up to the cut-off: a
   * kubelet's grace period, a Pod stuck Terminating until it is forced.
   */
  #awaitsTermination(built: BuiltTrace | undefined): boolean {
    if (built === undefined) return false;
    for (const s of built.spans) {
      if (s.attributes[ATTR_KUBETRAIL_SPAN_OPEN] !== true) continue;
      const key = built.nodeKeys.get(s.spanId);
      if (key === undefined || !key.startsWith(TERMINATION_KEY)) continue;
      const uid = key.slice(TERMINATION_KEY.length);
      if (this.#graph.isLive(uid) && this.#graph.peek(uid)?.deletionTimestamp !== undefined) return true;
    }
    return false;
  }

  #dueOf(group: RootGroup): number {
    // Settled, every intent emitted: due when its retain period is over.
    if (group.frozen) return group.lastActivity + this.#retainMs;
    let due = this.#holding.get(group) ?? Number.POSITIVE_INFINITY;
    const idle = this.#isIdleKind(group);
    for (const i of group.intents) {
      if (i.emitted === undefined) {
        if (i.end !== undefined) {
          // Awaiting a termination: looked at again after quiet following new activity, else at the cut-off.
          const since = this.#awaiting.get(i);
          due = Math.min(
            due,
            since === undefined
              ? this.#settleAt(group, i.end)
              : group.lastActivity > since
                ? group.lastActivity + this.#settleMs
                : this.#cutoffAt(i),
          );
        } else {
          due = Math.min(due, this.#cutoffAt(i));
          if (idle && i.changed === undefined) due = Math.min(due, group.lastActivity + this.#idleMs);
        }
      } else if (i.emittedVersion !== group.version) {
        due = Math.min(due, group.lastActivity + this.#settleMs);
      }
    }
    return due === Number.POSITIVE_INFINITY ? group.lastActivity + this.#retainMs : due;
  }

  /** True when `group` held a disruption report back that is let go of by `now`. */
  #releases(group: RootGroup, now: number): boolean {
    const at = this.#holding.get(group);
    return at !== undefined && now >= at;
  }

  /**
   * Emits into `out` what of `group` is due at `now` (with `force`, everything:
   * open intents end with `forcedEnd`), then reschedules it. True when the group
   * is settled and was retained long enough: the caller forgets it.
   */
  emit(
    group: RootGroup,
    now: number,
    force: boolean,
    out: TraceRecord[],
    forcedEnd: 'shutdown' | 'cut-off' = 'shutdown',
  ): boolean {
    if (group.frozen) {
      // Settled, and nothing came since: nothing to emit, forced or not (every intent went out
      // and none has a late fact), and its facts stay frozen. Reading them to find that out
      // would thaw every settled group at shutdown and at the end of a replay.
      if (force) return false;
      if (now >= group.lastActivity + this.#retainMs) {
        this.#queue.cancel(group);
        return true;
      }
      this.#queue.schedule(group, Math.max(now + 1, this.#dueOf(group)));
      return false;
    }
    const idle = this.#isIdleKind(group);
    for (const i of group.intents) {
      if (i.emitted !== undefined || i.end !== undefined) continue;
      if (force) i.end = { reason: forcedEnd, time: undefined, observedAt: now, message: undefined };
      else if (now >= this.#cutoffAt(i)) {
        i.end = { reason: 'cut-off', time: this.#cutoffAt(i), observedAt: now, message: undefined };
      } else if (idle && i.changed === undefined && now >= group.lastActivity + this.#idleMs) {
        // A CronJob's run (an intent without a spec change) ends with its Job, not with quiet.
        i.end = { reason: 'converged', time: undefined, observedAt: now, message: undefined };
      }
    }
    const first: Intent[] = [];
    const late: Intent[] = [];
    const releasing = this.#releases(group, now);
    for (const i of group.intents) {
      if (i.emitted === undefined) {
        if (
          i.end !== undefined &&
          (force || i.end.reason === 'cut-off' || now >= this.#settleAt(group, i.end))
        ) {
          first.push(i);
        }
      } else if (
        (i.emittedVersion !== group.version && (force || now >= group.lastActivity + this.#settleMs)) ||
        releasing
      ) {
        late.push(i);
      }
    }
    if (first.length > 0 || late.length > 0) {
      if (this.#placement !== undefined) for (const i of first) this.#placement.place(i);
      // Cluster time, as the facts are: the offset the latest deltas were converted with.
      // At shutdown too: a report held back is the next instance's (see HeldReports).
      const offset = this.#offset.offsetMs ?? 0;
      const held: HeldReports = { at: now - offset };
      const build = () =>
        buildTraces(
          group,
          this.#graph,
          this.#offset,
          this.#maxTraceMs,
          this.#maxSpans,
          held,
          this.#listedRevisions,
        );
      let built = build();
      if (held.until === undefined) this.#holding.delete(group);
      else this.#holding.set(group, held.until + offset);
      const waiting = new Set<Intent>();
      let cut = false;
      for (const i of first) {
        if (force || i.end?.reason === 'cut-off' || !this.#awaitsTermination(built.get(i))) continue;
        if (now < this.#cutoffAt(i)) waiting.add(i);
        else {
          // What it awaited never went: the trace is cut off, that termination open.
          i.end = { reason: 'cut-off', time: this.#cutoffAt(i), observedAt: now, message: undefined };
          cut = true;
        }
      }
      if (cut) built = build();
      for (const i of first) {
        if (waiting.has(i)) {
          this.#awaiting.set(i, now);
          continue;
        }
        this.#awaiting.delete(i);
        const n = out.length;
        this.#emitFirst(group, i, built.get(i), group.version, out, held.resumed);
        this.#placement?.emitted(i, out.length > n && out[n]?.late !== true ? out[n]?.root : undefined);
      }
      for (const i of late) this.#emitLate(group, i, built.get(i), group.version, out, held.resumed);
    }
    if (!force && group.settled && !this.#holding.has(group)) {
      if (now >= group.lastActivity + this.#retainMs) {
        this.#queue.cancel(group);
        return true;
      }
      // Retained for late spans: only what they need.
      if (this.#slimSettled) slimSettled(group, this.#graph);
    }
    if (!force) this.#queue.schedule(group, Math.max(now + 1, this.#dueOf(group)));
    return false;
  }

  #emitFirst(
    group: RootGroup,
    i: Intent,
    built: BuiltTrace | undefined,
    version: number,
    out: TraceRecord[],
    resumed: ReadonlySet<string> | undefined,
  ): void {
    i.emittedVersion = version;
    if (built === undefined) {
      i.emitted = new SpanKeys();
      return;
    }
    let spans = this.#sendable(group, i, built, unclaimed(group, built), resumed);
    let root = built.root;
    const leftOut = i.leftOut?.size ?? 0;
    if (leftOut > 0 && spans.includes(root)) {
      // The trace says what the list could not settle.
      const marked = {
        ...root,
        attributes: { ...root.attributes, [ATTR_KUBETRAIL_BACKFILL_LEFT_OUT]: leftOut },
      };
      spans = spans.map((s) => (s === root ? marked : s));
      root = marked;
    }
    // A rebuilt intent is worth a trace when the retained Events show it, even if none of its spans is settled.
    if ((i.lazy || (i.backfill === 'exact' && !hasListedEvent(group))) && spans.length <= 1) {
      // Opened for facts that turned out to belong to another intent: nothing to say.
      i.emitted = new SpanKeys();
      i.skippedEmpty = true;
      return;
    }
    if (built.dropped !== undefined) this.#onSpansDropped(built.dropped);
    i.emitted = new SpanKeys(spans.map((s) => nodeKeyOf(built, s)));
    // An intent another trace holds (an eviction in its drain's) is one root of several there.
    const key = i.parentSpanId === undefined ? i.traceId : `${i.traceId}/${built.root.spanId}`;
    if (this.#emitted.has(key)) {
      // Its facts were dropped after an earlier emission: the root is already out.
      const rest = spans.filter((s) => s !== root);
      if (rest.length > 0) out.push(record(i, root, rest, true));
      return;
    }
    this.#emitted.set(key, true);
    out.push(record(i, root, spans, false));
  }

  /**
   * Of `spans`, those this instance sends: not what the instance before exported,
   * except in a rebuilt (--backfill) trace, of which only what the list settles;
   * in any trace of a root with a rebuilt one, not what the list showed in the second
   * an intent started in. What is left out for the list is counted once per span.
   */
  #sendable(
    group: RootGroup,
    i: Intent,
    built: BuiltTrace,
    spans: readonly SpanRecord[],
    resumed: ReadonlySet<string> | undefined,
  ): SpanRecord[] {
    if (i.backfill === 'hidden') return [];
    const out = i.backfill === 'exact' ? [...spans] : notExportedBefore(group, i, built, spans, resumed);
    const unsettled = listedAtIntentStarts(group, built);
    if (i.backfill === 'exact') for (const id of unsettledSpans(group, built, this.#graph)) unsettled.add(id);
    if (unsettled.size === 0) return out;
    const left = i.leftOut ?? new Set<string>();
    i.leftOut = left;
    return out.filter((s) => {
      if (!unsettled.has(s.spanId)) return true;
      const key = nodeKeyOf(built, s);
      if (!left.has(key) && left.size < this.#maxSpans) {
        left.add(key);
        this.#onBackfillLeftOut(1);
      }
      return false;
    });
  }

  #emitLate(
    group: RootGroup,
    i: Intent,
    built: BuiltTrace | undefined,
    version: number,
    out: TraceRecord[],
    resumed: ReadonlySet<string> | undefined,
  ): void {
    i.emittedVersion = version;
    const emitted = i.emitted;
    if (built === undefined || emitted === undefined) return;
    if (i.skippedEmpty) {
      if (this.#sendable(group, i, built, unclaimed(group, built), resumed).length <= 1) return;
      i.skippedEmpty = false;
      i.emitted = undefined;
      this.#emitFirst(group, i, built, version, out, resumed);
      return;
    }
    let fresh = this.#sendable(group, i, built, unclaimed(group, built), resumed).filter(
      (s) => s !== built.root,
    );
    if (fresh.length === 0) return;
    // What this instance adds to a trace begun before it started says so on every span.
    if (i.history) fresh = fresh.map(markedPartial);
    // The root counts in the trace's bound, and it went out with the first record.
    const room = this.#maxSpans - emitted.size;
    if (fresh.length > room) fresh = withinRoom(built, fresh, emitted, room);
    if (fresh.length === 0) return;
    for (const s of fresh) emitted.add(nodeKeyOf(built, s));
    out.push(record(i, built.root, fresh, true));
  }
}

/**
 * At most `room` of the late spans `fresh`, each with its parent already sent
 * or kept here, so no span arrives without its parent.
 */
function withinRoom(
  built: BuiltTrace,
  fresh: readonly SpanRecord[],
  emitted: SpanKeys,
  room: number,
): SpanRecord[] {
  const keys = new Set<string>();
  const kept: SpanRecord[] = [];
  const sent = (spanId: string): boolean => {
    const key = built.nodeKeys.get(spanId) ?? spanId;
    return emitted.has(key) || keys.has(key);
  };
  for (let progress = true; progress && kept.length < room; ) {
    progress = false;
    for (const s of fresh) {
      if (kept.length >= room) break;
      const key = nodeKeyOf(built, s);
      if (keys.has(key) || (s.parentSpanId !== undefined && !sent(s.parentSpanId))) continue;
      keys.add(key);
      kept.push(s);
      progress = true;
    }
  }
  return kept;
}

/**
 * The spans of `built` whose node no trace of the group has sent yet (its root
 * always). A span goes out once: when later facts move a node to another
 * intent's trace, the copy already exported stays the only one.
 */
function unclaimed(group: RootGroup, built: BuiltTrace): SpanRecord[] {
  const out: SpanRecord[] = [];
  for (const s of built.spans) {
    if (s === built.root) {
      out.push(s);
      continue;
    }
    const key = nodeKeyOf(built, s);
    let claimed = group.letGo?.has(key) === true;
    for (const j of group.intents) {
      if (claimed) break;
      if (j.emitted?.has(key) === true) {
        claimed = true;
        break;
      }
    }
    if (!claimed) out.push(s);
  }
  return out;
}

/**
 * What the instance that ran before exported: the span of every Event of the
 * initial list (its first part) and, of a history intent, the root, the
 * lifecycle of every object that came with the initial list, and the
 * termination of every object whose deletion had begun by then.
 */
function exportedBefore(
  s: SpanRecord,
  i: Intent,
  group: RootGroup,
  built: BuiltTrace,
  listed: ReadonlySet<string>,
): boolean {
  switch (s.role) {
    case 'action':
      return listed.has(s.spanId);
    case 'intent':
      return i.history;
    case 'termination':
    case 'lifecycle': {
      if (!i.history) return false;
      // An object with no delta since the list is as the list showed it.
      const key = nodeKeyOf(built, s);
      const member = group.members.get(key.slice(key.indexOf(' ') + 1));
      if (member === undefined) return true;
      return s.role === 'lifecycle' ? member.listed : member.deletingWhenListed;
    }
  }
}

/** Of `spans`, those the instance before did not export (see {@link exportedBefore}). */
function notExportedBefore(
  group: RootGroup,
  i: Intent,
  built: BuiltTrace,
  spans: readonly SpanRecord[],
  resumed: ReadonlySet<string> | undefined,
): SpanRecord[] {
  // The span of a listed Event's first part (later parts, of later intents, have ids of their own),
  // but for a report the instance before held back (see HeldReports).
  const listed = new Set<string>();
  for (const f of group.actions.values())
    if (f.listed && f.spanId !== undefined && resumed?.has(f.spanId) !== true) listed.add(f.spanId);
  return spans.filter((s) => !exportedBefore(s, i, group, built, listed));
}

function hasListedEvent(group: RootGroup): boolean {
  for (const f of group.actions.values()) if (f.listed) return true;
  return false;
}

function markedPartial(s: SpanRecord): SpanRecord {
  return { ...s, attributes: { ...s.attributes, [ATTR_KUBETRAIL_PARTIAL]: true } };
}

function record(i: Intent, root: SpanRecord, spans: readonly SpanRecord[], late: boolean): TraceRecord {
  const hasError = root.status.code === 'ERROR' || spans.some((s) => s.status.code === 'ERROR');
  const base = {
    traceId: i.traceId,
    root,
    spans,
    end: i.end?.reason ?? 'shutdown',
    partial: i.partial,
    hasError,
  } as const;
  return late ? { ...base, late: true } : base;
}
