import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { ExportError } from './export-error.js';

/** Where text-producing sinks write: stdout, a file, or a buffer in tests. */
export interface TextWriter {
  /** Resolves once `text` is accepted (respecting back-pressure). */
  write(text: string): Promise<void>;
  /** Ends the output if this writer owns it. */
  close(): Promise<void>;
}

/** Wraps a Node stream; `owned` streams are ended on close, stdout is not. */
export function streamWriter(stream: Writable, owned: boolean): TextWriter {
  let failure: Error | undefined;
  stream.on('error', (e: Error) => {
    failure = e;
  });
  return {
    write(text) {
      if (failure !== undefined) {
        return Promise.reject(
          new ExportError('ERR_EXPORT_WRITE', `write failed: ${failure.message}`, { cause: failure }),
        );
      }
      if (stream.write(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const onDrain = (): void => {
          stream.off('error', onError);
          resolve();
        };
        const onError = (e: Error): void => {
          stream.off('drain', onDrain);
          reject(new ExportError('ERR_EXPORT_WRITE', `write failed: ${e.message}`, { cause: e }));
        };
        stream.once('drain', onDrain);
        stream.once('error', onError);
      });
    },
    close() {
      if (!owned) return Promise.resolve();
      return new Promise((resolve) => {
        stream.end(() => resolve());
      });
    },
  };
}

/** A writer to `path` (created or truncated), or to stdout when `path` is undefined or `-`. */
export function fileOrStdoutWriter(path: string | undefined): TextWriter {
  if (path === undefined || path === '-') return streamWriter(process.stdout, false);
  return streamWriter(createWriteStream(path, { flags: 'w' }), true);
}

/** Collects everything written, for tests and in-memory pipelines. */
export class MemoryWriter implements TextWriter {
  /** Every chunk written, in order. */
  readonly chunks: string[] = [];
  closed = false;
  write(text: string): Promise<void> {
    this.chunks.push(text);
    return Promise.resolve();
  }
  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
  /** All chunks joined. */
  text(): string {
    return this.chunks.join('');
  }
}
