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
