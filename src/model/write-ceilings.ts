/**
 * How late a write without a stamp of its own (a DELETED) can have been made,
 * from the writes after it. Every object of a cluster is written to one etcd,
 * whose revision (an object's `resourceVersion`) orders all of them. Some writes
 * carry a stamp of their own making (whole seconds): a create its
 * `creationTimestamp`, a delete request its `deletionTimestamp` less the grace
 * period, a grace period cut to 0 its new `deletionTimestamp` (see
 * deletionWriteStamp). Such a write with a higher resourceVersion was made by
 * the end of its stamp's second, and the DELETED before it by then too: a
 * background delete's DELETED by its dependents' delete requests. The API
 * calls resourceVersion opaque: only decimal integers are compared, and a
 * cluster whose objects are stored in several etcds breaks the assumption.
 *
 * The stamped writes count when they were observed by {@link LOOKAHEAD_MS}
 * after the DELETED: the engine applies a delta `ALIGN_DELAY_MS` after its
 * observation, so every such write has arrived by then even from a watch
 * delivering out of order, whatever the arrival order. Only the
 * {@link SCAN_WRITES} stamped writes next after it are looked at: they are
 * stamped before they are written, so the earliest ceiling is among the first
 * ones (a burst of creates would otherwise cost a scan of every write kept for
 * every DELETED).
 */
import { LOOKAHEAD_MS } from './clock-offset.js';

/** Stamped writes kept at least; beyond it the lowest resourceVersions are forgotten, {@link FORGET_BATCH} at a time. */
const MAX_WRITES = 4_096;
/** Writes forgotten at once when over {@link MAX_WRITES}, so that forgetting costs O(1) a write. */
const FORGET_BATCH = 1_024;
/** Stamped writes after a write that bound it: those written next after it. */
export const SCAN_WRITES = 64;
/** Milliseconds a whole-second stamp stands for after its start (as in refine-time.ts). */
const SECOND_SLACK_MS = 999;

/** The index of the first write in `list` (sorted by rv) whose rv is above `rv`. */
function firstAbove(list: readonly StampedWrite[], rv: number): number {
  let lo = 0;
  let hi = list.length;
  // Writes come mostly in order: the end is the common answer.
  if (hi === 0 || (list[hi - 1]?.rv ?? Number.POSITIVE_INFINITY) <= rv) return hi;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid]?.rv ?? Number.POSITIVE_INFINITY) <= rv) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface StampedWrite {
  readonly rv: number;
  /** When it was observed, watcher clock. */
  readonly observed: number;
  /** The latest cluster time it can have been made at. */
  readonly ceiling: number;
}

/** Recent stamped writes by resourceVersion: the ceilings of the writes before them. */
export class WriteCeilings {
  /** Sorted by rv. */
  readonly #writes: StampedWrite[] = [];

  /** Records a write of resourceVersion `rv` that stamped `stamp` (cluster ms), observed at `observed`. */
  recordStampedWrite(rv: number, stamp: number, observed: number): void {
    if (!Number.isFinite(stamp) || !Number.isFinite(observed)) return;
    const ceiling = stamp % 1000 === 0 ? stamp + SECOND_SLACK_MS : stamp;
    const list = this.#writes;
    const i = firstAbove(list, rv);
    if (list[i - 1]?.rv === rv) return;
    if (i === list.length) list.push({ rv, observed, ceiling });
    else list.splice(i, 0, { rv, observed, ceiling });
    if (list.length > MAX_WRITES + FORGET_BATCH) list.splice(0, FORGET_BATCH);
  }

  /**
   * The latest cluster time a write of resourceVersion `rv`, observed at
   * `observed`, can have been made at: the earliest ceiling of a stamped write above
   * it observed by {@link LOOKAHEAD_MS} after it, among the {@link SCAN_WRITES}
   * written next after it. Undefined when none is known.
   */
  ceilingOf(rv: number, observed: number): number | undefined {
    const list = this.#writes;
    const lo = firstAbove(list, rv);
    const limit = observed + LOOKAHEAD_MS;
    let best: number | undefined;
    const end = Math.min(list.length, lo + SCAN_WRITES);
    for (let i = lo; i < end; i++) {
      const c = list[i];
      if (c === undefined || c.observed > limit) continue;
      if (best === undefined || c.ceiling < best) best = c.ceiling;
    }
    return best;
  }
}
