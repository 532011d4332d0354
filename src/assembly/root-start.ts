import { refineTime, secondOf } from '../normalise/refine-time.js';
import type { Intent } from './root-group.js';

/**
 * When a spec change was made, as its root span starts. Its stamp (managedFields,
 * creationTimestamp) is whole seconds, refined by the delta that first showed it: late by
 * as much as the root's watch delivered late. The change came before everything it caused,
 * so within the stamp's second the earliest consequence whose time the reporter wrote
 * exactly (a Scheduled's eventTime) bounds it too; never before that second. Consequences
 * timed by their own refined stamps do not, as a rule: converted with an offset estimated
 * from late deltas, they may be early (a lagged watch's first deltas).
 *
 * An intent opened from its consequences (lazy: a capture begun mid-rollout, whose root came
 * with the capture's first list, after the Events it caused) is the exception: the delta that
 * refined its stamp is the list, not the change's delivery, and says only that the change came
 * before the list. There the earliest consequence refined by its own delivery bounds it too
 * (`minRefinedSpanStart`: spans whose start is not their stamp's second start, which a delta
 * converted to before its stamp leaves without a bound).
 *
 * A start that is no stamp but the observation that showed the change (a `kubectl scale`,
 * which writes no managedFields time: `intent.startFloor`) is late by that watch's lag
 * too, and its own second bounds nothing: the earliest exact consequence bounds it down
 * to the second of the newest stamp that delta carried.
 *
 * The delta that showed the change was converted with the tightest offset bound observed by
 * a second after it (see ClockOffset); in a run's first second that may be its own stamp's
 * bound alone, which puts the change at its second's start. When the delta that showed the
 * intent converged was converted with a tighter bound, the start is refined again with that
 * one, as the end was: no earlier than before, and never after a span of its trace.
 */
export function rootStart(
  intent: Intent,
  start: number,
  minSpanStart: number,
  minExact: number,
  minRefinedSpanStart = Number.POSITIVE_INFINITY,
): number {
  const first = changeRootStart(
    start,
    intent.lazy ? Math.min(minExact, minRefinedSpanStart) : minExact,
    intent.startFloor,
  );
  const later = refinedWithEndOffset(intent, start);
  if (later === undefined || later <= first) return first;
  return Math.max(first, Math.min(later, minSpanStart, minExact));
}

/**
 * When a change without a spec change was made (a delete request, an eviction, a Node's or
 * a run's Job's creation), as its root span starts: its stamp refined by the delta that
 * first showed it, late by as much as that watch delivered late. Like a spec change, it
 * came before everything it caused: within the stamp's second the earliest consequence
 * whose time the reporter wrote exactly (a replacement Pod's Scheduled) bounds it too;
 * never before that second, or before `floor` where given (a spec change's start that is an
 * observation, see {@link rootStart}).
 */
export function changeRootStart(refined: number, earliestBound: number, floor?: number): number {
  if (earliestBound >= refined) return refined;
  return Math.max(earliestBound, floor ?? secondOf(refined));
}

/**
 * The intent's start refined with the offset its converged end was converted with, when that
 * is tighter than the one its start was; undefined when the start is not its whole-second
 * stamp refined by the delta that showed it (an observation, a stamp of an earlier second).
 */
function refinedWithEndOffset(intent: Intent, start: number): number | undefined {
  const { startOffset, endOffset } = intent;
  if (startOffset === undefined || endOffset === undefined || endOffset >= startOffset) return undefined;
  if (intent.end?.reason !== 'converged') return undefined;
  const second = secondOf(start);
  if (refineTime(second, intent.seenAt) !== start) return undefined;
  return refineTime(second, intent.seenAt + startOffset - endOffset);
}
