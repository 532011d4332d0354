import yaml from 'js-yaml';
import type { Delta, DeltaType } from '../../model/delta.js';
import { isPlausibleObservation } from '../../normalise/plausible-time.js';
import { parseRfc3339 } from '../../normalise/rfc3339.js';
import { RecordingError } from './recording-error.js';

type Style = 'event' | 'initial' | 'watch';
const STYLES: ReadonlySet<string> = new Set<Style>(['event', 'initial', 'watch']);

interface RawDocument {
  readonly line: number;
  readonly header: { readonly time: number | undefined; readonly style: Style };
  readonly object: Readonly<Record<string, unknown>>;
}

/** Options of {@link parseKspanCapture}. */
export interface KspanCaptureOptions {
  /**
   * Receives each bad document, which is then skipped. Without it, the first bad
   * document throws (strict).
   */
  readonly onProblem?: (problem: RecordingError) => void;
  /** Bounds the plausible header times (default: the wall clock). */
  readonly now?: number;
}

/**
 * Parses kspan's capture format: a multi-document YAML stream where each
 * document is preceded by `# {"time":…,"style":"event"|"initial"|"watch","kind":…}`.
 * An Event with no header time takes its lastTimestamp (then eventTime, firstTimestamp);
 * any other document with no time takes the previous one's (the first known, at the start).
 */
export function parseKspanCapture(text: string, source?: string, options: KspanCaptureOptions = {}): Delta[] {
  const now = options.now ?? Date.now();
  const onProblem =
    options.onProblem ??
    ((problem: RecordingError): void => {
      throw problem;
    });
  const docs = splitDocuments(text, source, now, onProblem);
  const times: (number | undefined)[] = docs.map((d) => d.header.time ?? eventTimeOf(d, now));
  let carry = times.find((t) => t !== undefined) ?? 0;
  const seen = new Set<string>();
  const out: Delta[] = [];
  docs.forEach((doc, i) => {
    const time = times[i] ?? carry;
    carry = time;
    const meta = doc.object.metadata;
    const uid =
      typeof meta === 'object' && meta !== null && 'uid' in meta && typeof meta.uid === 'string'
        ? meta.uid
        : '';
    // kspan does not record the watch type: first sight of a uid is an ADDED, later ones MODIFIED.
    const type: DeltaType = uid !== '' && seen.has(uid) ? 'MODIFIED' : 'ADDED';
    if (uid !== '') seen.add(uid);
    out.push(
      doc.header.style === 'initial'
        ? { time, type, object: doc.object, initial: true }
        : { time, type, object: doc.object },
    );
  });
  return out;
}

function eventTimeOf(doc: RawDocument, now: number): number | undefined {
  if (doc.object.kind !== 'Event') return undefined;
  for (const key of ['lastTimestamp', 'eventTime', 'firstTimestamp']) {
    const v = doc.object[key];
    if (typeof v === 'string') {
      const t = parseRfc3339(v);
      if (t !== undefined && isPlausibleObservation(t, now)) return t;
    }
  }
  return undefined;
}

function splitDocuments(
  text: string,
  source: string | undefined,
  now: number,
  onProblem: (problem: RecordingError) => void,
): RawDocument[] {
  const lines = text.split('\n');
  const out: RawDocument[] = [];
  let start = -1; // index of the first line of the current document's body
  let header: RawDocument['header'] | undefined;
  let headerLine = 0;
  // After a bad header, the rest of that document is skipped rather than reported again.
  let skipping = false;
  const finish = (endExclusive: number): void => {
    if (skipping) {
      skipping = false;
      return;
    }
    if (header === undefined) {
      const body = lines.slice(Math.max(start, 0), endExclusive).join('\n').trim();
      if (body.length > 0) {
        onProblem(
          new RecordingError('document has no `# {"time":…,"style":…}` header line', {
            code: 'ERR_RECORDING_DOCUMENT',
            line: Math.max(start, 0) + 1,
            source,
          }),
        );
      }
      return;
    }
    const body = lines.slice(start, endExclusive).join('\n');
    let value: unknown;
    try {
      value = yaml.load(body, { schema: yaml.CORE_SCHEMA });
    } catch (cause) {
      const { reason, mark } = cause as { reason?: unknown; mark?: { line?: unknown } };
      const offset = typeof mark?.line === 'number' ? mark.line : 0;
      header = undefined;
      onProblem(
        new RecordingError(typeof reason === 'string' ? `not valid YAML: ${reason}` : 'not valid YAML', {
          code: 'ERR_RECORDING_DOCUMENT',
          line: start + 1 + offset,
          source,
          cause,
        }),
      );
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      header = undefined;
      onProblem(
        new RecordingError('document is not a Kubernetes object', {
          code: 'ERR_RECORDING_DOCUMENT',
          line: headerLine,
          source,
        }),
      );
      return;
    }
    out.push({ line: headerLine, header, object: value as Readonly<Record<string, unknown>> });
    header = undefined;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trimEnd() === '---') {
      finish(i);
      start = i + 1;
      continue;
    }
    if (skipping) continue;
    if (header === undefined && line.startsWith('# {')) {
      try {
        header = parseHeader(line.slice(2), i + 1, source, now);
      } catch (e) {
        if (!(e instanceof RecordingError)) throw e;
        onProblem(e);
        skipping = true;
        continue;
      }
      headerLine = i + 1;
      start = i + 1;
    } else if (start < 0) start = i;
  }
  finish(lines.length);
  return out;
}

function parseHeader(
  json: string,
  line: number,
  source: string | undefined,
  now: number,
): RawDocument['header'] {
  const fail = (message: string, cause?: unknown): RecordingError =>
    new RecordingError(message, { code: 'ERR_RECORDING_DOCUMENT', line, source, cause });
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (cause) {
    throw fail('header is not valid JSON', cause);
  }
  if (typeof value !== 'object' || value === null) throw fail('header must be a JSON object');
  const rec = value as Readonly<Record<string, unknown>>;
  if (typeof rec.style !== 'string' || !STYLES.has(rec.style))
    throw fail('header "style" must be event, initial or watch');
  let time: number | undefined;
  if (typeof rec.time === 'string') {
    time = parseRfc3339(rec.time);
    if (time === undefined)
      throw fail(`header "time" is not an RFC 3339 timestamp: ${JSON.stringify(rec.time.slice(0, 64))}`);
    if (!isPlausibleObservation(time, now)) {
      throw fail(
        `header "time" ${JSON.stringify(rec.time)} is outside the plausible window (2014-06-06 to a day from now)`,
      );
    }
  } else if (rec.time !== null && rec.time !== undefined)
    throw fail('header "time" must be a string or null');
  return { time, style: rec.style as Style };
}
