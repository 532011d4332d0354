import type { TraceRecord } from '../model/span-record.js';
import { ExportError } from './export-error.js';
import type { TextWriter } from './line-writer.js';
import { OtlpJsonEncoder, type OtlpJsonEncoderOptions } from './otlp-json-encoder.js';
import {
  EXPORT_SUCCESS,
  type ExportResult,
  exportFailed,
  newSinkCounters,
  type SinkCounters,
  type TraceSink,
} from './trace-sink.js';

/** Options of {@link JsonSink}. */
export interface JsonSinkOptions extends OtlpJsonEncoderOptions {
  readonly writer: TextWriter;
}

/**
 * Writes OTLP-JSON, one `{"resourceSpans":[…]}` line per export call, the format of
 * the OpenTelemetry Collector's file exporter.
 */
export class JsonSink implements TraceSink {
  readonly #writer: TextWriter;
  readonly #encoder: OtlpJsonEncoder;
  #closed = false;
  /** Counters for `/metrics`. */
  readonly counters: SinkCounters = newSinkCounters();

  constructor(options: JsonSinkOptions) {
    this.#writer = options.writer;
    this.#encoder = new OtlpJsonEncoder(options);
  }

  async export(traces: readonly TraceRecord[]): Promise<ExportResult> {
    let spans = 0;
    for (const t of traces) spans += t.spans.length;
    if (this.#closed) {
      this.counters.spansDropped += spans;
      return exportFailed(new ExportError('ERR_EXPORT_SHUTDOWN', 'json sink is shut down'));
    }
    if (spans === 0) return EXPORT_SUCCESS;
    try {
      await this.#writer.write(`${this.#encoder.encodeTraces(traces)}\n`);
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
