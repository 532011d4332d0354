import type { TextWriter } from './line-writer.js';
import { OtlpJsonEncoder, type OtlpJsonEncoderOptions } from './otlp-json-encoder.js';
import { TextSink } from './text-sink.js';

/** Options of {@link JsonSink}. */
export interface JsonSinkOptions extends OtlpJsonEncoderOptions {
  readonly writer: TextWriter;
}

/**
 * Writes OTLP-JSON, one `{"resourceSpans":[…]}` line per export call, the format of
 * the OpenTelemetry Collector's file exporter.
 */
export class JsonSink extends TextSink {
  constructor(options: JsonSinkOptions) {
    const encoder = new OtlpJsonEncoder(options);
    super('json', options.writer, (traces) =>
      traces.some((t) => t.spans.length > 0) ? `${encoder.encodeTraces(traces)}\n` : '',
    );
  }
}
