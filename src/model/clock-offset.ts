/**
 * How far the watcher's clock is off the cluster's: the running estimate of
 * `offset = watcher clock − cluster clock`, and the conversion of observation
 * times to cluster time with it.
 *
 * Every write the apiserver stamps (managedFields `time`, `creationTimestamp`,
 * the deletion request) happened before the watcher observed it, so each
 * `observed − stamp` is an upper bound of the offset (plus the watch's delivery
 * lag, plus up to a second for whole-second stamps). The tightest bound seen is
 * the estimate. There is no lower bound to be had, so the estimate errs late:
 * converted times err early, and only inside the second their stamp allows.
 *
 * A delta is converted with the bounds observed at least {@link SETTLE_MS}
 * before it. Watches deliver out of order by less than that, so the estimate a
 * delta is converted with does not depend on the order they arrived in.
 */

/** How long after its observation a bound counts: longer than watches reorder. */
export const SETTLE_MS = 2_000;
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

  /**
   * The estimate a delta observed at `observed` is converted with: the
   * tightest bound observed at least {@link SETTLE_MS} before it, whatever
   * order the deltas arrived in. Undefined when there is none.
   */
  settledAt(observed: number): number | undefined {
    const limit = observed - SETTLE_MS;
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
   * Converts `observed` (watcher time, ms) to cluster time with the estimate
   * settled by then ({@link settledAt}), tightened by the delta's own bound
   * when `ownStamp` (the newest stamp it carries) is given. Undefined when
   * there is neither.
   */
  toCluster(observed: number, ownStamp?: number): number | undefined {
    let offset = this.settledAt(observed);
    if (ownStamp !== undefined) {
      const own = observed - ownStamp;
      if (offset === undefined || own < offset) offset = own;
    }
    return offset === undefined ? undefined : observed - offset;
  }
}
