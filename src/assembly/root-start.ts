import { secondOf } from '../normalise/refine-time.js';
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
 * (`minRefined`: spans whose start is not their stamp's second start, which a delta converted
 * to before its stamp leaves without a bound).
 *
 * A start that is no stamp but the observation that showed the change (a `kubectl scale`,
 * which writes no managedFields time: `intent.startFloor`) is late by that watch's lag
 * too, and its own second bounds nothing: the earliest exact consequence bounds it down
 * to the second of the newest stamp that delta carried.
 *
 * The delta that showed the change was converted with the tightest offset bound observed by
 * a second after it (see ClockOffset); in a run's first second that may be its own stamp's
 * bound alone, which puts the change at its second's start, and a watch that delivered late
 * gives a loose bound too. `again` is the start converted again with the offset its end was
 * converted with, where tighter (see trace-offset.ts: for an end at its last span, the
 * tightest among its trace's deltas); where that is later, the start is placed as above from
 * there, with the consequences' creations converted again alike where they can be
 * (`minSpanAgain`, `minRefinedAgain`): no earlier than before, and never after a span of its
 * trace compared at that bound.
 */
export function rootStart(intent: Intent, start: number, bounds: RootStartBounds): number {
  const { minExact, minRefined } = bounds;
  const first = changeRootStart(
    start,
    intent.lazy ? Math.min(minExact, minRefined) : minExact,
    intent.startFloor,
  );
  const again = bounds.again;
  if (again <= start) return first;
  const later = changeRootStart(
    again,
    intent.lazy ? Math.min(minExact, bounds.minRefinedAgain) : minExact,
    intent.startFloor,
  );
  return Math.max(first, Math.min(later, bounds.minSpanAgain));
}

/** What bounds a spec change's root start (see {@link rootStart}). */
export interface RootStartBounds {
  /** The earliest start of a consequence whose time its reporter wrote exactly. */
  readonly minExact: number;
  /** The earliest start of a consequence that is not its stamp's second start. */
  readonly minRefined: number;
  /** The start converted again (see trace-offset.ts); `start` itself when it is not. */
  readonly again: number;
  /** The earliest start of a span of its trace, refinements converted again where they can be. */
  readonly minSpanAgain: number;
  /** As `minRefined`, refinements converted again where they can be. */
  readonly minRefinedAgain: number;
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
