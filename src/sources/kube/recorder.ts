/**
 * `--record FILE`: writes every delta of a live run in the recording format of
 * the README's "Recordings" (JSON Lines; `initial` marks the startup list), so that
 * `kubetrail replay FILE` reproduces the same trace trees; with the tap on, the
 * received spans too, so that replay makes the same links.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Delta } from '../../model/delta.js';
import type { TapBatch } from '../../model/tap-span.js';

/** Appends deltas to a recording file. */
export class Recorder {
  readonly #out: WriteStream;
  #failed: Error | undefined;

  constructor(path: string) {
    this.#out = createWriteStream(path, { flags: 'w' });
    this.#out.on('error', (err) => {
      this.#failed = err;
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

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve) => this.#out.end(resolve));
  }
}
