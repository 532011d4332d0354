import type { ClockOffset, Conversion } from '../model/clock-offset.js';
import { refineTime, SECOND_SLACK_MS, secondOf } from '../normalise/refine-time.js';
import type { Intent, RootGroup } from './root-group.js';

/** The offset an observation of a trace is converted again with; undefined: it is not. */
export type OffsetAgain = (observed: number) => number | undefined;

/**
 * A stamp's refinement converted again with a later, tighter offset bound of its trace.
 *
 * A whole-second stamp is refined by the delta that showed it, converted with the offset
 * bound known a second after that delta: in a run's first seconds, or while the watches
 * deliver late, that bound can be far looser than one a later delta of the same trace
 * gives, and the refinement then comes out early in its second, by the difference. Every
 * bound is an upper bound of the same offset (until the watcher's clock steps, which
 * ClockOffset follows by regimes), so the later one converts the observation better.
 *
 * Returns `refined` converted again with `offsetAgain` of its observation: later in its
 * second, never earlier, and never past it. Unchanged when that is no tighter than the
 * offset it was converted with, or when `refined` is not what `conversion` refined its second
 * to (another delta refined it, or it is no refinement: a history list's stamp).
 */
export function refinedAgain(
  refined: number,
  conversion: Conversion | undefined,
  offsetAgain: OffsetAgain | undefined,
): number {
  if (conversion === undefined || offsetAgain === undefined) return refined;
  const offset = offsetAgain(conversion.observed);
  if (offset === undefined || !(offset < conversion.offset)) return refined;
  const second = secondOf(refined);
  if (refineTime(second, conversion.observed - conversion.offset) !== refined) return refined;
  return Math.max(refined, refineTime(second, conversion.observed - offset));
}

/**
 * How `refined`, a whole-second stamp's refinement, was converted, as the offset estimate
 * tells (see ClockOffset.conversionOf). Undefined at either end of its second, where the
 * refinement may have been clamped: any observation converted to the second's start or
 * before it refines to it, so which one did is not known.
 */
export function conversionOfRefined(refined: number, estimate: ClockOffset): Conversion | undefined {
  const inSecond = refined - secondOf(refined);
  if (inSecond <= 0 || inSecond >= SECOND_SLACK_MS) return undefined;
  return estimate.conversionOf(refined);
}

/**
 * How an intent's root start, and the consequences it is compared with, are converted again
 * (see {@link refinedAgain}): with the offset its end was converted with, so that both ends of
 * the root are compared at one bound. An end at its last span (cut off at shutdown, a
 * capture's end, assumed done) came with its trace's latest deltas: the tightest offset any
 * delta of its group was converted with (RootGroup.tightestOffset). A convergence with a time
 * of its own: the offset of the delta that showed it. Undefined for the other ends
 * (superseded, failed, cut off at the longest trace), whose times were converted on their
 * own, and for a start that is where the intent before it was superseded: the two stay one
 * time. Never for an observation whose regime's lower bound it passes: the watcher's clock
 * stepped between the two (see ClockOffset), and the bound is not one of its offset.
 */
export function offsetAgainOf(
  intent: Intent,
  group: RootGroup,
  estimate: ClockOffset,
): OffsetAgain | undefined {
  const start = intent.start;
  for (const i of group.intents) {
    if (i !== intent && i.end?.reason === 'superseded' && i.end.time === start) return undefined;
  }
  const end = intent.end;
  const offset =
    end === undefined || end.time === undefined
      ? group.tightestOffset
      : end.reason === 'converged'
        ? intent.endOffset
        : undefined;
  if (offset === undefined) return undefined;
  return (observed) => {
    const floor = estimate.floorFor(observed);
    return floor !== undefined && offset < floor ? undefined : offset;
  };
}
