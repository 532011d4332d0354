import { type ClockSample, clockSampleProblem } from '../../model/clock-sample.js';
import { isPlausibleObservation, isPlausibleStamp } from '../../normalise/plausible-time.js';
import { parseRfc3339 } from '../../normalise/rfc3339.js';

/**
 * Narrows a recording's `"type":"CLOCK"` line, a reading of the apiserver's
 * clock: `time` when the response arrived and `sent` when the request went out
 * (watcher clock, RFC 3339), `date` the response's `Date` header (cluster
 * clock, a whole second, RFC 3339). A string says what is wrong. `now` bounds
 * the plausible observation times, as for a delta's `time`.
 */
export function narrowClockLine(rec: Readonly<Record<string, unknown>>, now: number): ClockSample | string {
  const receivedAt = typeof rec.time === 'string' ? parseRfc3339(rec.time) : undefined;
  if (receivedAt === undefined || !isPlausibleObservation(receivedAt, now))
    return '"time" must be a plausible RFC 3339 timestamp';
  const sentAt = typeof rec.sent === 'string' ? parseRfc3339(rec.sent) : undefined;
  if (sentAt === undefined || !isPlausibleObservation(sentAt, now))
    return '"sent" must be a plausible RFC 3339 timestamp';
  const serverDate = typeof rec.date === 'string' ? parseRfc3339(rec.date) : undefined;
  if (serverDate === undefined || !isPlausibleStamp(serverDate, receivedAt))
    return '"date" must be a plausible RFC 3339 timestamp (2014-06-06 to a day after the line\'s "time")';
  const sample: ClockSample = { sentAt, receivedAt, serverDate };
  const problem = clockSampleProblem(sample);
  return problem === undefined ? sample : `CLOCK line: ${problem}`;
}
