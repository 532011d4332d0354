/**
 * Epoch milliseconds (fractional allowed, down to nanoseconds) as nanoseconds in a
 * decimal string. Doing it in two halves keeps the digits a float would lose.
 */
export function msToNanosString(ms: number): string {
  const [seconds, nanos] = msToHrTime(ms);
  if (seconds === 0) return String(nanos);
  const n = String(nanos);
  return `${seconds}${'000000000'.slice(n.length)}${n}`;
}

/** Epoch milliseconds as OpenTelemetry's `[seconds, nanoseconds]`. */
export function msToHrTime(ms: number): [number, number] {
  const whole = Math.floor(ms);
  let fracNanos = Math.round((ms - whole) * 1e6);
  let wholeMs = whole;
  if (fracNanos >= 1e6) {
    wholeMs += 1;
    fracNanos -= 1e6;
  }
  const seconds = Math.floor(wholeMs / 1000);
  const nanos = (wholeMs - seconds * 1000) * 1e6 + fracNanos;
  return [seconds, nanos];
}
