import { LRUCache } from 'lru-cache';
import { type ActionFact, actionKeyOf, MAX_OCCURRENCES } from '../causality/action-fact.js';
import { BUILTIN_RULES } from '../causality/builtin-rules.js';
import type { CausalityRule } from '../causality/causality-rule.js';
import { listedWriteOf, newReplicasHistory, recordReplicas } from '../causality/replicas-history.js';
import { RuleTable } from '../causality/rule-table.js';
import { lruBound } from '../graph/lru-bound.js';
import { nameKey, ObjectGraph, type RootResolution } from '../graph/object-graph.js';
import { RecencyMap } from '../graph/recency-map.js';
import type { Clock } from '../model/clock.js';
import { ALIGN_DELAY_MS, ClockOffset, type ClockStep, REORDER_MS } from '../model/clock-offset.js';
import { type ClockSample, clockSampleProblem } from '../model/clock-sample.js';
import type { Delta, DeltaType } from '../model/delta.js';
import { flatString } from '../model/flat-string.js';
import { changeKeyOf, type IntentKey } from '../model/ids.js';
import type { NormalEvent, ObjectProjection } from '../model/projection.js';
import { numericRv } from '../model/resource-version.js';
import type { TraceRecord } from '../model/span-record.js';
import { WriteCeilings } from '../model/write-ceilings.js';
import { conditionWriterOf } from '../normalise/condition-writer.js';
import { keepEarliest } from '../normalise/keep-earliest.js';
import { asRecord, asString, type IssueSink } from '../normalise/narrow.js';
import { isEventObject, normaliseEvent } from '../normalise/normalise-event.js';
import { conditionOf, projectObject } from '../normalise/project-object.js';
import { SECOND_SLACK_MS, secondOf } from '../normalise/refine-time.js';
import { isRejected } from '../normalise/rejection.js';
import {
  creationStamp,
  deletionWriteStamp,
  newestWriteStamp,
  type ShownDeletion,
  shownDeletion,
} from '../normalise/write-stamp.js';
import { ClosedRoots } from './closed-roots.js';
import { DrainBook } from './drain-book.js';
import { EmissionSchedule } from './emission-schedule.js';
import { durationOption, type EngineLimits, instantOption, resolveLimits } from './engine-limits.js';
import { Counters, type EngineStats } from './engine-stats.js';
import { goneOwnerOf } from './gone-owner.js';
import { IntentBook } from './intent-book.js';
import { letGoOfOldIntents, MAX_INTENTS_PER_ROOT } from './intent-bound.js';
import { ListedRevisionBook } from './listed-revision-book.js';
import { outcomeOf } from './outcome.js';
import { deletedNoLaterThan, ownWriteStamp, recordOwnWrite } from './own-write.js';
import { PendingBuffer } from './pending-buffer.js';
import { type MemberFact, RootGroup, recordDone, recordTransitions } from './root-group.js';

/** Options of the {@link TraceEngine}. Durations are milliseconds on the injected clock. */
export interface TraceEngineOptions {
  /** The only time source. */
  readonly clock: Clock;
  /** Storage bounds; see {@link EngineLimits}. Validated eagerly. */
  readonly limits?: Partial<EngineLimits>;
  /** The causality table; defaults to {@link BUILTIN_RULES}. */
  readonly rules?: readonly CausalityRule[];
  /** Quiet period after a root ends before its trace is emitted. Default 5 s. */
  readonly settleMs?: number;
  /** Maximum trace length; an intent still open after it is cut off. Default 15 min. */
  readonly maxTraceMs?: number;
  /**
   * When the source started, epoch ms: intents older than this are marked partial.
   * Default: the time of the first initial-list delta, if any.
   */
  readonly startedAt?: number;
  /** Live mode: Events last seen before this (epoch ms) are ignored. */
  readonly skipEventsBefore?: number;
  /**
   * Send what the initial list shows of intents begun before the start, with the
   * ids and parents a live run gave them, instead of leaving it to the instance
   * that ran before (see {@link IntentBook.openListed}). Default false.
   */
  readonly backfill?: boolean;
  /**
   * The initial list is history even when it shows no Event: the source lists
   * Events with everything else (live mode), so a list without one is of a
   * cluster whose Events had not been written yet, not a capture that lists
   * objects only (kspan's). Without it, a list is history once it shows an
   * Event (see #openListedRoots). Default false.
   */
  readonly listIsHistory?: boolean;
  /** How long an item waits for a missing object before falling back to names and rule targets. Default 3 s. */
  readonly pendingMs?: number;
  /** Roots whose kind has no notion of "done" (CronJob, plain custom resources) end after this much quiet. Default 30 s. */
  readonly idleMs?: number;
  /** How long an emitted trace's facts are kept so late spans still find their parents. Default 5 min. */
  readonly retainMs?: number;
  /** How long deleted objects are remembered. Default 10 min. */
  readonly tombstoneTtlMs?: number;
  /**
   * Keep every fact of a settled trace during the retain period, not only what late
   * spans need (see slimSettled): the same output with more memory, for comparisons.
   * Default false.
   */
  readonly keepSettledFacts?: boolean;
  /** Each step of the watcher's clock the clock offset's bounds prove (see ClockOffset), as it is. */
  readonly onClockStep?: (step: ClockStep) => void;
}

type PendingItem =
  | {
      readonly kind: 'event';
      readonly event: NormalEvent;
      readonly waitingOn: string;
      readonly arrivedAt: number;
      /** The offset bound its delta was converted with (see RootGroup.tightestOffset). */
      readonly bound: number | undefined;
    }
  | {
      readonly kind: 'object';
      readonly projection: ObjectProjection;
      /** The state held before it, as {@link TraceEngine.#afterObject} takes it. */
      readonly previous: ObjectProjection | undefined;
      readonly type: DeltaType;
      readonly time: number;
      readonly waitingOn: string;
      readonly arrivedAt: number;
      /** The stamp the write set itself, judged against the state held when it arrived (see own-write.ts). */
      readonly ownAt: number | undefined;
      /** The offset bound its delta was converted with (see RootGroup.tightestOffset). */
      readonly bound: number | undefined;
    }
  /** A later state of an object whose ADDED has not arrived yet (see #holdsUnseen). */
  | {
      readonly kind: 'delta';
      readonly raw: unknown;
      readonly type: DeltaType;
      readonly time: number;
      readonly waitingOn: string;
      readonly arrivedAt: number;
    };

/** A root delta kept until its root has an open intent, with its time (cluster clock). */
interface EarlyDelta {
  readonly projection: ObjectProjection;
  readonly previous: ObjectProjection | undefined;
  readonly type: DeltaType;
  readonly time: number;
  /** Clock time it arrived. */
  readonly arrivedAt: number;
  /** The offset bound it was converted with (see RootGroup.tightestOffset). */
  readonly bound: number | undefined;
}

/** What deltas of one root showed while none of its intents was open. */
interface EarlyDeltas {
  /** The earliest delta of each generation. */
  readonly byGeneration: Map<number, EarlyDelta>;
  /** The earliest delta that showed the newest generation's outcome. */
  outcome: EarlyDelta | undefined;
}

/** Generations remembered per root before it has an open intent. */
const MAX_EARLY_GENERATIONS = 4;

/** A delta waiting to be applied, with its observation time (watcher clock). */
interface Aligning {
  readonly delta: Delta;
  readonly time: number;
  /** For an object's watch delta: its uid and numeric resourceVersion (see #applyInObjectOrder). */
  readonly uid: string | undefined;
  readonly rv: number | undefined;
  /** Applied already, ahead of its place (see #applyInObjectOrder). */
  applied: boolean;
}

/** A released slot; every entry has the same fields, so the queue's code sees one shape. */
const EMPTY_ALIGNING: Aligning = {
  delta: Object.freeze({ time: 0, type: 'ADDED' as const, object: null }),
  time: 0,
  uid: undefined,
  rv: undefined,
  applied: true,
};

/** Distinct kinds counted by name in stats; beyond this they count as `other`. */
const MAX_COUNTED_KINDS = 256;

/**
 * The pure core: deltas in, settled traces out. No IO, no timers; time comes
 * from the injected clock. The trace model and the order of causality are in the
 * README's "The span model".
 *
 * The engine normalises each delta, keeps the object graph, and routes the
 * delta to its root object's group (parking it while an owner is missing).
 * The {@link IntentBook} keeps the group's intents, the {@link EmissionSchedule}
 * decides when its traces go out, and {@link buildTraces} builds them.
 */
