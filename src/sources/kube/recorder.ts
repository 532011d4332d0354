/**
 * `--record FILE`: writes every delta of a live run in the recording format of
 * the README's "Recordings" (JSON Lines; `initial` marks the startup list), so that
 * `kubetrail replay FILE` reproduces the same trace trees; with the tap on, the
 * received spans too, so that replay makes the same links; and the readings of
 * the apiserver's clock, so that replay converts times with the same offset.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { ClockSample } from '../../model/clock-sample.js';
import type { Delta } from '../../model/delta.js';
import type { TapBatch } from '../../model/tap-span.js';

/** The recording file cannot be opened, with a stable code. */
export class RecorderError extends Error {
  override readonly name = 'RecorderError';
  readonly code = 'ERR_RECORD_OPEN';
}

/** Appends deltas to a recording file. */
export class Recorder {
  readonly #out: WriteStream;
  #failed: Error | undefined;
  readonly #onError: ((err: Error) => void) | undefined;

  /** Starts writing `path`; prefer {@link Recorder.open}, which fails at once on a bad path. */
  constructor(path: string, onError?: (err: Error) => void) {
    this.#onError = onError;
    this.#out = createWriteStream(path, { flags: 'w' });
    this.#out.on('error', (err) => {
      const first = this.#failed === undefined;
      this.#failed = err;
      if (first) this.#onError?.(err);
    });
  }

  /**
   * Opens `path` for recording and resolves once it is open, or rejects with a
   * {@link RecorderError}: a path that cannot be written stops kubetrail at startup
   * instead of recording nothing. `onError` hears of a write failure later on (once).
   */
  static open(path: string, onError?: (err: Error) => void): Promise<Recorder> {
    return new Promise((resolve, reject) => {
      let opened = false;
      const recorder = new Recorder(path, (err) => {
        if (opened) onError?.(err);
        else reject(new RecorderError(`cannot write recording ${path}: ${err.message}`, { cause: err }));
      });
      recorder.#out.once('open', () => {
        opened = true;
        resolve(recorder);
      });
    });
  }

  /** The write error that stopped recording, if any. */
  get error(): Error | undefined {
    return this.#failed;
  }

  /** Records one delta. */
  write(delta: Delta): void {
    if (this.#failed) return;
    const line: Record<string, unknown> = { time: new Date(delta.time).toISOString(), type: delta.type };
    if (delta.initial) line.initial = true;
    line.object = delta.object;
    this.#out.write(`${JSON.stringify(line)}\n`);
  }

  /** Records spans the tap received, as one `"type":"SPANS"` line (see the README's recording format). */
  writeSpans(batch: TapBatch): void {
    if (this.#failed || batch.spans.length === 0) return;
    const line = { time: new Date(batch.time).toISOString(), type: 'SPANS', spans: batch.spans };
    this.#out.write(`${JSON.stringify(line)}\n`);
  }

  /**
   * Records a reading of the apiserver's clock as one `"type":"CLOCK"` line:
   * `time` when its response arrived, `sent` when its request went out, `date`
   * the response's `Date` (see the README's recording format).
   */
  writeClock(sample: ClockSample): void {
    if (this.#failed) return;
    const line = {
      time: new Date(sample.receivedAt).toISOString(),
      type: 'CLOCK',
      sent: new Date(sample.sentAt).toISOString(),
      date: new Date(sample.serverDate).toISOString().replace('.000Z', 'Z'),
    };
    this.#out.write(`${JSON.stringify(line)}\n`);
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => this.#out.end(resolve));
  }
}
