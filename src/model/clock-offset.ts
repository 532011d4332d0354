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
 * clock stepped, a proxy's `Date`), the upper bound still wins.
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

import { type ClockSample, clockSampleProblem, sampleBounds } from './clock-sample.js';

/** How far after a delta's observation the bounds it is converted with may have been observed. */
export const LOOKAHEAD_MS = 1_000;
/** How far out of observation order deltas may arrive and still be converted alike. */
export const REORDER_MS = 2_000;
/** How long after its observation the engine applies a delta: the lookahead, then the reorder allowance. */
export const ALIGN_DELAY_MS = LOOKAHEAD_MS + REORDER_MS;
/** Steps of each bound kept; beyond this the oldest is forgotten. */
const MAX_STEPS = 1_024;

interface Step {
  /** Observation time of the bound, watcher clock. */
  readonly observed: number;
  /** The tightest bound observed at or before `observed`. */
  readonly bound: number;
}

/**
 * Records `bound`, observed at `observed`, in `steps` (sorted by `observed`, each
 * tighter than the one before) if it is tighter than every bound observed no
 * later; the steps after it that it makes redundant go.
 */
function tighten(
  steps: Step[],
  observed: number,
  bound: number,
  tighter: (a: number, b: number) => boolean,
): void {
  // Where it goes: after every step observed no later than it.
  let i = steps.length;
  while (i > 0 && (steps[i - 1]?.observed ?? Number.NEGATIVE_INFINITY) > observed) i--;
  const before = steps[i - 1];
  if (before !== undefined && !tighter(bound, before.bound)) return;
  let end = i;
  while (end < steps.length && !tighter(steps[end]?.bound ?? bound, bound)) end++;
  steps.splice(i, end - i, { observed, bound });
  if (steps.length > MAX_STEPS) steps.shift();
}

/** The bound of the last step observed at or before `limit`; undefined when there is none. */
function boundBy(steps: readonly Step[], limit: number): number | undefined {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((steps[mid]?.observed ?? Number.POSITIVE_INFINITY) <= limit) lo = mid + 1;
    else hi = mid;
  }
  return steps[lo - 1]?.bound;
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
  /**
   * The estimate as a function of observation time: sorted by `observed`, each
   * step tighter than the one before. Only bounds that tightened it are kept.
   */
  readonly #steps: Step[] = [];

  /** The lower bounds from clock samples, as `#steps` but each higher than the one before. */
  readonly #floors: Step[] = [];

  /** The estimate (watcher minus cluster, ms) from every bound seen; undefined before the first. */
  get offsetMs(): number | undefined {
    return estimate(this.#floors[this.#floors.length - 1]?.bound, this.#steps[this.#steps.length - 1]?.bound);
  }

  /**
   * How far the estimate can be off (ms): the interval between the bounds seen
   * (the estimate is the upper one). Undefined without a lower bound (no clock
   * sample) or when the bounds contradict each other.
   */
  get uncertaintyMs(): number | undefined {
    const lower = this.#floors[this.#floors.length - 1]?.bound;
    const upper = this.#steps[this.#steps.length - 1]?.bound;
    return lower === undefined || upper === undefined || lower > upper ? undefined : upper - lower;
  }

  /**
   * Records that a write stamped `stamp` (cluster time, ms) was observed at
   * `observed` (watcher time, ms).
   */
  sample(observed: number, stamp: number): void {
    const bound = observed - stamp;
    if (!Number.isFinite(bound)) return;
    tighten(this.#steps, observed, bound, below);
  }

  /**
   * Records a reading of the apiserver's clock: both of its bounds (see
   * {@link sampleBounds}), observed when its response arrived. An unusable
   * sample (see {@link clockSampleProblem}) is ignored.
   */
  calibrate(reading: ClockSample): void {
    if (clockSampleProblem(reading) !== undefined) return;
    const { lower, upper } = sampleBounds(reading);
    tighten(this.#steps, reading.receivedAt, upper, below);
    tighten(this.#floors, reading.receivedAt, lower, above);
  }

  /** The tightest upper bound observed at or before `limit` (watcher time); undefined when there is none. */
  tightestBy(limit: number): number | undefined {
    return boundBy(this.#steps, limit);
  }

  /** The highest lower bound observed at or before `limit` (watcher time); undefined when there is none. */
  highestBy(limit: number): number | undefined {
    return boundBy(this.#floors, limit);
  }

  /**
   * The offset a delta observed at `observed` is converted with: the estimate
   * from the bounds observed by {@link LOOKAHEAD_MS} after it, its upper bound
   * tightened by the delta's own when `ownStamp` (the newest stamp it carries)
   * is given, so that a converted time never precedes the write it observed.
   * Undefined when there is no bound.
   */
  offsetFor(observed: number, ownStamp?: number): number | undefined {
    const limit = observed + LOOKAHEAD_MS;
    let upper = this.tightestBy(limit);
    if (ownStamp !== undefined) {
      const own = observed - ownStamp;
      if (Number.isFinite(own) && (upper === undefined || own < upper)) upper = own;
    }
    return estimate(this.highestBy(limit), upper);
  }
}