export class TraceEngine {
  readonly #clock: Clock;
  readonly #limits: EngineLimits;
  readonly #rules: RuleTable;
  readonly #skipEventsBefore: number | undefined;
  readonly #pendingMs: number;

  readonly #graph: ObjectGraph;
  readonly #intents: IntentBook;
  readonly #groups = new Map<string, RootGroup>();
  readonly #schedule: EmissionSchedule;
  /** Cordons and outages of Nodes, and the evictions that follow them. */
  readonly #drains: DrainBook;
  /** Roots whose group was let go of: their emitted intents are not traced again. */
  readonly #closed: ClosedRoots;
  readonly #pending: PendingBuffer<PendingItem>;
  /** Rule target (kind/ns/name) → root uid: resolves Events about objects never seen (kspan's unknown uids). */
  readonly #targets: RecencyMap<string, string>;
  /**
   * Jobs of CronJobs that came with the initial list, until a fact of their run
   * arrives (see #openListedRun); a quarter of `--max-objects`, least recent evicted.
   */
  readonly #listedRunJobs: RecencyMap<string, true>;
  /**
   * Pods the initial list (history) showed evicted, by their controller's uid, until a
   * fact that may follow from their eviction arrives (see #openListedEvictions); a
   * quarter of `--max-objects`, least recent evicted.
   */
  readonly #listedEvictions: RecencyMap<string, string[]>;
  /** What the initial list showed of StatefulSets, their Pods' revisions and their Events' writes (see ListedRevisionBook). */
  readonly #listedRevisions: ListedRevisionBook;
  /** Root deltas seen while none of their root's intents was open (see #noteEarly). */
  readonly #early: LRUCache<string, EarlyDeltas>;
  /**
   * The initial list showed Events, or is history anyway (listIsHistory): a kubetrail
   * ran before (it lists Events; kspan's captures list objects only, and replay Events
   * after, as if watched), so what the list shows is history it exported.
   */
  #eventsListed = false;
  /** Roots of the initial list seen before it showed Events (see #openListedRoots). */
  #listedRoots = new Set<string>();
  readonly #backfill: boolean;
  /**
   * --backfill: objects (kind/namespace/name) that a listed Event of another object
   * created or scaled up, such as a ReplicaSet its Deployment made and that was
   * orphaned since: listed as roots, their rebuilt intents were another root's.
   */
  readonly #madeByOthers = new Set<string>();
  /** Watcher clock minus cluster clock, estimated from every fresh write's stamps and the clock samples. */
  readonly #offset: ClockOffset;
  /** How late a DELETED can have been made, from the stamped writes after it (see WriteCeilings). */
  readonly #ceilings = new WriteCeilings();
  /**
   * Deltas waiting {@link ALIGN_DELAY_MS} after their observation, in arrival
   * order, so that the bounds observed just after them count when they are
   * converted to cluster time (see ClockOffset). The initial list too: its
   * stamps are refined alike, and it must not overtake deltas observed before it.
   */
  #aligning: Aligning[] = [];
  /** The waiting deltas of each object (those with a uid and numeric resourceVersion), in arrival order. */
  readonly #aligningByUid = new Map<string, Aligning[]>();
  #aligningHead = 0;
  /** The offset the delta being applied is converted with (watcher minus cluster, ms; 0 when unknown). */
  #deltaOffset = 0;
  /** As #deltaOffset, undefined when no bound was known: the bound it was converted with. */
  #deltaBound: number | undefined = undefined;
  #outbox: TraceRecord[] = [];
  /** Owners found gone while an item was retried, whose waiting items are retried next (see #retryWaited). */
  readonly #goneFound: string[] = [];

  readonly #byType = new Counters();
  readonly #byKind = new Counters();
  readonly #rejected = new Counters();
  readonly #repaired = new Counters();
  readonly #evictions = new Counters();
  #kindsCounted = 0;
  #tracesEmitted = 0;
  #lateRecords = 0;
  #spansEmitted = 0;
  #backfillLeftOut = 0;
  readonly #sink: IssueSink;

