/**
 * One reading of the apiserver's clock, NTP/htpdate-style: a direct request
 * (not a watch) sent at `sentAt` and answered at `receivedAt` on the watcher's
 * clock, whose response's HTTP `Date` header says the cluster's time then, in
 * whole seconds. The server wrote that header between the two local times, and
 * its clock read somewhere in `[serverDate, serverDate + 1 s)`, so the offset
 * (watcher clock minus cluster clock) lies in
 * `(sentAt − serverDate − 1 s, receivedAt − serverDate]`. One sample is that
 * loose (a second plus its round trip); a burst of them across a `Date`
 * boundary pins the offset to about their spacing plus a round trip.
 */

/** The resolution of the HTTP `Date` header (RFC 9110: whole seconds). */
export const DATE_RESOLUTION_MS = 1_000;

/** One reading of the cluster's clock (see the file comment); every time is epoch milliseconds. */
export interface ClockSample {
  /** When the request was sent, watcher clock. */
  readonly sentAt: number;
  /** When its response arrived, watcher clock; never before `sentAt`. */
  readonly receivedAt: number;
  /** The response's `Date`: cluster clock, a whole second. */
  readonly serverDate: number;
}

/** The offset bounds (watcher minus cluster, ms) one sample gives. */
export interface OffsetBounds {
  readonly lower: number;
  readonly upper: number;
}

/** The bounds of the offset `sample` gives: `[sentAt − serverDate − 1 s, receivedAt − serverDate]`. */
export function sampleBounds(sample: ClockSample): OffsetBounds {
  return {
    lower: sample.sentAt - sample.serverDate - DATE_RESOLUTION_MS,
    upper: sample.receivedAt - sample.serverDate,
  };
}

/** A string saying what is wrong with `sample`, or undefined when it is a usable sample. */
export function clockSampleProblem(sample: ClockSample): string | undefined {
  const { sentAt, receivedAt, serverDate } = sample;
  if (!Number.isFinite(sentAt) || !Number.isFinite(receivedAt) || !Number.isFinite(serverDate))
    return 'times must be finite';
  if (receivedAt < sentAt) return 'received before it was sent';
  if (serverDate % DATE_RESOLUTION_MS !== 0) return 'the server date must be a whole second';
  return undefined;
}

/** A clock sample at its place in a recording: after `deltasBefore` deltas. */
export interface PositionedClockSample {
  readonly sample: ClockSample;
  readonly deltasBefore: number;
}

/**
 * The bounds a set of samples gives together: the highest lower bound and the
 * lowest upper bound; undefined without a usable sample. When `lower > upper`
 * they contradict each other (a clock stepped between them).
 */
export function combinedBounds(samples: readonly ClockSample[]): OffsetBounds | undefined {
  let lower = Number.NEGATIVE_INFINITY;
  let upper = Number.POSITIVE_INFINITY;
  for (const s of samples) {
    if (clockSampleProblem(s) !== undefined) continue;
    const b = sampleBounds(s);
    if (b.lower > lower) lower = b.lower;
    if (b.upper < upper) upper = b.upper;
  }
  return Number.isFinite(lower) && Number.isFinite(upper) ? { lower, upper } : undefined;
}
