import type { PositionedClockSample } from '../../model/clock-sample.js';
import type { Delta } from '../../model/delta.js';
import type { PositionedTapBatch } from '../../model/tap-span.js';
import { JsonLinesParser } from './json-lines.js';
import { parseKspanCapture } from './kspan-capture.js';
import { RecordingError } from './recording-error.js';

/** Options of {@link readRecording}. */
export interface ReadRecordingOptions {
  /** The file or stream name, for messages. */
  readonly source: string;
  /**
   * Receives each bad line (or kspan document), which is then skipped. Without it,
   * the first bad one throws its RecordingError (`--strict`).
   */
  readonly onProblem?: (problem: RecordingError) => void;
  /** Bounds the plausible observation times (default: the wall clock). */
  readonly now?: number;
  /**
   * A longer JSON Lines line is a problem, not a reason to buffer without end.
   * @default 16 MiB (the apiserver refuses objects over 3 MiB)
   */
  readonly maxLineBytes?: number;
  /**
   * kspan captures are YAML streams, read whole; a larger one is refused.
   * @default 256 MiB
   */
  readonly maxCaptureBytes?: number;
}

/** What {@link readRecording} read. */
export interface RecordingSummary {
  readonly format: 'jsonl' | 'kspan';
  /** Lines read (JSON Lines) or documents read (kspan). */
  readonly units: number;
  /** Deltas handed on. */
  readonly deltas: number;
  /** Bad lines or documents skipped. */
  readonly problems: number;
}

/** Default of {@link ReadRecordingOptions.maxLineBytes}. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
/** Default of {@link ReadRecordingOptions.maxCaptureBytes}. */
export const MAX_CAPTURE_BYTES = 256 * 1024 * 1024;

const NEWLINE = 0x0a;

/**
 * Streams a recording from `input` (a file, stdin) into deltas. JSON Lines are
 * split on newline bytes and parsed a line at a time; after each chunk `onDeltas`
 * is awaited before the next chunk is read, so a slow consumer (an exporter
 * waiting on its backend) holds the reading back and memory stays flat whatever
 * the size of the recording. kspan captures (YAML) are read whole, up to
 * {@link MAX_CAPTURE_BYTES}. Throws a RecordingError on the first bad line unless
 * `onProblem` is given, and rethrows read errors from `input`.
 */