  /** Validates every option eagerly; a bad one throws a TypeError. */
  constructor(options: TraceEngineOptions) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    const clock = options.clock;
    if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
      throw new TypeError('options.clock must have a now() method');
    }
    this.#clock = clock;
    this.#limits = resolveLimits(options.limits);
    if (options.rules !== undefined && !Array.isArray(options.rules))
      throw new TypeError('options.rules must be an array');
    this.#rules = new RuleTable(options.rules ?? BUILTIN_RULES);
    const settleMs = durationOption('settleMs', options.settleMs, 5_000);
    const maxTraceMs = durationOption('maxTraceMs', options.maxTraceMs, 15 * 60_000);
    if (maxTraceMs === 0) throw new TypeError('maxTraceMs must be greater than 0');
    this.#pendingMs = durationOption('pendingMs', options.pendingMs, 3_000);
    const idleMs = durationOption('idleMs', options.idleMs, 30_000);
    const retainMs = durationOption('retainMs', options.retainMs, 5 * 60_000);
    const tombstoneTtlMs = durationOption('tombstoneTtlMs', options.tombstoneTtlMs, 10 * 60_000);
    if (options.onClockStep !== undefined && typeof options.onClockStep !== 'function')
      throw new TypeError('options.onClockStep must be a function');
    this.#offset = new ClockOffset(options.onClockStep === undefined ? {} : { onStep: options.onClockStep });
    if (options.keepSettledFacts !== undefined && typeof options.keepSettledFacts !== 'boolean')
      throw new TypeError('options.keepSettledFacts must be a boolean');
    if (options.backfill !== undefined && typeof options.backfill !== 'boolean')
      throw new TypeError('options.backfill must be a boolean');
    const backfill = options.backfill === true;
    this.#backfill = backfill;
    if (options.listIsHistory !== undefined && typeof options.listIsHistory !== 'boolean')
      throw new TypeError('options.listIsHistory must be a boolean');
    this.#eventsListed = options.listIsHistory === true;
    this.#intents = new IntentBook(clock, instantOption('startedAt', options.startedAt), backfill);
    this.#skipEventsBefore = instantOption('skipEventsBefore', options.skipEventsBefore);

    this.#graph = new ObjectGraph({
      clock,
      maxObjects: this.#limits.maxObjects,
      maxTombstones: this.#limits.maxTombstones,
      tombstoneTtlMs: Math.max(1, tombstoneTtlMs),
      onEvict: (bound) => this.#evictions.add(bound),
    });
    this.#pending = new PendingBuffer<PendingItem>(this.#limits.maxPending);
    this.#targets = new RecencyMap<string, string>(Math.max(1000, this.#limits.maxObjects >> 2));
    this.#listedRunJobs = new RecencyMap<string, true>(Math.max(1000, this.#limits.maxObjects >> 2));
    this.#listedEvictions = new RecencyMap<string, string[]>(Math.max(1000, this.#limits.maxObjects >> 2));
    this.#listedRevisions = new ListedRevisionBook(Math.max(1000, this.#limits.maxObjects >> 2));
    this.#early = new LRUCache<string, EarlyDeltas>(
      lruBound(Math.max(1000, this.#limits.maxOpenTraces >> 2)),
    );
    this.#drains = new DrainBook({
      clock,
      settleMs,
      maxTraceMs,
      maxEntries: Math.max(1000, this.#limits.maxOpenTraces >> 2),
      pods: () => this.#graph.liveOfKind('Pod'),
    });
    this.#schedule = new EmissionSchedule({
      clock,
      graph: this.#graph,
      settleMs,
      maxTraceMs,
      idleMs,
      retainMs,
      maxOpenTraces: this.#limits.maxOpenTraces,
      maxSpansPerTrace: this.#limits.maxSpansPerTrace,
      onSpansDropped: (n) => this.#evictions.add('spansPerTrace', n),
      onBackfillLeftOut: (n) => {
        this.#backfillLeftOut += n;
      },
      slimSettled: options.keepSettledFacts !== true,
      placement: this.#drains,
      offset: this.#offset,
      listedRevisions: this.#listedRevisions,
    });
    // A fact of an intent can come as late as the longest trace after it started.
    this.#closed = new ClosedRoots({ clock, max: this.#limits.maxOpenTraces * 4, ttlMs: maxTraceMs });
    const repaired = this.#repaired;
    this.#sink = { issue: (reason) => repaired.add(reason) };
  }

  /**
   * The deletion request the state of `uid` written just before resourceVersion `rv` showed (a
   * delta still waiting, else the graph's): undefined when none; false when no state of it
   * written before is known.
   */
  #deletionBefore(uid: string, rv: number, observed: number): ShownDeletion | undefined | false {
    let best: Aligning | undefined;
    for (const e of this.#aligningByUid.get(uid) ?? []) {
      if (e.rv !== undefined && e.rv < rv && (best?.rv === undefined || e.rv > best.rv)) best = e;
    }
    if (best !== undefined) return shownDeletion(asRecord(best.delta)?.object, observed);
    const p = this.#graph.peek(uid);
    const known = p === undefined ? undefined : numericRv(p.resourceVersion);
    if (p === undefined || known === undefined || known >= rv) return false;
    return p.deletionTimestamp === undefined
      ? undefined
      : { at: p.deletionTimestamp, grace: p.deletionGracePeriodSeconds ?? 0 };
  }

  /**
   * Takes one watch delta. It is applied {@link ALIGN_DELAY_MS} after its
   * observation (at a later apply, tick or flush), once the writes observed
   * just after it have bounded the clock offset it is converted with. Never
   * throws on bad input: it is counted by reason and dropped.
   */
  apply(delta: Delta): void {
    try {
      const now = this.#clock.now();
      const d = asRecord(delta);
      const time = typeof d?.time === 'number' && Number.isFinite(d.time) ? d.time : now;
      const type = d?.type;
      if (d !== undefined && d.initial !== true && (type === 'ADDED' || type === 'MODIFIED')) {
        const stamp = newestWriteStamp(d.object, time);
        if (stamp !== undefined) this.#offset.sample(time, stamp);
        if (type === 'ADDED') {
          const rv = numericRv(asString(asRecord(asRecord(d.object)?.metadata)?.resourceVersion));
          const created = creationStamp(d.object, time);
          if (rv !== undefined && created !== undefined) this.#ceilings.recordStampedWrite(rv, created, time);
        }
      }
      const meta = d === undefined || d.initial === true ? undefined : asRecord(asRecord(d.object)?.metadata);
      const uid = meta === undefined || isEventObject(d?.object) ? undefined : asString(meta.uid);
      const rv = uid === undefined ? undefined : numericRv(asString(meta?.resourceVersion));
      if (uid !== undefined && rv !== undefined) {
        if (type === 'MODIFIED' && meta?.deletionTimestamp !== undefined) {
          // A delete request (or its grace cut to 0) stamps the write that makes it.
          const before = this.#deletionBefore(uid, rv, time);
          const made =
            before === false ? undefined : deletionWriteStamp(before, shownDeletion(d?.object, time));
          if (made !== undefined) this.#ceilings.recordStampedWrite(rv, made, time);
        }
        const entry: Aligning = { delta, time, uid, rv, applied: false };
        this.#aligning.push(entry);
        const held = this.#aligningByUid.get(uid);
        if (held === undefined) this.#aligningByUid.set(uid, [entry]);
        else held.push(entry);
      } else this.#aligning.push({ delta, time, uid: undefined, rv: undefined, applied: false });
      // Bounded: beyond the pending bound, the oldest is applied early.
      if (this.#aligning.length - this.#aligningHead > this.#limits.maxPending) {
        this.#evictions.add('aligning');
        this.#releaseOne(now, true);
      }
      this.#releaseDue(now);
    } catch {
      // A bug must not take the watcher down; the counter makes it visible.
      this.#rejected.add('internal-error');
    }
  }

  /**
   * Takes one reading of the apiserver's clock (the HTTP `Date` of a direct
   * request, see ClockSample): it bounds the clock offset from both sides for
   * the deltas observed up to a second (LOOKAHEAD_MS) before its response arrived
   * and after. An unusable sample is counted by reason and dropped.
   */
  calibrate(sample: ClockSample): void {
    const problem =
      typeof sample === 'object' && sample !== null ? clockSampleProblem(sample) : 'not a clock sample';
    if (problem !== undefined) {
      this.#rejected.add('invalid-clock-sample');
      return;
    }
    this.#offset.calibrate(sample);
  }

  #applyNow(delta: Delta, now: number): void {
    // What settled before this delta is emitted without it, whenever the caller ticks.
    if (this.#schedule.nextDueAt() <= now) this.#drainDue(now, this.#outbox);
    this.#apply(delta);
  }

  /** Applies the waiting deltas observed at least {@link ALIGN_DELAY_MS} before `now` (all with `all`). */
  #releaseDue(now: number, all = false): void {
    const queue = this.#aligning;
    while (this.#aligningHead < queue.length) {
      const head = queue[this.#aligningHead];
      if (head === undefined || (!all && head.time + ALIGN_DELAY_MS > now)) break;
      this.#releaseOne(now, all);
    }
    if (this.#aligningHead === queue.length) {
      this.#aligning = [];
      this.#aligningHead = 0;
    } else if (this.#aligningHead > 1024 && this.#aligningHead * 2 > queue.length) {
      this.#aligning = queue.slice(this.#aligningHead);
      this.#aligningHead = 0;
    }
  }

  #releaseOne(now: number, all: boolean): void {
    const head = this.#aligning[this.#aligningHead];
    if (head === undefined) return;
    this.#aligning[this.#aligningHead] = EMPTY_ALIGNING;
    this.#aligningHead += 1;
    if (head.applied === true) return;
    this.#applyInObjectOrder(head, now, all);
  }

  /**
   * Applies `entry`, after the waiting deltas of the same object that were
   * written before it (lower resourceVersion) and are due: one watch delivers
   * an object's deltas in order, but a re-list, a relay or a recording's
   * arrival order may not, and what the engine learns from an object's writes
   * in turn (its own stamps, see own-write.ts) must not depend on it.
   */
  #applyInObjectOrder(entry: Aligning, now: number, all: boolean): void {
    const uid = entry.uid;
    const queued = uid === undefined ? undefined : this.#aligningByUid.get(uid);
    if (uid !== undefined && queued !== undefined && queued.length === 1 && queued[0] === entry) {
      // The usual case: no other delta of the object waits.
      entry.applied = true;
      this.#aligningByUid.delete(uid);
    } else if (uid !== undefined && queued !== undefined) {
      const rv = entry.rv ?? 0;
      const earlier = queued
        .filter(
          (e) =>
            e !== entry && e.applied !== true && (e.rv ?? 0) < rv && (all || e.time + ALIGN_DELAY_MS <= now),
        )
        .sort((a, b) => (a.rv ?? 0) - (b.rv ?? 0));
      for (const e of earlier) {
        e.applied = true;
        this.#applyGuarded(e.delta, now);
      }
      entry.applied = true;
      const waiting = queued.filter((e) => e.applied !== true);
      if (waiting.length === 0) this.#aligningByUid.delete(uid);
      else this.#aligningByUid.set(uid, waiting);
    }
    this.#applyGuarded(entry.delta, now);
  }

  #applyGuarded(delta: Delta, now: number): void {
    try {
      this.#applyNow(delta, now);
    } catch {
      this.#rejected.add('internal-error');
    }
  }

  /**
   * Clock time at which the oldest waiting delta is due to be applied;
   * +Infinity when none waits. A replay ticks there, as a live run's loop would.
   */
  nextAlignedAt(): number {
    const head = this.#aligning[this.#aligningHead];
    return head === undefined ? Number.POSITIVE_INFINITY : head.time + ALIGN_DELAY_MS;
  }

  /** Traces that settled as of clock.now(), plus late records of traces already emitted. */
  tick(): TraceRecord[] {
    const now = this.#clock.now();
    this.#releaseDue(now);
    for (const item of this.#pending.expire(now, this.#pendingMs)) this.#retryWaited(item);
    const out = this.#takeOutbox();
    this.#drainDue(now, out);
    return this.#count(out);
  }

  #drainDue(now: number, out: TraceRecord[]): void {
    for (;;) {
      const group = this.#schedule.popDue(now);
      if (group === undefined) break;
      if (this.#groups.get(group.rootUid) !== group) continue;
      if (this.#schedule.emit(group, now, false, out)) this.#forget(group);
    }
    this.#drains.emitDue(now, false, out);
  }

  /** Everything still open, emitted now: open intents are marked cut off with end `shutdown`. */
  flush(): TraceRecord[] {
    const now = this.#clock.now();
    this.#releaseDue(now, true);
    for (const item of this.#pending.drain()) this.#retryWaited(item);
    const out = this.#takeOutbox();
    for (const group of [...this.#groups.values()]) this.#schedule.emit(group, now, true, out);
    this.#drains.emitDue(now, true, out);
    return this.#count(out);
  }

  /** Plain counters and gauges. */
  stats(): EngineStats {
    return {
      deltasByType: this.#byType.snapshot(),
      deltasByKind: this.#byKind.snapshot(),
      rejected: this.#rejected.snapshot(),
      repaired: this.#repaired.snapshot(),
      evictions: this.#evictions.snapshot(),
      tracesEmitted: this.#tracesEmitted,
      lateRecords: this.#lateRecords,
      spansEmitted: this.#spansEmitted,
      backfillLeftOut: this.#backfillLeftOut,
      objects: this.#graph.size,
      tombstones: this.#graph.tombstoneCount,
      openTraces: this.#groups.size,
      pending: this.#pending.size,
      clockOffsetMs: this.#offset.offsetMs,
      clockOffsetUncertaintyMs: this.#offset.uncertaintyMs,
      clockSteps: this.#offset.steps,
    };
  }

  // ---- input -------------------------------------------------------------

  #apply(delta: Delta): void {
    const d = asRecord(delta);
    if (d === undefined) {
      this.#rejected.add('not-a-delta');
      return;
    }
    const type = d.type;
    if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') {
      this.#rejected.add('invalid-delta-type');
      return;
    }
    let time: number;
    if (typeof d.time === 'number' && Number.isFinite(d.time)) time = d.time;
    else {
      this.#repaired.add('invalid-delta-time');
      time = this.#clock.now();
    }
    this.#byType.add(type);
    const raw = d.object;
    this.#countKind(asRecord(raw)?.kind);
    const initial = d.initial === true;
    // A recording's initial list marks when its source started, as the start option does live.
    if (initial) this.#intents.startAt(time);
    if (isEventObject(raw)) {
      this.#convertingAt(time);
      this.#applyEvent(raw, type, time, initial);
      return;
    }
    const uid = asRecord(asRecord(raw)?.metadata)?.uid;
    if (!initial && type === 'MODIFIED' && typeof uid === 'string' && this.#holdsUnseen(uid)) {
      this.#park({ kind: 'delta', raw, type, time, waitingOn: uid, arrivedAt: this.#clock.now() });
      return;
    }
    this.#convertingAt(time);
    this.#applyObject(raw, type, time, initial);
  }

  /** Sets the offset the delta observed at `time` is converted with; its own stamps tighten it (see #toCluster). */
  #convertingAt(time: number): void {
    this.#deltaBound = this.#offset.offsetFor(time);
    this.#deltaOffset = this.#deltaBound ?? 0;
    this.#intents.offsetMs = this.#deltaOffset;
  }

  /**
   * A later state of an object never seen, after the start: its ADDED is on its way
   * (watches reorder; an object created after the start is ADDED first), and with it
   * the states before, such as the owner it had. Applied alone, the later state
   * decides too early where the object's facts go: a ReplicaSet seen orphaned before
   * its ADDED would root the Pods and Events its Deployment caused. It waits for the
   * ADDED (or any delta it can follow), at most as long as anything pending.
   */
  #holdsUnseen(uid: string): boolean {
    return this.#intents.startedAt !== undefined && uid.length > 0 && this.#graph.peek(uid) === undefined;
  }

  /** A held later state (see #holdsUnseen), applied now that its object arrived or its wait ran out. */
  #applyHeld(raw: unknown, type: DeltaType, time: number): void {
    const outer = this.#deltaOffset;
    const outerBound = this.#deltaBound;
    this.#convertingAt(time);
    this.#applyObject(raw, type, time, false);
    this.#deltaOffset = outer;
    this.#deltaBound = outerBound;
    this.#intents.offsetMs = outer;
  }

  #countKind(kind: unknown): void {
    const name = typeof kind === 'string' && kind.length > 0 ? kind : '(none)';
    if (this.#byKind.get(name) === 0) {
      if (this.#kindsCounted >= MAX_COUNTED_KINDS) {
        this.#byKind.add('other');
        return;
      }
      this.#kindsCounted += 1;
    }
    this.#byKind.add(name);
  }

  #applyEvent(raw: unknown, type: DeltaType, time: number, initial: boolean): void {
    if (type === 'DELETED') {
      // Events expire by TTL; their deletion says nothing about the cluster.
      this.#rejected.add('event-deleted');
      return;
    }
    const ev = normaliseEvent(raw, time, this.#sink, (own) => this.#toCluster(time, own, initial));
    if (isRejected(ev)) {
      this.#rejected.add(ev.rejected);
      return;
    }
    if (initial) {
      if (!this.#eventsListed) this.#openListedRoots();
      this.#eventsListed = true;
      this.#routeListedEvent(ev);
      return;
    }
    // The skip time is the watcher's; the Event's times are the cluster's.
    if (this.#skipEventsBefore !== undefined && ev.lastTime < this.#skipEventsBefore - this.#deltaOffset) {
      this.#rejected.add('stale-event');
      return;
    }
    this.#routeEvent(ev, false, this.#deltaBound);
  }

  #applyObject(raw: unknown, type: DeltaType, observed: number, initial: boolean): void {
    const held = this.#heldOf(raw);
    // The observation in cluster time, bounded below by the newest stamp the object carries.
    let time = observed - this.#deltaOffset;
    let newest: number | undefined;
    const p = projectObject(raw, this.#sink, observed, held, (own) => {
      newest = own;
      time = this.#toCluster(observed, own, initial);
      return time;
    });
    if (isRejected(p)) {
      this.#rejected.add(p.rejected);
      return;
    }
    if (type === 'DELETED') {
      // No stamp of its own: no later than the stamped writes after it, nor before its newest stamp.
      const rv = numericRv(p.resourceVersion);
      const ceiling = rv === undefined ? undefined : this.#ceilings.ceilingOf(rv, observed);
      if (ceiling !== undefined && ceiling < time && (newest === undefined || ceiling >= newest))
        time = ceiling;
      // Ending a deletion in progress: no later after its last write with a stamp of its own than
      // it was seen after it.
      const own = p.deletionTimestamp === undefined ? undefined : this.#memberOf(p)?.ownWrite;
      const after = own === undefined ? undefined : deletedNoLaterThan(own, time);
      if (after !== undefined && after < time) time = Math.max(after, newest ?? after);
      // Gone with no finalizer left, at a grace period of 0: removed in the request of its last
      // write, which stamped it (a grace-0 delete stamps its deletionTimestamp; a finalizer's
      // removal, its manager's entry). No later than the end of that stamp's second.
      if (p.deletionTimestamp !== undefined && p.deletionGracePeriodSeconds === 0 && newest !== undefined) {
        const by = secondOf(newest) + SECOND_SLACK_MS;
        if (by < time && !holdsFinalizers(raw)) time = Math.max(by, newest);
      }
    }
    const live = held !== undefined && this.#graph.isLive(p.uid) ? held : undefined;
    if (type === 'DELETED') {
      if (live === undefined && this.#graph.tombstone(p.uid) !== undefined) {
        this.#rejected.add('duplicate');
        return;
      }
      this.#graph.remove(p, time);
      if (p.kind === 'Pod') this.#drains.recordPod(p, true);
    } else if (live === undefined && this.#graph.tombstone(p.uid) !== undefined) {
      // A delta from before the DELETED, arriving after it: it must not bring the object back,
      // but its earlier stamps still count.
      const tomb = this.#graph.tombstone(p.uid)?.projection;
      if (tomb !== undefined) this.#graph.refreshTombstone(keepEarliest(tomb, p));
    } else {
      if (
        live !== undefined &&
        p.resourceVersion !== undefined &&
        live.resourceVersion === p.resourceVersion
      ) {
        this.#rejected.add('duplicate');
        return;
      }
      this.#graph.recordOwner(p, live);
      // A stale delta (watches reorder) must not roll the object back; its earlier stamps still count.
      const held = live !== undefined && isOlder(p, live) ? keepEarliest(live, p) : p;
      this.#graph.upsert(held);
      if (p.kind === 'Pod') this.#drains.recordPod(held, false);
    }
    for (const item of this.#pending.take(p.uid)) this.#retry(item, false);
    if (this.#pending.size > 0) {
      for (const item of this.#pending.take(byNameKey(p.kind, p.namespace, p.name))) this.#retry(item, false);
    }
    if (p.kind === 'Node') {
      // Who marked it not Ready names an outage's root; a Ready Node opens none.
      const readyWriter =
        conditionOf(p, 'Ready')?.status === 'True' ? undefined : conditionWriterOf(raw, 'Ready');
      if (initial) this.#drains.recordListed(p, readyWriter);
      else this.#drains.recordNode(p, live, time, type === 'DELETED', readyWriter);
    }
    if (initial) {
      if (p.kind === 'Job' && p.owners.some((o) => o.controller && o.kind === 'CronJob'))
        this.#listedRunJobs.set(p.uid, true);
      if (isEvicted(p) && p.controllerUid !== undefined && type !== 'DELETED') {
        const evicted = this.#listedEvictions.get(p.controllerUid) ?? [];
        if (!evicted.includes(p.uid)) this.#listedEvictions.set(p.controllerUid, [...evicted, p.uid]);
      }
      if (type !== 'DELETED') this.#listedRevisions.record(raw, p);
      // The initial list fills the graph without emitting history; a root's current intent is
      // history, once the list shows Events (see #openListedRoots), or rebuilt (--backfill).
      const group = this.#groups.get(p.uid);
      if (group !== undefined) group.root = p;
      else if (type !== 'DELETED') {
        const root = this.#graph.resolveRoot(p, numericRv(p.resourceVersion));
        if (root.status === 'root' && root.root.uid === p.uid) {
          if (this.#backfill || this.#eventsListed) {
            const made = this.#newGroup(p);
            this.#intents.openListed(made);
            if (this.#madeByOthers.has(nameKey(p.kind, p.namespace, p.name))) this.#hideRebuilt(made);
          } else if (this.#listedRoots.size < this.#limits.maxObjects) this.#listedRoots.add(p.uid);
        }
      }
      return;
    }
    // Only a deletion in progress's writes bound its DELETED (see own-write.ts): the request's and
    // those after it. Kept for them alone, terminating objects hold it, not every live one.
    const ownAt = p.deletionTimestamp === undefined ? undefined : ownWriteStamp(p, live, type, time, newest);
    this.#afterObject(p, live, type, time, false, ownAt, this.#deltaOffset, this.#deltaBound);
  }

  /**
   * A delta's observation time in cluster time: less the offset estimated for
   * it, and never before `own`, the newest stamp the delta carries (the write
   * it shows was observed after it was made). Stamps are refined with this,
   * inside their second, and span ends without a stamp use it.
   */
  #toCluster(observed: number, own: number | undefined, listed = false): number {
    // A list that is history was taken after every write it shows, seconds or an hour
    // later: its observation says nothing of when in its second a stamp was written,
    // only that it came before whatever is watched after the list. It stays at the start
    // of its second. (A capture's first list is no history: watched from then on, its
    // observation bounds its stamps as any delta's does.)
    if (listed && own !== undefined && this.#eventsListed) return own;
    const converted = observed - this.#deltaOffset;
    return own !== undefined && converted < own ? own : converted;
  }

  /** The member fact `p`'s root group holds of it (a root's own included), if its group is open. */
  #memberOf(p: ObjectProjection): MemberFact | undefined {
    const res = this.#graph.resolveRoot(p, numericRv(p.resourceVersion));
    const rootUid = res.status === 'root' ? res.root.uid : undefined;
    return rootUid === undefined ? undefined : this.#groups.get(rootUid)?.members.get(p.uid);
  }

  /** The projection held for the uid of `raw`, live or tombstoned, if any. */
  #heldOf(raw: unknown): ObjectProjection | undefined {
    const meta = asRecord(asRecord(raw)?.metadata);
    const uid = meta?.uid;
    // A peek: the upsert that follows makes the object most recent anyway.
    return typeof uid === 'string' && uid.length > 0 ? this.#graph.peek(uid) : undefined;
  }

  #afterObject(
    p: ObjectProjection,
    previous: ObjectProjection | undefined,
    type: DeltaType,
    time: number,
    fallback: boolean,
    ownAt: number | undefined,
    offset: number | undefined,
    bound: number | undefined,
  ): void {
    const root = this.#rootOf(p, fallback, numericRv(p.resourceVersion));
    if (isMissing(root)) {
      this.#park({
        kind: 'object',
        projection: p,
        previous,
        type,
        time,
        waitingOn: root.missingUid,
        arrivedAt: this.#clock.now(),
        ownAt,
        bound,
      });
      return;
    }
    if (root.uid === p.uid) this.#rootDelta(p, previous, type, time, ownAt, offset, bound);
    else this.#memberDelta(root, p, type, time, previous, ownAt, bound);
  }

  #retry(item: PendingItem, fallback: boolean): void {
    if (item.kind === 'event') this.#routeEvent(item.event, fallback, item.bound);
    else if (item.kind === 'delta') this.#applyHeld(item.raw, item.type, item.time);
    else
      this.#afterObject(
        item.projection,
        item.previous,
        item.type,
        item.time,
        fallback,
        item.ownAt,
        undefined,
        item.bound,
      );
  }

  /**
   * The root of `p`'s owner chain. When an owner is missing and this is not a
   * fallback, that owner: the caller parks its item to wait for it. `asOfRv`: the
   * write asked about, for objects whose controller changed (see ObjectGraph.resolveRoot).
   */
  #rootOf(p: ObjectProjection, fallback: true, asOfRv?: number): ObjectProjection;
  #rootOf(p: ObjectProjection, fallback: boolean, asOfRv?: number): ObjectProjection | MissingOwner;
  #rootOf(p: ObjectProjection, fallback: boolean, asOfRv?: number): ObjectProjection | MissingOwner {
    const res = this.#graph.resolveRoot(p, asOfRv);
    switch (res.status) {
      case 'root':
        return res.root;
      case 'missing':
        if (fallback) {
          // Waited for in vain: an owner deleted before the start, when another holds its name now.
          if (this.#continueGoneOwner(res.topmost, res.missingUid)) return this.#rootOf(p, fallback, asOfRv);
          this.#repaired.add('owner-missing');
          return res.topmost;
        }
        return res;
      case 'cycle':
        this.#repaired.add('owner-cycle');
        return res.topmost;
      case 'too-deep':
        this.#repaired.add('owner-chain-too-deep');
        return res.topmost;
    }
  }

  /**
   * An owner that `child` names and that was deleted before this instance watched
   * it (see goneOwnerOf): remembered as deleted, and its delete, begun before the
   * start, continued as history in its root's trace (see IntentBook.continueGone).
   * True when it was.
   */
  #continueGoneOwner(child: ObjectProjection, missingUid: string): boolean {
    const gone = goneOwnerOf(
      child,
      missingUid,
      this.#graph,
      (again) => this.#memberOf(again)?.addedRv !== undefined,
    );
    if (gone === undefined) return false;
    this.#graph.remove(gone.projection, gone.goneBy);
    const root = this.#graph.resolveRoot(gone.projection);
    const group = root.status === 'root' ? this.#groupFor(root.root) : undefined;
    if (group !== undefined && root.status === 'root' && root.root.uid !== missingUid)
      this.#intents.continueGone(group, gone.projection, gone.goneBy);
    this.#repaired.add('owner-gone');
    this.#goneFound.push(missingUid);
    return true;
  }

  /**
   * Retries an item that waited its time for what it needs, with the fallbacks; then,
   * in arrival order, what else waited for an owner found gone meanwhile (see
   * #continueGoneOwner): it is known now.
   */
  #retryWaited(item: PendingItem): void {
    this.#retry(item, true);
    for (let uid = this.#goneFound.pop(); uid !== undefined; uid = this.#goneFound.pop())
      for (const next of this.#pending.take(uid)) this.#retry(next, false);
  }

  #park(item: PendingItem): void {
    const evicted = this.#pending.add(item);
    if (evicted !== undefined) {
      this.#evictions.add('pending');
      this.#retryWaited(evicted);
    }
  }

  #routeEvent(ev: NormalEvent, fallback: boolean, bound: number | undefined): void {
    const inv = ev.involved;
    const ns = inv.namespace === '' ? ev.namespace : inv.namespace;
    let root: ObjectProjection | undefined;
    let about: ObjectProjection | undefined;
    if (inv.uid !== '') {
      const x = this.#graph.get(inv.uid);
      about = x;
      if (x !== undefined) {
        const found = this.#rootOf(x, fallback, numericRv(inv.resourceVersion));
        if (isMissing(found)) {
          this.#park({
            kind: 'event',
            event: ev,
            waitingOn: found.missingUid,
            arrivedAt: this.#clock.now(),
            bound,
          });
          return;
        }
        root = found;
      } else if (!fallback) {
        this.#park({ kind: 'event', event: ev, waitingOn: inv.uid, arrivedAt: this.#clock.now(), bound });
        return;
      }
    }
    root ??= this.#rootByName(inv.kind, ns, inv.name);
    if (root === undefined) {
      if (inv.uid === '' && !fallback) {
        // No uid to wait for (e.g. Flux's Sync events): wait for an object of that name.
        this.#park({
          kind: 'event',
          event: ev,
          waitingOn: byNameKey(inv.kind, ns, inv.name),
          arrivedAt: this.#clock.now(),
          bound,
        });
        return;
      }
      this.#rejected.add('unresolved');
      return;
    }
    const group = this.#groupFor(root);
    if (group === undefined) return;
    if (about !== undefined) {
      // Pods the list showed evicted, of the controller it is about or of the Pod's controller.
      this.#openListedEvictions(group, about.uid, '', ev.lastTime);
      this.#openListedEvictions(group, about.controllerUid, '', ev.lastTime);
    }
    this.#addAction(group, ev, ns, false, bound);
  }

  /**
   * The list shows Events: the roots it showed before them are history (their groups
   * made now, or, when later deltas made one already, its current intent marked).
   */
  #openListedRoots(): void {
    for (const uid of this.#listedRoots) {
      const group = this.#groups.get(uid);
      if (group !== undefined) {
        this.#intents.continueListed(group);
        continue;
      }
      const p = this.#graph.peek(uid);
      if (p !== undefined && this.#graph.isLive(uid)) this.#intents.openListed(this.#newGroup(p));
    }
    this.#listedRoots.clear();
  }

  /**
   * An Event of the initial list, about a listed object: a fact of its root's group,
   * marked listed. The previous instance exported its span; kept, it gives later
   * spans the parents a live run gives them. An Event about an object gone is dropped.
   */
  #routeListedEvent(ev: NormalEvent): void {
    if (this.#backfill) this.#noteMadeByOther(ev);
    const x = ev.involved.uid === '' ? undefined : this.#graph.peek(ev.involved.uid);
    const res =
      x === undefined ? undefined : this.#graph.resolveRoot(x, numericRv(ev.involved.resourceVersion));
    const group = res?.status === 'root' ? this.#groups.get(res.root.uid) : undefined;
    if (group === undefined) {
      this.#rejected.add('initial-event');
      return;
    }
    const inv = ev.involved;
    this.#listedRevisions.recordEvent(ev);
    this.#addAction(group, ev, inv.namespace === '' ? ev.namespace : inv.namespace, true);
  }

  /**
   * --backfill: a listed Event in which one object created or scaled up another (a
   * Deployment's "Scaled up replica set X") shows X was the first one's at the time.
   * When X is listed as a root of its own (orphaned since), its rebuilt intents were
   * the other root's: they are not sent (see #hideRebuilt), in either list order.
   */
  #noteMadeByOther(ev: NormalEvent): void {
    const m = this.#rules.match(ev);
    if (m?.actedOnName === undefined || (m.verb !== 'create' && m.verb !== 'scale-up')) return;
    const inv = ev.involved;
    const ns = inv.namespace === '' ? ev.namespace : inv.namespace;
    if (m.actedOnKind === inv.kind && m.actedOnName === inv.name) return;
    const key = nameKey(m.actedOnKind, ns, m.actedOnName);
    if (this.#madeByOthers.size < this.#limits.maxObjects) this.#madeByOthers.add(key);
    const uid = this.#graph.uidByName(m.actedOnKind, ns, m.actedOnName);
    const group = uid === undefined ? undefined : this.#groups.get(uid);
    if (group !== undefined) this.#hideRebuilt(group);
  }

  /** The rebuilt intents of `group` are not sent; each one's root counts as left out. */
  #hideRebuilt(group: RootGroup): void {
    this.#backfillLeftOut += this.#intents.hideRebuilt(group);
  }

  /** Fallback for an object never seen by uid: the live object of that name, else what acted on that name. */
  #rootByName(kind: string, ns: string, name: string): ObjectProjection | undefined {
    const key = nameKey(kind, ns, name);
    const uid = this.#graph.uidByName(kind, ns, name);
    const x = uid === undefined ? undefined : this.#graph.get(uid);
    if (x !== undefined) {
      this.#repaired.add('resolved-by-name');
      return this.#rootOf(x, true);
    }
    const rootUid = this.#targets.get(key);
    if (rootUid === undefined) return undefined;
    this.#repaired.add('resolved-by-rule-target');
    return this.#groups.get(rootUid)?.root ?? this.#graph.get(rootUid);
  }

  #addAction(
    group: RootGroup,
    ev: NormalEvent,
    ns: string,
    listed = false,
    bound: number | undefined = undefined,
  ): void {
    // The occurrence this delivery reports: the first one's time for count 1, else the latest's.
    const at = ev.count === 1 ? ev.firstTime : ev.lastTime;
    if (at < group.closedBefore) {
      // Of an intent let go of for the intents-per-root bound: its trace is closed.
      this.#rejected.add('trace-closed');
      return;
    }
    group.noteOffset(bound);
    const key = actionKeyOf(ev);
    const fact = group.actions.get(key);
    if (fact !== undefined) {
      if (!addOccurrence(fact, ev.count, at)) {
        this.#rejected.add('duplicate');
        return;
      }
      if (ev.count > fact.count) fact.event = ev;
      fact.count = Math.max(fact.count, ev.count);
      fact.minCount = Math.min(fact.minCount, ev.count);
      summarise(fact);
    } else {
      if (!this.#roomForFact(group)) return;
      const match = this.#rules.match(ev);
      // An Event first seen already repeated: the span starts at the occurrence we saw, not at history.
      group.actions.set(key, {
        event: ev,
        match,
        start: at,
        lastTime: at,
        count: ev.count,
        minCount: ev.count,
        occurrences: undefined,
        spanId: undefined,
        listed,
      });
      if (match?.actedOnName !== undefined) {
        const key = nameKey(match.actedOnKind, ns, match.actedOnName);
        // Most targets are named once; a set only when it changes spares the LRU bookkeeping.
        // Kept flat: the joined key is a chain of ropes over its parts (about 120 bytes, not 60).
        if (this.#targets.peek(key) !== group.rootUid) this.#targets.set(flatString(key), group.rootUid);
      }
      if (group.root.kind === 'CronJob') {
        this.#openListedRun(group, ev.involved.uid || undefined, at);
        if (match?.actedOnKind === 'Job' && match.actedOnName !== undefined)
          this.#openListedRun(group, this.#graph.uidByName('Job', ns, match.actedOnName), at);
      }
    }
    // The write of the root its reporter acted on: a "done" read off an older state was overtaken.
    const acted = ev.involved.uid === group.rootUid ? numericRv(ev.involved.resourceVersion) : undefined;
    if (acted !== undefined && (group.rootActedRv === undefined || acted > group.rootActedRv)) {
      group.rootActedRv = acted;
      this.#intents.reconsiderHeldDone(group);
    }
    this.#schedule.touch(group);
  }

  /**
   * The run of a CronJob's Job that came with the initial list, which this
   * instance knows from there only (no delta of it since): a fact about the Job,
   * or about what it made, opens the run as history, as a delta of it would (see IntentBook.recordMemberChange):
   * the instance before sent it so far, and its later Events follow in its trace.
   */
  #openListedRun(group: RootGroup, uid: string | undefined, time: number): void {
    let p = uid === undefined ? undefined : this.#graph.peek(uid);
    for (let depth = 0; p !== undefined && p.kind !== 'Job' && depth < 4; depth++) {
      p = p.controllerUid === undefined ? undefined : this.#graph.peek(p.controllerUid);
    }
    // A Job not listed is opened by its own delta (it may come after what it made: watches reorder).
    if (p?.kind !== 'Job' || p.controllerUid !== group.rootUid || !this.#listedRunJobs.has(p.uid)) return;
    this.#listedRunJobs.delete(p.uid);
    if (group.members.has(p.uid) || group.intent(changeKeyOf(p.uid)) !== undefined) return;
    this.#intents.recordMemberChange(group, p, 'MODIFIED', time, true);
  }

  // ---- groups and intents ------------------------------------------------

  /** The group of `root`, made on first use; undefined when the trace this fact would open is closed. */
  #groupFor(root: ObjectProjection): RootGroup | undefined {
    let group = this.#groups.get(root.uid);
    let reopened = false;
    if (group === undefined) {
      if (this.#closed.isClosed(root.uid, currentKey(root))) {
        // A CronJob's later scheduled runs are traces of their own (CronJob.Run), minutes or
        // hours after its spec intent's trace went out and was let go of.
        if (root.kind !== 'CronJob') {
          this.#rejected.add('trace-closed');
          return undefined;
        }
        reopened = true;
      }
      group = new RootGroup(root, this.#clock.now());
      this.#groups.set(root.uid, group);
      if (this.#groups.size > this.#limits.maxOpenTraces) this.#evictOldestGroup();
    }
    if (group.intents.length === 0) {
      this.#intents.openCurrent(group);
      // That spec intent went out before: only late spans of it follow, as for a retained group.
      if (reopened) this.#intents.asSent(group);
      // Found in the initial list (of a capture that listed no Events): it began before the start.
      if (this.#listedRoots.has(root.uid)) for (const i of group.intents) i.partial = true;
      this.#applyEarly(group);
    }
    return group;
  }

  /**
   * Remembers a root delta that opened no intent because none of its root was
   * open: watches reorder, and the delta that opens the intent (an ADDED, a
   * generation bump, an Event) may come after the one that first showed a
   * generation, or its end. Per generation the earliest delta is kept, and the
   * earliest that shows an outcome (done, failed); bounded.
   */
  #noteEarly(
    p: ObjectProjection,
    previous: ObjectProjection | undefined,
    type: DeltaType,
    time: number,
    bound: number | undefined,
  ): void {
    const gen = p.generation ?? 0;
    let early = this.#early.get(p.uid);
    if (early === undefined) {
      early = { byGeneration: new Map(), outcome: undefined };
      this.#early.set(p.uid, early);
    }
    const now = this.#clock.now();
    const seen = early.byGeneration.get(gen);
    if (seen === undefined || time < seen.time || now - seen.arrivedAt > REORDER_MS) {
      early.byGeneration.set(gen, { projection: p, previous, type, time, arrivedAt: now, bound });
      if (early.byGeneration.size > MAX_EARLY_GENERATIONS) {
        early.byGeneration.delete(Math.min(...early.byGeneration.keys()));
      }
    }
    this.#noteOutcome(early, p, time, now, bound);
  }

  #noteOutcome(
    early: EarlyDeltas,
    p: ObjectProjection,
    time: number,
    now: number,
    bound: number | undefined,
  ): void {
    if (p.deletionTimestamp !== undefined) return;
    const state = outcomeOf(p).state;
    if (state !== 'done' && state !== 'failed') return;
    const gen = p.generation ?? 0;
    const noted = early.outcome;
    if (noted !== undefined && now - noted.arrivedAt <= REORDER_MS) {
      const notedGen = noted.projection.generation ?? 0;
      if (notedGen > gen || (notedGen === gen && noted.time <= time)) return;
    }
    early.outcome = { projection: p, previous: undefined, type: 'MODIFIED', time, arrivedAt: now, bound };
  }

  /**
   * Gives a group that just got its intents what deltas that arrived just
   * before (within the reorder allowance) showed while none was open: the
   * first delta of the generation of an open intent or a newer one (a bump
   * delivered before the state it bumped), and the outcome of an open intent.
   * An older generation's delta is a quiet root's, as it would have been in
   * order, and opens nothing.
   */
  #applyEarly(group: RootGroup): void {
    const early = this.#early.peek(group.rootUid);
    if (early === undefined) return;
    const now = this.#clock.now();
    let oldest = Number.POSITIVE_INFINITY;
    for (const i of group.intents) if (typeof i.key === 'number' && i.key < oldest) oldest = i.key;
    const deltas = [...early.byGeneration.values()].sort((a, b) => a.time - b.time);
    for (const e of deltas) {
      const gen = e.projection.generation ?? 0;
      // An older generation than any open intent waits: the delta that opens its intent may follow.
      if (now - e.arrivedAt <= REORDER_MS && gen < oldest) continue;
      early.byGeneration.delete(gen);
      if (now - e.arrivedAt > REORDER_MS || this.#closed.isClosed(group.rootUid, gen)) continue;
      group.noteOffset(e.bound);
      this.#intents.recordChange(group, e.projection, e.previous, e.type, e.time, now, () => group);
    }
    const o = early.outcome;
    if (o !== undefined && now - o.arrivedAt > REORDER_MS) early.outcome = undefined;
    else if (o !== undefined && group.intent(o.projection.generation ?? 0) !== undefined) {
      group.noteOffset(o.bound);
      this.#intents.recordOutcome(group, o.projection, o.time, now);
      early.outcome = undefined;
    }
    if (early.byGeneration.size === 0 && early.outcome === undefined) this.#early.delete(group.rootUid);
  }

  #evictOldestGroup(): void {
    const oldest = this.#groups.values().next().value;
    if (oldest === undefined) return;
    this.#evictions.add('openTraces');
    // Ended once, as cut off; its later facts are dropped (see ClosedRoots).
    this.#schedule.emit(oldest, this.#clock.now(), true, this.#outbox, 'cut-off');
    this.#schedule.cancel(oldest);
    this.#forget(oldest);
  }

  /** Lets go of a group whose intents are all emitted. */
  #forget(group: RootGroup): void {
    this.#groups.delete(group.rootUid);
    this.#closed.close(group.rootUid, group.intentKeys());
  }

  #rootDelta(
    p: ObjectProjection,
    previous: ObjectProjection | undefined,
    type: DeltaType,
    time: number,
    ownAt: number | undefined,
    offset: number | undefined,
    bound: number | undefined,
  ): void {
    const now = this.#clock.now();
    const held = this.#groups.get(p.uid);
    const group = this.#intents.recordChange(
      held,
      p,
      previous,
      type,
      time,
      now,
      (root) => this.#newGroup(root),
      offset,
    );
    if (group === undefined) {
      this.#noteEarly(p, previous, type, time, bound);
      return;
    }
    group.noteOffset(bound);
    if (this.#early.size > 0) this.#applyEarly(group);
    if ((held === undefined || group.letGo !== undefined) && this.#closed.has(p.uid)) {
      // A closed root, or one whose oldest intents were let go of: only an intent not
      // emitted before (a later generation, a delete) is traced.
      for (let k = group.intents.length - 1; k >= 0; k--) {
        const intent = group.intents[k];
        if (intent !== undefined && intent.emitted === undefined && this.#closed.isClosed(p.uid, intent.key))
          group.intents.splice(k, 1);
      }
      if (group.intents.length === 0) {
        this.#groups.delete(p.uid);
        this.#rejected.add('trace-closed');
        return;
      }
    }
    // A delta older than what the group holds must not roll the root back.
    if (!isOlder(p, group.root)) group.root = p;
    const self = group.member(p.uid);
    recordOwnWrite(self, numericRv(p.resourceVersion), ownAt, time);
    recordTransitions(self, p);
    this.#intents.recordOutcome(group, p, time, now, offset);
    if (group.rootActedRv !== undefined) this.#intents.reconsiderHeldDone(group);
    const gone = letGoOfOldIntents(group, MAX_INTENTS_PER_ROOT, this.#limits.maxSpansPerTrace);
    if (gone.length > 0) {
      this.#closed.close(group.rootUid, gone);
      this.#evictions.add('intentsPerRoot', gone.length);
    }
    this.#schedule.touch(group);
  }

  #newGroup(p: ObjectProjection): RootGroup {
    const group = new RootGroup(p, this.#clock.now());
    this.#groups.set(p.uid, group);
    if (this.#groups.size > this.#limits.maxOpenTraces) this.#evictOldestGroup();
    return group;
  }

  #memberDelta(
    root: ObjectProjection,
    p: ObjectProjection,
    type: DeltaType,
    time: number,
    previous: ObjectProjection | undefined,
    ownAt: number | undefined,
    bound: number | undefined,
  ): void {
    const group = this.#groupFor(root);
    if (group === undefined) return;
    group.noteOffset(bound);
    // Its siblings (p's a Pod) or its Pods (p's their controller) the list showed evicted.
    this.#openListedEvictions(group, p.controllerUid, p.uid, time);
    this.#openListedEvictions(group, p.uid, p.uid, time);
    const first = !group.members.has(p.uid);
    if (first && !this.#roomForFact(group)) return;
    const member = group.member(p.uid);
    // Held before its first delta here: it came with the initial list.
    if (first && previous !== undefined) recordListed(member, previous);
    recordTransitions(member, p);
    recordOwnWrite(member, numericRv(p.resourceVersion), ownAt, time);
    const rv = numericRv(p.resourceVersion);
    if (rv !== undefined) {
      if (first && previous !== undefined) this.#recordListedReplicas(member, previous);
      if (p.status.specReplicas !== undefined) {
        member.replicas ??= newReplicasHistory(rv);
        recordReplicas(member.replicas, rv, p.status.specReplicas, p.specChange?.time);
      }
      if (type === 'ADDED') member.addedRv = rv;
      if (
        (type === 'DELETED' || p.deletionTimestamp !== undefined || isEvicted(p)) &&
        (member.goingRv === undefined || rv < member.goingRv)
      ) {
        member.goingRv = rv;
      }
    }
    const outcome = outcomeOf(p);
    if (outcome.state === 'done') {
      // The first time it was done, whatever order the deltas came in; a "done" without a time of
      // its own at the status write that showed it.
      recordDone(member, outcome.time ?? p.statusWrittenAt ?? time);
    }
    if (type === 'DELETED') member.deletedAt = time;
    // A CronJob's Job from the initial list: its run began before the start.
    const listedJob = p.kind === 'Job' && this.#listedRunJobs.delete(p.uid);
    // A Pod the initial list (history) showed evicted, or being deleted: its eviction or delete
    // began before the start.
    const listedEviction = first && previous !== undefined && this.#listIsHistory && isEvicted(previous);
    const listedDelete =
      first && p.kind === 'Pod' && previous?.deletionTimestamp !== undefined && this.#listIsHistory;
    this.#intents.recordMemberChange(group, p, type, time, listedJob || listedEviction || listedDelete);
    if (group.root.kind === 'CronJob' && p.kind !== 'Job') this.#openListedRun(group, p.uid, time);
    this.#noteEviction(group, p, listedEviction);
    this.#schedule.touch(group);
  }

  /** A Pod's change intent that `group` holds: an eviction joins its Node's cordon or outage. */
  #noteEviction(group: RootGroup, p: ObjectProjection, listed: boolean): void {
    const change = p.kind === 'Pod' ? group.intent(changeKeyOf(p.uid)) : undefined;
    if (change === undefined) return;
    this.#drains.recordEviction(p);
    // Sent so far by the instance before, in its cordon's or outage's trace if it joined one.
    if (listed && change.history) this.#drains.continueListed(change);
  }

  /** The initial list is history the instance before exported (not rebuilt with --backfill). */
  get #listIsHistory(): boolean {
    return this.#eventsListed && !this.#backfill;
  }

  /**
   * The Pods controlled by `controllerUid` that the initial list showed evicted and no
   * delta has shown since (but `except`, whose own delta is being applied): a fact of
   * `group` that may follow from their eviction arrived (a replacement, their
   * controller's Event), and their evictions are opened as history, as their own delta
   * would (see #memberDelta): the instance before sent them, at its stop if not before.
   */
  #openListedEvictions(
    group: RootGroup,
    controllerUid: string | undefined,
    except: string,
    time: number,
  ): void {
    if (controllerUid === undefined || this.#listedEvictions.size === 0) return;
    const uids = this.#listedEvictions.peek(controllerUid);
    if (uids === undefined) return;
    this.#listedEvictions.delete(controllerUid);
    if (!this.#listIsHistory) return;
    for (const uid of uids) {
      const p = uid === except || group.members.has(uid) ? undefined : this.#graph.peek(uid);
      if (p === undefined || !this.#graph.isLive(uid) || !isEvicted(p) || !this.#roomForFact(group)) continue;
      recordListed(group.member(uid), p);
      this.#intents.recordMemberChange(group, p, 'MODIFIED', time, true);
      this.#noteEviction(group, p, true);
    }
  }

  /**
   * The replicas the listed state of a member asked for, from its write on; from its
   * create on when its spec never changed (generation 1): then its first Pods answered
   * its creation, as a live run that saw its ADDED knows (the ReplicaSet controller's
   * Events name the ReplicaSet's write they acted on, older than the list).
   */
  #recordListedReplicas(member: ReturnType<RootGroup['member']>, listed: ObjectProjection): void {
    const replicas = listed.status.specReplicas;
    const rv = numericRv(listed.resourceVersion);
    if (replicas === undefined || rv === undefined) return;
    member.replicas ??= newReplicasHistory(rv);
    member.replicas.listed = listedWriteOf(listed, rv, replicas);
    if (listed.generation === 1) recordReplicas(member.replicas, 0, replicas, listed.specChange?.time);
    recordReplicas(member.replicas, rv, replicas, listed.specChange?.time);
  }

  /**
   * True when `group` may take one more fact. Actions and objects together (with
   * the objects of actions let go of once sent) are bounded by the spans-per-trace
   * bound; beyond it the new fact is dropped, not the oldest: dropping a cause
   * would move its consequences to another trace.
   */
  #roomForFact(group: RootGroup): boolean {
    const retired = group.retired?.objects.size ?? 0;
    if (group.actions.size + group.members.size + retired < this.#limits.maxSpansPerTrace) return true;
    this.#evictions.add('factsPerRoot');
    group.incomplete = true;
    return false;
  }

  #takeOutbox(): TraceRecord[] {
    const out = this.#outbox;
    this.#outbox = [];
    return out;
  }

  #count(out: TraceRecord[]): TraceRecord[] {
    for (const r of out) {
      this.#tracesEmitted += 1;
      if (r.late === true) this.#lateRecords += 1;
      this.#spansEmitted += r.spans.length;
    }
    return out;
  }
}

