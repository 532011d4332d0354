import { isPlausibleStamp } from './plausible-time.js';
import { parseRfc3339 } from './rfc3339.js';

/**
 * Narrowing helpers for untrusted API objects. `unknown` is narrowed here and
 * nowhere else; the rest of the core works on typed projections.
 */

/** A plain record read from JSON/YAML. */
export type Json = Readonly<Record<string, unknown>>;

/** `value` as a record, or undefined (arrays and null are not records). */
export function asRecord(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** `value` as an array, or an empty one. */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : EMPTY;
}

const EMPTY: readonly unknown[] = Object.freeze([]);

/** A non-empty string, or undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A finite number, or undefined. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Where normalise reports what it had to drop or repair; the engine counts by reason. */
export interface IssueSink {
  issue(reason: string): void;
}

/** An IssueSink that ignores everything, for callers that do not count. */
export const ignoreIssues: IssueSink = { issue: () => undefined };

/**
 * An RFC 3339 timestamp as epoch milliseconds. Absent (null/undefined/empty) gives
 * undefined silently; present but not RFC 3339 gives undefined and an
 * `invalid-timestamp` issue; outside the plausible window around `observedAt`
 * (the delta's own time, see {@link isPlausibleStamp}) gives undefined and an
 * `implausible-timestamp` issue.
 */
export function asTime(value: unknown, sink: IssueSink, observedAt?: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    sink.issue('invalid-timestamp');
    return undefined;
  }
  if (value.length === 0) return undefined;
  const ms = parseRfc3339(value);
  if (ms === undefined) {
    sink.issue('invalid-timestamp');
    return undefined;
  }
  if (!isPlausibleStamp(ms, observedAt)) {
    sink.issue('implausible-timestamp');
    return undefined;
  }
  return ms;
}

/**
 * An integer in `[min, max]`. Absent (null/undefined) gives undefined silently;
 * anything else (a fraction, 2^64, Infinity, a negative, a string) gives undefined
 * and an issue named `reason`. Counts, generations and replicas are integers:
 * a float there splits intents or is exported as a double.
 */
export function asInteger(
  value: unknown,
  min: number,
  max: number,
  sink: IssueSink,
  reason: string,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max) return value;
  sink.issue(reason);
  return undefined;
}

/** The largest int32, the type of Kubernetes' replica counts and Event counts. */
export const MAX_INT32 = 2_147_483_647;

interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** Replaces lone surrogates (invalid UTF-16, which OTLP cannot encode) with U+FFFD. */
export function wellFormed(text: string, sink: IssueSink): string {
  const s = text as unknown as WellFormed;
  if (s.isWellFormed()) return text;
  sink.issue('invalid-utf16');
  return s.toWellFormed();
}

/** Truncates free text to `limit` UTF-16 code units without splitting a surrogate pair. */
export function truncate(
  text: string,
  limit: number,
): { readonly text: string; readonly truncated: boolean } {
  if (text.length <= limit) return { text, truncated: false };
  let end = limit;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), truncated: true };
}
