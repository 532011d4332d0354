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
 * A bound counts once the watcher's clock has moved {@link SETTLE_MS} past its
 * observation. Watches deliver out of order by less than that, so the estimate
 * a delta is converted with does not depend on the order in which that stretch
 * arrived.
 */

/** How long after its observation a bound counts: longer than watches reorder. */
export const SETTLE_MS = 2_000;
/** Bounds waiting to count; beyond this the oldest counts at once. */
const MAX_WAITING = 1_024;

/** The running estimate of the watcher's clock minus the cluster's. */
export class ClockOffset {
  /** The settled estimate, ms; undefined until a bound has counted. */
  #offset: number | undefined = undefined;
  /** Bounds not counted yet, in arrival order: observation time and bound. */
  readonly #waiting: { readonly observed: number; readonly bound: number }[] = [];

  /**
   * The estimate (watcher minus cluster, ms): the tightest bound seen, counted
   * or not; undefined before the first. Conversions use only counted bounds.
   */
  get offsetMs(): number | undefined {
    let best = this.#offset;
    for (const w of this.#waiting) if (best === undefined || w.bound < best) best = w.bound;
    return best;
  }

  /** The estimate conversions use now: the tightest counted bound; undefined before the first counted. */
  get settledOffsetMs(): number | undefined {
    return this.#offset;
  }

  /**
   * Records that a write stamped `stamp` (cluster time, ms) was observed at
   * `observed` (watcher time, ms). Only bounds that could tighten the
   * estimate are kept.
   */
  sample(observed: number, stamp: number): void {
    const bound = observed - stamp;
    if (!Number.isFinite(bound)) return;
    if (this.#offset !== undefined && bound >= this.#offset) return;
    const waiting = this.#waiting;
    const last = waiting[waiting.length - 1];
    // A bound observed no earlier and no tighter than the last waiting one adds nothing.
    if (last !== undefined && last.observed <= observed && last.bound <= bound) return;
    waiting.push({ observed, bound });
    if (waiting.length > MAX_WAITING) this.#count(waiting.shift());
  }

  /** Counts every bound observed at least {@link SETTLE_MS} before `observed` (watcher time, ms). */
  settle(observed: number): void {
    this.#settle(observed);
  }

  /**
   * Converts `observed` (watcher time, ms) to cluster time: first counts every
   * bound observed at least {@link SETTLE_MS} before it, then applies the
   * estimate, tightened by the delta's own bound when `ownStamp` (the newest
   * stamp it carries) is given. Undefined while no estimate has counted.
   */
  toCluster(observed: number, ownStamp?: number): number | undefined {
    this.#settle(observed);
    let offset = this.#offset;
    if (offset === undefined) return undefined;
    if (ownStamp !== undefined) {
      const own = observed - ownStamp;
      if (own < offset) offset = own;
    }
    return observed - offset;
  }

  #settle(observed: number): void {
    const waiting = this.#waiting;
    if (waiting.length === 0) return;
    // Few bounds wait (only tightening ones are kept): scan them all, so one that arrived late counts on time.
    let kept = 0;
    for (const entry of waiting) {
      if (entry.observed <= observed - SETTLE_MS) this.#count(entry);
      else waiting[kept++] = entry;
    }
    waiting.length = kept;
  }

  #count(entry: { readonly bound: number } | undefined): void {
    if (entry === undefined) return;
    if (this.#offset === undefined || entry.bound < this.#offset) this.#offset = entry.bound;
  }
}