/** The intent a root's current state belongs to. */
function currentKey(root: ObjectProjection): IntentKey {
  return root.deletionTimestamp !== undefined ? 'delete' : (root.generation ?? 0);
}

/** An owner missing from the graph: the item that needs it waits for `missingUid`. */
type MissingOwner = Extract<RootResolution, { status: 'missing' }>;

function isMissing(root: ObjectProjection | MissingOwner): root is MissingOwner {
  return 'missingUid' in root;
}

/** The pending key of an item waiting for an object by name; cannot collide with a uid. */
function byNameKey(kind: string, ns: string, name: string): string {
  return `name:${nameKey(kind, ns, name)}`;
}

/** True when `p` is an older state of `than` (by resourceVersion, when both are numeric). */
function isOlder(p: ObjectProjection, than: ObjectProjection): boolean {
  if (p.uid !== than.uid || p.resourceVersion === undefined || than.resourceVersion === undefined)
    return false;
  const a = Number(p.resourceVersion);
  const b = Number(than.resourceVersion);
  return Number.isFinite(a) && Number.isFinite(b) && a < b;
}

/** Records occurrence `count` at `time`, the earliest observation winning; false when it adds nothing. */
function addOccurrence(fact: ActionFact, count: number, time: number): boolean {
  if (fact.occurrences === undefined) {
    if (count === fact.minCount) {
      if (time >= fact.start) return false;
      fact.start = time;
      return true;
    }
    fact.occurrences = [{ count: fact.minCount, time: fact.start }];
  }
  const list = fact.occurrences;
  let i = 0;
  while (i < list.length && (list[i]?.count ?? 0) < count) i++;
  const found = list[i];
  if (found !== undefined && found.count === count) {
    if (time >= found.time) return false;
    found.time = time;
    return true;
  }
  list.splice(i, 0, { count, time });
  // Bounded: the first occurrence and the latest ones are kept.
  if (list.length > MAX_OCCURRENCES) list.splice(1, 1);
  return true;
}

