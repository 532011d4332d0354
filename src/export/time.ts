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
  // A double near 1.6e12 ms resolves ~0.24 µs; below a microsecond its digits are noise.
  let fracNanos = Math.round((ms - whole) * 1e3) * 1e3;
  let wholeMs = whole;
  if (fracNanos >= 1e6) {
    wholeMs += 1;
    fracNanos -= 1e6;
  }
  const seconds = Math.floor(wholeMs / 1000);
  const nanos = (wholeMs - seconds * 1000) * 1e6 + fracNanos;
  return [seconds, nanos];
}
