import type { ObjectProjection } from '../model/projection.js';
import { sameSecond } from '../normalise/refine-time.js';

/** Who changed the spec, and when (undefined when the entry has no time). */
export interface IntentWriter {
  readonly manager: string;
  readonly operation: string;
  readonly time: number | undefined;
}

const UNKNOWN: IntentWriter = Object.freeze({ manager: 'unknown', operation: '', time: undefined });

/**
 * The writer of the spec change `p` shows. The newest timed `f:spec` entry,
 * unless an untimed one (`kubectl scale`, which v1.37 stamps with no time) is
 * there too: then the untimed one made this change when the timed entry is as
 * it was in `previous` (an earlier or later state of the same object), or when
 * there is nothing to compare with; against a later state, unless the timed entry
 * is stamped in the second of `observed` (the delta's time) and is not the
 * create's. An untimed entry left over from an earlier
 * scale does not take a later `kubectl apply` or `set image`: that one's timed
 * entry changed.
 */
export function specWriterOf(
  p: ObjectProjection,
  previous: ObjectProjection | undefined,
  observed?: number,
): IntentWriter {
  const s = p.specChange;
  if (s === undefined) return UNKNOWN;
  const untimed = s.untimed;
  if (untimed === undefined) return s;
  const h = previous?.uid === p.uid ? previous.specChange : undefined;
  if (h !== undefined && observed !== undefined && (previous?.generation ?? 0) > (p.generation ?? 0)) {
    // `previous` is a later state (shuffled arrival): what changed after `p` says nothing of `p`'s own
    // change. The timed entry made it only when stamped in the second `p` was observed in, and not
    // the create's (a scale in the same second as the create).
    const t = s.time;
    const timedMadeIt =
      t !== undefined &&
      sameSecond(t, observed) &&
      (p.creationTimestamp === undefined || !sameSecond(t, p.creationTimestamp));
    return timedMadeIt ? s : { manager: untimed.manager, operation: untimed.operation, time: undefined };
  }
  const timedUnchanged =
    h === undefined ||
    (h.manager === s.manager &&
      h.operation === s.operation &&
      (h.time === s.time || (h.time !== undefined && s.time !== undefined && sameSecond(h.time, s.time))));
  return timedUnchanged ? { manager: untimed.manager, operation: untimed.operation, time: undefined } : s;
}
