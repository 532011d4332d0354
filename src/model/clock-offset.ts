/**
 * How far the watcher's clock is off the cluster's: the running estimate of
 * `offset = watcher clock − cluster clock`, and the conversion of observation
 * times to cluster time with it.
 *
 * Every write the apiserver stamps (managedFields `time`, `creationTimestamp`,
 * the deletion request, an Event's microsecond `eventTime`) happened before the
 * watcher observed it, so each `observed − stamp` is an upper bound of the
 * offset (plus the watch's delivery lag, plus up to a second for whole-second
 * stamps). The tightest bound is the estimate. There is no lower bound to be
 * had, so the estimate errs late: converted times err early, and a stamp's
 * refinement never leaves its second.
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

/** How far after a delta's observation the bounds it is converted with may have been observed. */
export const LOOKAHEAD_MS = 1_000;
/** How far out of observation order deltas may arrive and still be converted alike. */
export const REORDER_MS = 2_000;
/** How long after its observation the engine applies a delta: the lookahead, then the reorder allowance. */
export const ALIGN_DELAY_MS = LOOKAHEAD_MS + REORDER_MS;
/** Steps of the estimate kept; beyond this the oldest is forgotten. */
const MAX_STEPS = 1_024;

interface Step {
  /** Observation time of the bound, watcher clock. */
  readonly observed: number;
  /** The tightest bound observed at or before `observed`. */
  readonly bound: number;
}

/** The running estimate of the watcher's clock minus the cluster's. */
export class ClockOffset {
  /**
   * The estimate as a function of observation time: sorted by `observed`, each
   * step tighter than the one before. Only bounds that tightened it are kept.
   */
  readonly #steps: Step[] = [];

  /** The estimate (watcher minus cluster, ms): the tightest bound seen; undefined before the first. */
  get offsetMs(): number | undefined {
    return this.#steps[this.#steps.length - 1]?.bound;
  }

  /**
   * Records that a write stamped `stamp` (cluster time, ms) was observed at
   * `observed` (watcher time, ms).
   */
  sample(observed: number, stamp: number): void {
    const bound = observed - stamp;
    if (!Number.isFinite(bound)) return;
    const steps = this.#steps;
    // Where it goes: after every step observed no later than it.
    let i = steps.length;
    while (i > 0 && (steps[i - 1]?.observed ?? Number.NEGATIVE_INFINITY) > observed) i--;
    const before = steps[i - 1];
    if (before !== undefined && before.bound <= bound) return;
    let end = i;
    while (end < steps.length && (steps[end]?.bound ?? Number.NEGATIVE_INFINITY) >= bound) end++;
    steps.splice(i, end - i, { observed, bound });
    if (steps.length > MAX_STEPS) steps.shift();
  }

  /** The tightest bound observed at or before `limit` (watcher time); undefined when there is none. */
  tightestBy(limit: number): number | undefined {
    const steps = this.#steps;
    let lo = 0;
    let hi = steps.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((steps[mid]?.observed ?? Number.POSITIVE_INFINITY) <= limit) lo = mid + 1;
      else hi = mid;
    }
    return steps[lo - 1]?.bound;
  }

  /**
   * The offset a delta observed at `observed` is converted with: the tightest
   * bound observed by {@link LOOKAHEAD_MS} after it, tightened by the delta's
   * own bound when `ownStamp` (the newest stamp it carries) is given, so that a
   * converted time never precedes the write it observed. Undefined when there
   * is neither.
   */
  offsetFor(observed: number, ownStamp?: number): number | undefined {
    let offset = this.tightestBy(observed + LOOKAHEAD_MS);
    if (ownStamp !== undefined) {
      const own = observed - ownStamp;
      if (Number.isFinite(own) && (offset === undefined || own < offset)) offset = own;
    }
    return offset;
  }
}
