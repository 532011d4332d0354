import type { Delta } from '../../model/delta.js';
import { parseJsonLines } from './json-lines.js';
import { parseKspanCapture } from './kspan-capture.js';

/** The two recording formats a replay reads. */
export type RecordingFormat = 'jsonl' | 'kspan';

/** Which format `text` is in: JSON Lines start with `{`, kspan captures with `---` or a `# {` header. */
export function detectRecordingFormat(text: string): RecordingFormat {
  for (const raw of text.split('\n', 64)) {
    const line = raw.trim();
    if (line.length === 0) continue;
    return line.startsWith('{') ? 'jsonl' : 'kspan';
  }
  return 'jsonl';
}

/** Parses a recording in either format (auto-detected) into deltas, in file order. Throws a RecordingError. */
export function parseRecording(text: string, source?: string): Delta[] {
  return detectRecordingFormat(text) === 'jsonl'
    ? parseJsonLines(text, source)
    : parseKspanCapture(text, source);
}
