import type { ObjectProjection, SpecChange, SpecWriter } from '../model/projection.js';
import { sameSecond } from '../normalise/refine-time.js';

/** Who changed the spec, and when (undefined when the entry has no time). */
export interface IntentWriter {
  readonly manager: string;
  readonly operation: string;
  readonly time: number | undefined;
}

const UNKNOWN: IntentWriter = Object.freeze({ manager: 'unknown', operation: '', time: undefined });

/**
 * The writer of the spec change `p` shows. The newest timed `f:spec` entry (of
 * several stamped in one second, the one that is new against an earlier
 * `previous`, when exactly one is),
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
  const change = p.specChange;
  if (change === undefined) return UNKNOWN;
  const earlier = previous?.uid === p.uid ? previous : undefined;
  const s = newInItsSecond(change, earlier, p.generation);
  const untimed = s.untimed;
  if (untimed === undefined) return s;
  const h = earlier?.specChange;
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
    (sameWriter(h, s) &&
      (h.time === s.time || (h.time !== undefined && s.time !== undefined && sameSecond(h.time, s.time))));
  return timedUnchanged ? { manager: untimed.manager, operation: untimed.operation, time: undefined } : s;
}

/**
 * Of the timed `f:spec` writers stamped in the newest second (`s` and its
 * peers), the one an earlier state did not have in that second, when exactly
 * one is new: a whole scenario can fall within one second, and the list's order
 * (operation, then time, then manager name) does not tell which wrote last.
 * Otherwise `s`, the later in the list. A later or unknown `previous` tells
 * nothing.
 */
function newInItsSecond(
  s: SpecChange,
  previous: ObjectProjection | undefined,
  generation: number | undefined,
): SpecChange {
  const peers = s.peers;
  const t = s.time;
  const h = previous?.specChange;
  if (peers === undefined || t === undefined || h?.time === undefined || !sameSecond(h.time, t)) return s;
  if ((previous?.generation ?? 0) >= (generation ?? 0)) return s;
  const heldThen = (w: SpecWriter) => sameWriter(h, w) || (h.peers?.some((o) => sameWriter(o, w)) ?? false);
  let fresh: SpecWriter | undefined;
  for (const w of [s, ...peers]) {
    if (heldThen(w)) continue;
    if (fresh !== undefined) return s;
    fresh = w;
  }
  return fresh === undefined || fresh === s
    ? s
    : { manager: fresh.manager, operation: fresh.operation, time: t, untimed: s.untimed, peers: undefined };
}

function sameWriter(a: SpecWriter, b: SpecWriter): boolean {
  return a.manager === b.manager && a.operation === b.operation;
}
