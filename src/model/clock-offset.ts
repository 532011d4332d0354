/**
 * How far the watcher's clock is off the cluster's: the running estimate of
 * `offset = watcher clock − cluster clock`, and the conversion of observation
 * times to cluster time with it.
 *
 * Every write the apiserver stamps (managedFields `time`, `creationTimestamp`,
 * the deletion request, an Event's microsecond `eventTime`) happened before the
 * watcher observed it, so each `observed − stamp` is an upper bound of the
 * offset (plus the watch's delivery lag, plus up to a second for whole-second
 * stamps). Stamps give no lower bound: alone, the tightest upper bound is the
 * estimate, which errs late (converted times err early, by up to a second at
 * the start of a run), and a stamp's refinement never leaves its second.
 *
 * Readings of the apiserver's clock ({@link ClockSample}: the HTTP `Date` of a
 * direct request) bound it from both sides. Their upper bounds tighten the
 * estimate like stamps' (a burst across a `Date` second pins it to its spacing
 * plus a round trip); the estimate stays the tightest upper bound, never below
 * the true offset, so a converted time is never later than its write can have
 * been (the middle of the bounds would put a refined create after its exact
 * `Scheduled` eventTime). The lower bounds tell how far it can be off
 * ({@link ClockOffset.uncertaintyMs}); where they contradict the upper ones (a
 * proxy's `Date`, an Event written on a host whose clock is ahead), the upper
 * bound still wins.
 *
 * A step of the watcher's clock (NTP, a VM's resume) moves the true offset.
 * Forward, every bound after it is looser than the tightest before, so bounds
 * that only tighten would never follow it: a reading whose lower bound passes
 * the tightest upper bound of the readings before it by more than
 * {@link STEP_SLACK_MS} proves it, and from that reading's observation on the
 * upper bounds restart ({@link BoundStaircase}): the bounds before it keep
 * converting what was observed before it. Only readings prove it: they come in
 * the order they were received, so the proof does not depend on how watches
 * reorder stamps, and a stamp below a reading's floor may be another host's
 * clock, not a step. Stamps alone cannot prove it (after it each is only
 * looser, as a slower delivery's would be), so without readings it is not
 * followed. Backward, the bounds after it are tighter and followed at once;
 * an upper bound more than the slack below the highest floor then restarts the
 * floors, which only the uncertainty reads.
 *
 * A delta observed at `o` is converted with the tightest bound observed up to
 * {@link LOOKAHEAD_MS} after it ({@link tightestBy}), so the first writes of a
 * run are converted with the bounds of the writes right after them, not with
 * their own whole-second stamps alone. The engine applies each delta
 * {@link ALIGN_DELAY_MS} after its observation, by when every delta observed
 * that early has arrived even if watches delivered out of order by up to
 * {@link REORDER_MS}: the estimate a delta is converted with does not depend on
 * arrival order, and a constant shift of every observation shifts it by exactly
 * that much.
 */

import { BoundStaircase } from './bound-staircase.js';
import { type ClockSample, clockSampleProblem, sampleBounds } from './clock-sample.js';

/** How far after a delta's observation the bounds it is converted with may have been observed. */
export const LOOKAHEAD_MS = 1_000;
/** How far out of observation order deltas may arrive and still be converted alike. */
export const REORDER_MS = 2_000;
/** How long after its observation the engine applies a delta: the lookahead, then the reorder allowance. */
export const ALIGN_DELAY_MS = LOOKAHEAD_MS + REORDER_MS;
/**
 * How far two readings of the apiserver's clock (or a stamp and a reading) may
 * contradict each other before the watcher's clock is taken to have stepped. A
 * reading's bounds are exact for one clock read in whole milliseconds, so any
 * contradiction means the offset moved; this much is left to what is not a
 * step: several apiservers behind one address, each writing its own `Date`
 * (NTP keeps them within milliseconds to tens of them), and NTP slewing the
 * watcher's clock between bursts (at most 0.5 ms/s). A smaller step is not
 * followed (see {@link ClockOffset}).
 */
export const STEP_SLACK_MS = 100;

/**
 * A watch delta's observation (watcher clock, ms) and the offset (watcher minus cluster,
 * ms) it was converted to cluster time with: {@link ClockOffset.offsetFor} of it.
 */
export interface Conversion {
  readonly observed: number;
  readonly offset: number;
}

/** A step of the watcher's clock that the bounds proved. */
export interface ClockStep {
  /** Forward: the offset grew (the watcher's clock jumped ahead); backward: it shrank. */
  readonly direction: 'forward' | 'backward';
  /** The observation (watcher clock, ms) from which that side's bounds restart. */
  readonly observedAt: number;
  /** How far the bound that proved it lies beyond the bounds before it (ms): the step is at least this. */
  readonly atLeastMs: number;
}

/** Options of {@link ClockOffset}. */
export interface ClockOffsetOptions {
  /** Each step proven, as it is. */
  readonly onStep?: (step: ClockStep) => void;
}

const below = (a: number, b: number): boolean => a < b;
const above = (a: number, b: number): boolean => a > b;

/**
 * The estimate within the bounds: the upper bound, which the true offset never
 * exceeds; the lower one only before any upper bound is known.
 */
function estimate(lower: number | undefined, upper: number | undefined): number | undefined {
  return upper ?? lower;
}

/** The running estimate of the watcher's clock minus the cluster's. */
export class ClockOffset {
  /** The upper bounds (stamps' and readings'): the estimate as a function of observation time. */
  readonly #ceilings = new BoundStaircase(below);
  /** The lower bounds (readings'). */
  readonly #floors = new BoundStaircase(above);
  /** The readings' upper bounds alone: what a forward step is proven against (see the file comment). */
  readonly #readingCeilings = new BoundStaircase(below);
  readonly #onStep: ((step: ClockStep) => void) | undefined;
  #forwardSteps = 0;
  #backwardSteps = 0;