/** Start and last time of a fact from its occurrences. */
function summarise(fact: ActionFact): void {
  const list = fact.occurrences;
  if (list === undefined) {
    fact.lastTime = fact.start;
    return;
  }
  let last = Number.NEGATIVE_INFINITY;
  for (const o of list) if (o.time > last) last = o.time;
  const first = list[0]?.time ?? fact.start;
  fact.start = first;
  fact.lastTime = Math.max(first, last);
}

/** What the initial list showed of a member: that it existed, and whether it was leaving (its write came first). */
function recordListed(member: MemberFact, listed: ObjectProjection): void {
  member.listed = true;
  member.deletingWhenListed = listed.deletionTimestamp !== undefined;
  const rv = numericRv(listed.resourceVersion);
  if (rv !== undefined && (listed.deletionTimestamp !== undefined || isEvicted(listed))) member.goingRv = rv;
}

/** True when `p` is a Pod marked for eviction (`DisruptionTarget` True). */
function isEvicted(p: ObjectProjection): boolean {
  return p.kind === 'Pod' && conditionOf(p, 'DisruptionTarget')?.status === 'True';
}

/** True when the raw object lists a finalizer (what its deletion still waits for). */
function holdsFinalizers(raw: unknown): boolean {
  const finalizers = asRecord(asRecord(raw)?.metadata)?.finalizers;
  return Array.isArray(finalizers) && finalizers.length > 0;
}