export async function readRecording(
  input: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  onDeltas: (
    deltas: readonly Delta[],
    tapSpans: readonly PositionedTapBatch[],
    clockSamples: readonly PositionedClockSample[],
  ) => void | Promise<void>,
  options: ReadRecordingOptions,
): Promise<RecordingSummary> {
  const maxLine = options.maxLineBytes ?? MAX_LINE_BYTES;
  const maxCapture = options.maxCaptureBytes ?? MAX_CAPTURE_BYTES;
  // The deltas and tap spans (`SPANS` lines) of the chunk being read; `deltasBefore` places each batch among the deltas.
  let out: Delta[] = [];
  let spans: PositionedTapBatch[] = [];
  // The readings of the apiserver's clock (`CLOCK` lines) of the chunk, placed alike.
  let clock: PositionedClockSample[] = [];
  const parser = new JsonLinesParser(options.source, {
    ...(options.now === undefined ? {} : { now: options.now }),
    onSpans: (batch) => spans.push({ batch, deltasBefore: out.length }),
    onClock: (sample) => clock.push({ sample, deltasBefore: out.length }),
  });
  let problems = 0;
  const problem = (e: RecordingError): void => {
    if (options.onProblem === undefined) throw e;
    problems += 1;
    options.onProblem(e);
  };
  let format: 'jsonl' | 'kspan' | undefined;
  let deltas = 0;
  // JSON Lines: the bytes of the line being read, not yet ended by a newline.
  let parts: Buffer[] = [];
  let partBytes = 0;
  let overlong = false;
  // kspan: the whole capture.
  const capture: Buffer[] = [];
  let captureBytes = 0;
  let first = true;
  // Blank bytes before the first one that tells the format.
  let leading: Buffer[] = [];

  const parseLine = (bytes: Buffer): void => {
    try {
      const delta = parser.parseLine(bytes.toString('utf8'));
      if (delta !== undefined) out.push(delta);
    } catch (e) {
      if (!(e instanceof RecordingError)) throw e;
      problem(e);
    }
  };
  const endLine = (tail: Buffer): void => {
    if (overlong) {
      // The rest of a line already reported as too long.
      overlong = false;
      parser.skipLine();
    } else if (parts.length === 0) parseLine(tail);
    else {
      parts.push(tail);
      parseLine(Buffer.concat(parts));
    }
    parts = [];
    partBytes = 0;
  };
  const keepPartial = (tail: Buffer): void => {
    if (overlong || tail.length === 0) return;
    if (partBytes + tail.length > maxLine) {
      overlong = true;
      parts = [];
      partBytes = 0;
      problem(
        new RecordingError(`line is longer than ${maxLine} bytes`, {
          code: 'ERR_RECORDING_LINE',
          line: parser.lineNumber + 1,
          source: options.source,
        }),
      );
      return;
    }
    parts.push(tail);
    partBytes += tail.length;
  };

  const handOn = async (): Promise<void> => {
    if (out.length === 0 && spans.length === 0 && clock.length === 0) return;
    const d = out;
    const s = spans;
    const c = clock;
    out = [];
    spans = [];
    clock = [];
    deltas += d.length;
    await onDeltas(d, s, c);
  };

  for await (const piece of input) {
    let chunk =
      typeof piece === 'string'
        ? Buffer.from(piece, 'utf8')
        : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (first && chunk.length > 0) {
      first = false;
      // A UTF-8 byte order mark is not part of the first line.
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (format === undefined) {
      format = detect(chunk);
      if (leading.length > 0) chunk = Buffer.concat([...leading, chunk]);
      if (format === undefined) {
        // Only blank so far: keep it (line numbers count it) and look again.
        leading = [chunk];
        if (chunk.length > maxLine)
          throw new RecordingError('no recording: only blank space', {
            code: 'ERR_RECORDING_EMPTY',
            line: 1,
            source: options.source,
          });
        continue;
      }
      leading = [];
    }
    if (format === 'kspan') {
      captureBytes += chunk.length;
      if (captureBytes > maxCapture) {
        throw new RecordingError(
          `kspan captures are read whole, and this one is over ${maxCapture} bytes; split it, or convert it to JSON Lines`,
          { code: 'ERR_RECORDING_DOCUMENT', line: 1, source: options.source },
        );
      }
      capture.push(chunk);
      continue;
    }
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      endLine(chunk.subarray(start, nl));
      start = nl + 1;
    }
    keepPartial(chunk.subarray(start));
    await handOn();
  }

  if (format === 'kspan') {
    const text = Buffer.concat(capture).toString('utf8');
    capture.length = 0;
    const all = parseKspanCapture(text, options.source, {
      ...(options.now === undefined ? {} : { now: options.now }),
      onProblem: problem,
    });
    const documents = all.length + problems;
    for (let i = 0; i < all.length; i += 1000) {
      const slice = all.slice(i, i + 1000);
      deltas += slice.length;
      await onDeltas(slice, [], []);
    }
    return { format, units: documents, deltas, problems };
  }
  // The last line may lack its newline (a recording cut off mid-write).
  if (partBytes > 0 || overlong) endLine(Buffer.alloc(0));
  await handOn();
  return { format: format ?? 'jsonl', units: parser.lineNumber, deltas, problems };
}

/** JSON Lines start with `{`; anything else that is not blank is taken for a kspan capture. */
function detect(chunk: Buffer): 'jsonl' | 'kspan' | undefined {
  for (const byte of chunk) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d) continue;
    return byte === 0x7b ? 'jsonl' : 'kspan';
  }
  return undefined;
}
