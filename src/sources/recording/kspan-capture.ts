import yaml from 'js-yaml';
import type { Delta, DeltaType } from '../../model/delta.js';
import { RecordingError } from './recording-error.js';

type Style = 'event' | 'initial' | 'watch';
const STYLES: ReadonlySet<string> = new Set<Style>(['event', 'initial', 'watch']);

interface RawDocument {
  readonly line: number;
  readonly header: { readonly time: number | undefined; readonly style: Style };
  readonly object: Readonly<Record<string, unknown>>;
}

/**
 * Parses kspan's capture format: a multi-document YAML stream where each
 * document is preceded by `# {"time":…,"style":"event"|"initial"|"watch","kind":…}`.
 * An Event with no header time takes its lastTimestamp (then eventTime, firstTimestamp);
 * any other document with no time takes the previous one's (the first known, at the start).
 */
export function parseKspanCapture(text: string, source?: string): Delta[] {
  const docs = splitDocuments(text, source);
  const times: (number | undefined)[] = docs.map((d) => d.header.time ?? eventTimeOf(d));
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

function eventTimeOf(doc: RawDocument): number | undefined {
  if (doc.object.kind !== 'Event') return undefined;
  for (const key of ['lastTimestamp', 'eventTime', 'firstTimestamp']) {
    const v = doc.object[key];
    if (typeof v === 'string') {
      const t = Date.parse(v);
      if (!Number.isNaN(t)) return t;
    }
  }
  return undefined;
}

function splitDocuments(text: string, source: string | undefined): RawDocument[] {
  const lines = text.split('\n');
  const out: RawDocument[] = [];
  let start = -1; // index of the first line of the current document's body
  let header: RawDocument['header'] | undefined;
  let headerLine = 0;
  const finish = (endExclusive: number): void => {
    if (header === undefined) {
      const body = lines.slice(Math.max(start, 0), endExclusive).join('\n').trim();
      if (body.length > 0) {
        throw new RecordingError('document has no `# {"time":…,"style":…}` header line', {
          code: 'ERR_RECORDING_DOCUMENT',
          line: Math.max(start, 0) + 1,
          source,
        });
      }
      return;
    }
    const body = lines.slice(start, endExclusive).join('\n');
    let value: unknown;
    try {
      value = yaml.load(body, { schema: yaml.CORE_SCHEMA });
    } catch (cause) {
      const mark = (cause as { mark?: { line?: unknown } }).mark;
      const offset = typeof mark?.line === 'number' ? mark.line : 0;
      throw new RecordingError('not valid YAML', {
        code: 'ERR_RECORDING_DOCUMENT',
        line: start + 1 + offset,
        source,
        cause,
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new RecordingError('document is not a Kubernetes object', {
        code: 'ERR_RECORDING_DOCUMENT',
        line: headerLine,
        source,
      });
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
    if (header === undefined && line.startsWith('# {')) {
      header = parseHeader(line.slice(2), i + 1, source);
      headerLine = i + 1;
      start = i + 1;
    } else if (start < 0) start = i;
  }
  finish(lines.length);
  return out;
}

function parseHeader(json: string, line: number, source: string | undefined): RawDocument['header'] {
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
    time = Date.parse(rec.time);
    if (Number.isNaN(time))
      throw fail(`header "time" is not an RFC 3339 timestamp: ${JSON.stringify(rec.time)}`);
  } else if (rec.time !== null && rec.time !== undefined)
    throw fail('header "time" must be a string or null');
  return { time, style: rec.style as Style };
}
