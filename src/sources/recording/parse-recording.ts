import type { ClockSample } from '../../model/clock-sample.js';
import type { Delta } from '../../model/delta.js';
import type { TapBatch } from '../../model/tap-span.js';
import { JsonLinesParser } from './json-lines.js';
import { type KspanCaptureOptions, parseKspanCapture } from './kspan-capture.js';
import { RecordingError } from './recording-error.js';

/** The two recording formats a replay reads. */
export type RecordingFormat = 'jsonl' | 'kspan';

/** Options of {@link parseRecording}: as for kspan captures, and the same for JSON Lines. */
export type ParseRecordingOptions = KspanCaptureOptions & {
  /**
   * Given each batch of received tap spans (JSON Lines only) and how many deltas
   * came before it in the file, so that a replay can interleave them in file order.
   */
  readonly onSpans?: (batch: TapBatch, deltasBefore: number) => void;
  /** Given each reading of the apiserver's clock (`CLOCK` lines; JSON Lines only) and how many deltas came before it. */
  readonly onClock?: (sample: ClockSample, deltasBefore: number) => void;
};

/** Which format `text` is in: JSON Lines start with `{`, kspan captures with `---` or a `# {` header. */
export function detectRecordingFormat(text: string): RecordingFormat {
  for (const raw of text.split('\n', 64)) {
    const line = raw.trim();
    if (line.length === 0) continue;
    return line.startsWith('{') ? 'jsonl' : 'kspan';
  }
  return 'jsonl';
}

/**
 * Parses a recording in either format (auto-detected) into deltas, in file order.
 * Without `onProblem` the first bad line or document throws a RecordingError; with
 * it, each is reported and skipped.
 */
export function parseRecording(text: string, source?: string, options: ParseRecordingOptions = {}): Delta[] {
  if (detectRecordingFormat(text) === 'kspan') return parseKspanCapture(text, source, options);
  const out: Delta[] = [];
  const { onSpans, onClock } = options;
  const parser = new JsonLinesParser(source, {
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(onSpans === undefined ? {} : { onSpans: (batch: TapBatch) => onSpans(batch, out.length) }),
    ...(onClock === undefined ? {} : { onClock: (sample: ClockSample) => onClock(sample, out.length) }),
  });
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (i === lines.length - 1 && line.length === 0) break;
    try {
      const delta = parser.parseLine(line);
      if (delta !== undefined) out.push(delta);
    } catch (e) {
      if (!(e instanceof RecordingError) || options.onProblem === undefined) throw e;
      options.onProblem(e);
    }
  }
  return out;
}
