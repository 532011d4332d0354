import type { TraceRecord } from '../model/span-record.js';
import { ExportError } from './export-error.js';
import type { TextWriter } from './line-writer.js';
import {
  EXPORT_SUCCESS,
  type ExportResult,
  exportFailed,
  newSinkCounters,
  type SinkCounters,
  type TraceSink,
} from './trace-sink.js';

/** Turns a batch of traces into text; an empty string means there is nothing to write. */
export type TraceRenderer = (traces: readonly TraceRecord[]) => string;

/**
 * A sink that renders each batch as text and appends it to a writer: the
 * shared body of the `json` and `tree` exporters, which differ only in rendering.
 */
export class TextSink implements TraceSink {
  readonly #name: string;
  readonly #writer: TextWriter;
  readonly #render: TraceRenderer;
  #closed = false;
  /** Counters for `/metrics`. */
  readonly counters: SinkCounters = newSinkCounters();

  constructor(name: string, writer: TextWriter, render: TraceRenderer) {
    this.#name = name;
    this.#writer = writer;
    this.#render = render;
  }

  async export(traces: readonly TraceRecord[]): Promise<ExportResult> {
    let spans = 0;
    for (const t of traces) spans += t.spans.length;
    if (this.#closed) {
      this.counters.spansDropped += spans;
      return exportFailed(new ExportError('ERR_EXPORT_SHUTDOWN', `${this.#name} sink is shut down`));
    }
    try {
      const text = this.#render(traces);
      if (text === '') return EXPORT_SUCCESS;
      await this.#writer.write(text);
      this.counters.spansExported += spans;
      return EXPORT_SUCCESS;
    } catch (e) {
      this.counters.spansDropped += spans;
      this.counters.exportErrors += 1;
      return exportFailed(e instanceof Error ? e : new ExportError('ERR_EXPORT_WRITE', String(e)));
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writer.close();
  }
}
