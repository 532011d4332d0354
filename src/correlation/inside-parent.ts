/**
 * The times of a span kubetrail adds under another component's span (the
 * back-link span under the apiserver's handler), chosen so that it lies inside
 * its parent once exported.
 *
 * The parent's times came with nanoseconds and are held as float epoch
 * milliseconds (off by up to about 0.4 µs near 1.8e12 ms); kubetrail exports
 * whole microseconds (`msToHrTime`). Copying the parent's times would round
 * them outward about every other time, and Jaeger's clock-skew adjuster, which
 * checks a child of another service against its parent, then warns on the
 * span ("clock skew adjustment disabled; not applying calculated delta of
 * 312ns"). So the times are whole microseconds, 1 µs inside each end.
 */

/** Margin kept inside each end of the parent, in microseconds: above the float error of the parent's times. */
const MARGIN_US = 1;

/** Whole-microsecond times inside the parent `[startMs, endMs]`; a parent too short for the margins gives its middle. */
export function insideParent(startMs: number, endMs: number): { startTime: number; endTime: number } {
  const from = Math.ceil(startMs * 1_000) + MARGIN_US;
  const to = Math.floor(Math.max(startMs, endMs) * 1_000) - MARGIN_US;
  if (to < from) {
    const middle = Math.round(((startMs + Math.max(startMs, endMs)) / 2) * 1_000) / 1_000;
    return { startTime: middle, endTime: middle };
  }
  return { startTime: from / 1_000, endTime: to / 1_000 };
}