  constructor(options: ClockOffsetOptions = {}) {
    this.#onStep = options.onStep;
  }

  /** The estimate (watcher minus cluster, ms) from the bounds since the last step; undefined before the first. */
  get offsetMs(): number | undefined {
    return estimate(this.#floors.latest(), this.#ceilings.latest());
  }

  /**
   * How far the estimate can be off (ms): the interval between the bounds seen
   * (the estimate is the upper one). Undefined without a lower bound (no clock
   * sample, or none since a backward step) or while the bounds contradict each
   * other (by no more than {@link STEP_SLACK_MS}, or a stamp's below every reading's).
   */
  get uncertaintyMs(): number | undefined {
    const lower = this.#floors.latest();
    const upper = this.#ceilings.latest();
    return lower === undefined || upper === undefined || lower > upper ? undefined : upper - lower;
  }

  /** Steps of the watcher's clock proven so far, by direction. */
  get steps(): { readonly forward: number; readonly backward: number } {
    return { forward: this.#forwardSteps, backward: this.#backwardSteps };
  }

  /**
   * Records that a write stamped `stamp` (cluster time, ms) was observed at
   * `observed` (watcher time, ms).
   */
  sample(observed: number, stamp: number): void {
    const bound = observed - stamp;
    if (!Number.isFinite(bound)) return;
    this.#ceiling(observed, bound);
  }

  /**
   * Records a reading of the apiserver's clock: both of its bounds (see
   * {@link sampleBounds}), observed when its response arrived. An unusable
   * sample (see {@link clockSampleProblem}) is ignored. Readings come in the
   * order they were received, each before the deltas observed after it.
   */
  calibrate(reading: ClockSample): void {
    if (clockSampleProblem(reading) !== undefined) return;
    const { lower, upper } = sampleBounds(reading);
    const at = reading.receivedAt;
    const ceiling = this.#readingCeilings.by(at);
    if (ceiling !== undefined && lower > ceiling + STEP_SLACK_MS) {
      this.#ceilings.restartAt(at);
      this.#readingCeilings.restartAt(at);
      this.#forwardSteps += 1;
      this.#onStep?.({ direction: 'forward', observedAt: at, atLeastMs: lower - ceiling });
    }
    this.#readingCeilings.add(at, upper);
    this.#ceiling(at, upper);
    this.#floors.add(at, lower);
  }

  /** An upper bound; below the highest floor by more than the slack, it proves a backward step and the floors restart. */
  #ceiling(observed: number, bound: number): void {
    const floor = this.#floors.by(observed);
    if (floor !== undefined && bound < floor - STEP_SLACK_MS) {
      this.#floors.restartAt(observed);
      this.#backwardSteps += 1;
      this.#onStep?.({ direction: 'backward', observedAt: observed, atLeastMs: floor - bound });
    }
    this.#ceilings.add(observed, bound);
  }

  /** The tightest upper bound observed at or before `limit` (watcher time) since the step before it; undefined when there is none. */
  tightestBy(limit: number): number | undefined {
    return this.#ceilings.by(limit);
  }

  /** The highest lower bound observed at or before `limit` (watcher time) since the step before it; undefined when there is none. */
  highestBy(limit: number): number | undefined {
    return this.#floors.by(limit);
  }

  /**
   * The observation a delta converted to cluster time `converted` was observed at, and the
   * upper bound it was converted with ({@link offsetFor}, without its own stamp). Within a
   * regime the bounds only tighten, so `observed − offset` grows with `observed` and at most
   * one observation of each regime converts to it; undefined when none does (converted before
   * any upper bound, with one forgotten since, or a time that is no conversion) or when
   * observations of two regimes do (a step of the watcher's clock: which one is not known).
   * Refined stamps keep whole milliseconds, so the observation found can be up to 1 ms early.
   */
  conversionOf(converted: number): Conversion | undefined {
    let found: Conversion | undefined;
    for (const bound of this.#ceilings.boundsConverting(converted, LOOKAHEAD_MS)) {
      const observed = converted + bound;
      if (this.offsetFor(observed) !== bound) continue;
      if (found !== undefined) return undefined;
      found = { observed, offset: bound };
    }
    return found;
  }

  /**
   * The highest lower bound of the regime of `observed` observed by {@link LOOKAHEAD_MS} after
   * it, as {@link offsetFor} has it: an upper bound below it is of another regime (the
   * watcher's clock stepped between them). Undefined when there is none.
   */
  floorFor(observed: number): number | undefined {
    return this.#floors.by(observed, observed + LOOKAHEAD_MS);
  }

  /**
   * The offset a delta observed at `observed` is converted with: the estimate
   * from the bounds observed since the step before it and by {@link LOOKAHEAD_MS}
   * after it (and before the step after it, if one came that soon), its upper bound
   * tightened by the delta's own when `ownStamp` (the newest stamp it carries)
   * is given, so that a converted time never precedes the write it observed.
   * Undefined when there is no bound.
   */
  offsetFor(observed: number, ownStamp?: number): number | undefined {
    const limit = observed + LOOKAHEAD_MS;
    let upper = this.#ceilings.by(observed, limit);
    if (ownStamp !== undefined) {
      const own = observed - ownStamp;
      if (Number.isFinite(own) && (upper === undefined || own < upper)) upper = own;
    }
    return estimate(this.#floors.by(observed, limit), upper);
  }
}
