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
 * An RFC 3339 timestamp as epoch milliseconds. Absent (null/undefined) gives
 * undefined silently; present but unparseable gives undefined and an issue.
 */
export function asTime(value: unknown, sink: IssueSink): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    sink.issue('invalid-timestamp');
    return undefined;
  }
  if (value.length === 0) return undefined;
  const fast = parseUtcStamp(value);
  if (fast !== undefined) return fast;
  // The same stamps recur in every object of a rollout (one-second precision): parse each once.
  const cached = parsedTimes.get(value);
  if (cached !== undefined) return cached;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    sink.issue('invalid-timestamp');
    return undefined;
  }
  if (parsedTimes.size >= MAX_PARSED_TIMES) parsedTimes.clear();
  parsedTimes.set(value, ms);
  return ms;
}

/**
 * The usual Kubernetes stamp, `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, read without Date.parse or a
 * cache lookup; undefined for anything else (the caller then uses Date.parse). Only values
 * where Date.UTC is certain to agree with Date.parse are read here: years 1970–9999, days up
 * to 28, hours to 23, seconds to 59, 1–9 fraction digits truncated to milliseconds.
 */
export function parseUtcStamp(value: string): number | undefined {
  const n = value.length;
  if (n < 20 || n > 30 || value.charCodeAt(n - 1) !== 0x5a /* Z */) return undefined;
  if (
    value.charCodeAt(4) !== 0x2d ||
    value.charCodeAt(7) !== 0x2d ||
    value.charCodeAt(10) !== 0x54 ||
    value.charCodeAt(13) !== 0x3a ||
    value.charCodeAt(16) !== 0x3a
  ) {
    return undefined;
  }
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  if (
    year < 1970 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 28 ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59
  ) {
    return undefined;
  }
  let ms = 0;
  if (n > 20) {
    // A fraction: a dot, then 1–9 digits; Date.parse keeps the first three.
    if (value.charCodeAt(19) !== 0x2e || n === 21) return undefined;
    for (let i = 20; i < n - 1; i++) {
      const d = value.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) return undefined;
      if (i < 23) ms = ms * 10 + d;
    }
    if (n === 22) ms *= 100;
    else if (n === 23) ms *= 10;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The decimal number in `length` digits of `value` from `at`; -1 when one is not a digit. */
function digits(value: string, at: number, length: number): number {
  let out = 0;
  for (let i = at; i < at + length; i++) {
    const d = value.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    out = out * 10 + d;
  }
  return out;
}

/** Parsed timestamps, bounded: cleared when full. */
const MAX_PARSED_TIMES = 4096;
const parsedTimes = new Map<string, number>();

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
