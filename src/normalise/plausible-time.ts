/**
 * A stamp is plausible when a real cluster could have written it. Outside that
 * window a single corrupt value does real harm: a creationTimestamp in the year
 * 0001 makes a trace 69 million hours long, and a delta observed in the year 9999
 * moves the replay clock so far ahead that every open trace is cut off.
 */

/** Kubernetes' first commit (2014-06-06): no cluster stamp, and no recording, is older. */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(2014, 5, 6);

/**
 * How far a stamp may lie after the observation of the delta that carried it: the
 * cluster's clock may run ahead of the watcher's, but not by more than a day.
 */
export const MAX_STAMP_LEAD_MS = 24 * 60 * 60 * 1000;

/**
 * True when `ms` lies in the plausible window around `observedAt` (the delta's own
 * time): not before Kubernetes existed, and at most {@link MAX_STAMP_LEAD_MS} after
 * the observation. Without an observation time only the lower bound applies.
 */
export function isPlausibleStamp(ms: number, observedAt?: number): boolean {
  if (!(ms >= EARLIEST_PLAUSIBLE_MS)) return false;
  return observedAt === undefined || !Number.isFinite(observedAt) || ms <= observedAt + MAX_STAMP_LEAD_MS;
}

/**
 * True when `ms` is a plausible observation time for a recorded delta: not before
 * Kubernetes existed, and at most {@link MAX_STAMP_LEAD_MS} after `now` (a recording
 * describes the past; a day allows for the recorder's clock running ahead).
 */
export function isPlausibleObservation(ms: number, now: number): boolean {
  return ms >= EARLIEST_PLAUSIBLE_MS && ms <= now + MAX_STAMP_LEAD_MS;
}
