import type { ClockSample } from '../../model/clock-sample.js';
import type { Delta, DeltaType } from '../../model/delta.js';
import type { TapBatch } from '../../model/tap-span.js';
import { isPlausibleObservation } from '../../normalise/plausible-time.js';
import { parseRfc3339 } from '../../normalise/rfc3339.js';
import { narrowClockLine } from './clock-line.js';
import { RecordingError } from './recording-error.js';
import { narrowTapSpans } from './tap-spans-line.js';

const TYPES: ReadonlySet<string> = new Set<DeltaType>(['ADDED', 'MODIFIED', 'DELETED']);

/**
 * Parses a JSON Lines recording one line at a time (the README's "Recordings"):
 * `{"time":RFC3339,"type":"ADDED|MODIFIED|DELETED","object":{…}}`,
 * optionally `"initial":true`; `{"time":RFC3339,"type":"SPANS","spans":[…]}`
 * for spans the tap received, given to `onSpans` (skipped without it); and
 * `{"time":RFC3339,"type":"CLOCK","sent":RFC3339,"date":RFC3339}` for a reading of
 * the apiserver's clock, given to `onClock` (skipped without it). Feed it lines
 * or arbitrary chunks; it counts lines so errors can name theirs.
 */
export class JsonLinesParser {
  readonly #source: string | undefined;
  readonly #now: number;
  readonly #onSpans: ((batch: TapBatch) => void) | undefined;
  readonly #onClock: ((sample: ClockSample) => void) | undefined;
  #line = 0;
  #rest = '';

  /** `now` (default: the wall clock) bounds the plausible observation times. */
  constructor(
    source?: string,
    options: {
      readonly now?: number;
      readonly onSpans?: (batch: TapBatch) => void;
      readonly onClock?: (sample: ClockSample) => void;
    } = {},
  ) {
    this.#source = source;
    this.#now = options.now ?? Date.now();
    this.#onSpans = options.onSpans;
    this.#onClock = options.onClock;
  }

  /** Lines consumed so far. */
  get lineNumber(): number {
    return this.#line;
  }

  /** Parses one line (without its newline); undefined for a blank line. Throws a RecordingError. */
  parseLine(text: string): Delta | undefined {
    this.#line += 1;
    return parseJsonLine(text, this.#line, this.#source, this.#now, this.#onSpans, this.#onClock);
  }

  /** Counts a line without parsing it (one already reported, e.g. as too long). */
  skipLine(): void {
    this.#line += 1;
  }

  /** Parses every complete line in `chunk`, keeping a trailing partial line for the next call. */
  push(chunk: string): Delta[] {
    const text = this.#rest + chunk;
    const lines = text.split('\n');
    this.#rest = lines.pop() ?? '';
    const out: Delta[] = [];
    for (const line of lines) {
      const delta = this.parseLine(line);
      if (delta !== undefined) out.push(delta);
    }
    return out;
  }

  /** Parses what is left after the last chunk. */
  end(): Delta[] {
    const rest = this.#rest;
    this.#rest = '';
    if (rest.length === 0) return [];
    const delta = this.parseLine(rest);
    return delta === undefined ? [] : [delta];
  }
}

/**
 * Parses one JSON Lines recording line numbered `line`; undefined for a blank line.
 * `time` must be RFC 3339 and a plausible observation as of `now` (see
 * isPlausibleObservation): a delta from the year 9999 would cut every trace off.
 */
export function parseJsonLine(
  text: string,
  line: number,
  source?: string,
  now: number = Date.now(),
  onSpans?: (batch: TapBatch) => void,
  onClock?: (sample: ClockSample) => void,
): Delta | undefined {
  // JSON.parse skips surrounding whitespace itself; only a blank line needs the check (and no copy).
  if (text.length === 0 || (isBlank(text.charCodeAt(0)) && text.trim().length === 0)) return undefined;
  const trimmed = text;
  const fail = (message: string, cause?: unknown): RecordingError =>
    new RecordingError(message, { code: 'ERR_RECORDING_LINE', line, source, cause });
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (cause) {
    throw fail('not valid JSON', cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw fail('expected a JSON object');
  const rec = value as Readonly<Record<string, unknown>>;
  const type = rec.type;
  if (type === 'SPANS') {
    const time = typeof rec.time === 'string' ? parseRfc3339(rec.time) : undefined;
    if (time === undefined || !isPlausibleObservation(time, now))
      throw fail('"time" must be a plausible RFC 3339 timestamp');
    const spans = narrowTapSpans(rec.spans, time);
    if (typeof spans === 'string') throw fail(spans);
    onSpans?.({ time, spans });
    return undefined;
  }
  if (type === 'CLOCK') {
    const sample = narrowClockLine(rec, now);
    if (typeof sample === 'string') throw fail(sample);
    onClock?.(sample);
    return undefined;
  }
  if (typeof type !== 'string' || !TYPES.has(type))
    throw fail('"type" must be ADDED, MODIFIED, DELETED, SPANS or CLOCK');
  if (typeof rec.time !== 'string') throw fail('"time" must be an RFC 3339 string');
  const time = parseRfc3339(rec.time);
  if (time === undefined) throw fail(`"time" is not an RFC 3339 timestamp: ${quote(rec.time)}`);
  if (!isPlausibleObservation(time, now)) {
    throw fail(`"time" ${quote(rec.time)} is outside the plausible window (2014-06-06 to a day from now)`);
  }
  const object = rec.object;
  if (typeof object !== 'object' || object === null || Array.isArray(object))
    throw fail('"object" must be an object');
  if (rec.initial !== undefined && typeof rec.initial !== 'boolean')
    throw fail('"initial" must be a boolean');
  return rec.initial === true
    ? { time, type: type as DeltaType, object, initial: true }
    : { time, type: type as DeltaType, object };
}

/** A value for an error message, cut short. */
function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Parses a whole JSON Lines recording. */
export function parseJsonLines(text: string, source?: string, now?: number): Delta[] {
  const parser = new JsonLinesParser(source, now === undefined ? {} : { now });
  const out = parser.push(text);
  for (const d of parser.end()) out.push(d);
  return out;
}
