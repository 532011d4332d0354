/**
 * One side of the clock offset's bounds as a function of observation time: for
 * each watcher-clock time, the tightest bound observed at or before it since the
 * bounds last restarted. A restart (the watcher's clock proven stepped, see
 * ClockOffset) splits observation time into regimes: a bound counts only for the
 * times of its own regime, so the bounds before a step keep converting what was
 * observed before it, and the ones after it what was observed after.
 */

/** A bound that tightened its side, observed at `observed` (watcher clock, ms). */
interface Tread {
  readonly observed: number;
  /** The tightest bound of its regime observed at or before `observed`. */
  readonly bound: number;
}

/** Treads kept; beyond this the oldest is forgotten. */
const MAX_TREADS = 1_024;
/** Restarts kept; beyond this the oldest regime, and its treads, are forgotten. */
const MAX_RESTARTS = 64;

/** The index of the first of `times` (sorted) above `t` (with `orEqual`, at or above). */
function firstAbove(times: readonly number[], t: number, orEqual: boolean): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const v = times[mid] ?? Number.POSITIVE_INFINITY;
    if (v < t || (!orEqual && v === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The tightest-so-far bounds of one side (upper or lower), regime by regime. */
export class BoundStaircase {
  readonly #tighter: (a: number, b: number) => boolean;
  /** Sorted by `observed`; within a regime each tighter than the one before. */
  readonly #treads: Tread[] = [];
  /** `#treads`' observation times, for the searches. */
  readonly #times: number[] = [];
  /** Sorted observation times from which the bounds restart. */
  readonly #restarts: number[] = [];

  /** `tighter(a, b)`: whether bound `a` is tighter than `b` (below for upper bounds, above for lower ones). */
  constructor(tighter: (a: number, b: number) => boolean) {
    this.#tighter = tighter;
  }

  /** The start of the regime `t` belongs to: the last restart at or before it (−∞ before the first). */
  #regimeStart(t: number): number {
    return this.#restarts[firstAbove(this.#restarts, t, false) - 1] ?? Number.NEGATIVE_INFINITY;
  }

  /** The end of the regime `t` belongs to: the first restart after it (+∞ after the last). */
  #regimeEnd(t: number): number {
    return this.#restarts[firstAbove(this.#restarts, t, false)] ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Records `bound`, observed at `observed`, if it is tighter than every bound
   * of its regime observed no later; the treads after it that it makes redundant go.
   */
  add(observed: number, bound: number): void {
    const i = firstAbove(this.#times, observed, false);
    const before = this.#treads[i - 1];
    if (before !== undefined && before.observed >= this.#regimeStart(observed)) {
      if (!this.#tighter(bound, before.bound)) return;
    }
    const end = this.#regimeEnd(observed);
    let j = i;
    while (j < this.#treads.length) {
      const t = this.#treads[j] as Tread;
      if (t.observed >= end || this.#tighter(t.bound, bound)) break;
      j++;
    }
    this.#treads.splice(i, j - i, { observed, bound });
    this.#times.splice(i, j - i, observed);
    if (this.#treads.length > MAX_TREADS) {
      this.#treads.shift();
      this.#times.shift();
    }
  }

  /**
   * Starts a new regime at `observed`: from then on (until the next restart) only
   * bounds observed since count. The bounds of the old regime observed since are
   * dropped (they are what the restart contradicts).
   */
  restartAt(observed: number): void {
    const r = firstAbove(this.#restarts, observed, true);
    if (this.#restarts[r] === observed) return;
    const from = firstAbove(this.#times, observed, true);
    const to = firstAbove(this.#times, this.#regimeEnd(observed), true);
    this.#treads.splice(from, to - from);
    this.#times.splice(from, to - from);
    this.#restarts.splice(r, 0, observed);
    if (this.#restarts.length > MAX_RESTARTS) {
      this.#restarts.shift();
      const first = this.#restarts[0] ?? Number.NEGATIVE_INFINITY;
      const drop = firstAbove(this.#times, first, true);
      this.#treads.splice(0, drop);
      this.#times.splice(0, drop);
    }
  }

  /**
   * The tightest bound of the regime of `at` observed at or before `limit`
   * (default `at`; a later limit still ends at the next restart); undefined when
   * there is none.
   */
  by(at: number, limit = at): number | undefined {
    const inclusive = firstAbove(this.#times, limit, false);
    const beforeEnd = firstAbove(this.#times, this.#regimeEnd(at), true);
    const t = this.#treads[Math.min(inclusive, beforeEnd) - 1];
    return t === undefined || t.observed < this.#regimeStart(at) ? undefined : t.bound;
  }

  /**
   * Upper bounds only: for each regime, the one bound that can have converted an observation
   * of it to `converted` (`observed − bound`, with the bounds observed by `lookahead` after
   * it, as {@link by} with that limit): within a regime the bounds only tighten, so
   * `observed − bound` grows with `observed`, and the tread is the last one whose earliest
   * observation converts to `converted` or before. A candidate each: the caller checks it.
   */
  *boundsConverting(converted: number, lookahead: number): Generator<number> {
    const restarts = [Number.NEGATIVE_INFINITY, ...this.#restarts];
    for (let r = 0; r < restarts.length; r++) {
      const from = firstAbove(this.#times, restarts[r] ?? Number.NEGATIVE_INFINITY, true);
      const to = firstAbove(this.#times, restarts[r + 1] ?? Number.POSITIVE_INFINITY, true);
      // Tread k converts observations from `observed − lookahead` on: to `observed − lookahead − bound`.
      let lo = from;
      let hi = to;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        const t = this.#treads[mid] as Tread;
        if (t.observed - lookahead - t.bound <= converted) lo = mid + 1;
        else hi = mid;
      }
      const t = this.#treads[lo - 1];
      if (lo > from && t !== undefined) yield t.bound;
    }
  }

  /** The tightest bound of the last regime; undefined when it has none yet. */
  latest(): number | undefined {
    const t = this.#treads[this.#treads.length - 1];
    const start = this.#restarts[this.#restarts.length - 1] ?? Number.NEGATIVE_INFINITY;
    return t === undefined || t.observed < start ? undefined : t.bound;
  }
}
