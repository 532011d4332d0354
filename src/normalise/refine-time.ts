/**
 * Kubernetes stamps most times (creationTimestamp, managedFields, core/v1 Event
 * first/lastTimestamp, condition lastTransitionTime) to the whole second, and a
 * kwok rollout happens within one. The watch delta that carried a timestamp was
 * observed at a millisecond time, so within the same second the observation is
 * the better estimate: never before the stamp, never past its second.
 */

/** Milliseconds in the second a whole-second stamp stands for, after its start. */
export const SECOND_SLACK_MS = 999;

/** True when `ts` has no sub-second part: a one-second-precision stamp. */
export function isWholeSecond(ts: number): boolean {
  return ts % 1000 === 0;
}

/** The start of the second `t` falls in: the whole-second stamp a refined time stands for. */
export function secondOf(t: number): number {
  return Math.floor(t / 1000) * 1000;
}

/**
 * A second-precision timestamp refined with the observation time of the delta
 * that carried it: `min(max(observed, ts), ts + 999)`. Sub-second stamps
 * (MicroTime, events.k8s.io eventTime) are already precise and kept as they are.
 */
export function refineTime(ts: number, observed: number): number {
  if (!isWholeSecond(ts) || !Number.isFinite(observed)) return ts;
  if (observed <= ts) return ts;
  return observed >= ts + SECOND_SLACK_MS ? ts + SECOND_SLACK_MS : Math.floor(observed);
}

/** As {@link refineTime}, passing `undefined` through. */
export function refineOptional(ts: number | undefined, observed: number | undefined): number | undefined {
  return ts === undefined || observed === undefined ? ts : refineTime(ts, observed);
}

/**
 * True when `a` and `b` are refinements of the same whole-second stamp: the
 * earlier observation is then the better one.
 */
export function sameSecond(a: number, b: number): boolean {
  return secondOf(a) === secondOf(b);
}
