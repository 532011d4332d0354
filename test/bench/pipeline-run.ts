import { TraceEngine } from '../../src/assembly/trace-engine.js';
import { OtlpJsonEncoder } from '../../src/export/otlp-json-encoder.js';
import { ManualClock } from '../../src/model/clock.js';
import { JsonLinesParser } from '../../src/sources/recording/json-lines.js';

/** What one run of the pipeline gave. */
export interface PipelineCounts {
  readonly traces: number;
  readonly spans: number;
  /** The length of the OTLP-JSON the batches were encoded to; 0 when they were not encoded. */
  readonly outputBytes: number;
  readonly rejected: Readonly<Record<string, number>>;
}

/**
 * Runs JSON Lines through the pipeline the way `kubetrail replay --exporter json`
 * does: parse each line, advance the clock to it, apply, tick, and encode each batch
 * of traces; at the end flush. With `encode: false` the batches are counted, not
 * encoded (the engine's share alone).
 */
export function runPipeline(lines: Iterable<string>, options: { readonly encode: boolean }): PipelineCounts {
  const clock = new ManualClock();
  const engine = new TraceEngine({ clock });
  const parser = new JsonLinesParser('bench');
  const encoder = options.encode ? new OtlpJsonEncoder({ scopeVersion: 'bench' }) : undefined;
  let traces = 0;
  let spans = 0;
  let outputBytes = 0;
  const exportBatch = (batch: ReturnType<TraceEngine['tick']>): void => {
    if (batch.length === 0) return;
    traces += batch.length;
    for (const tr of batch) spans += tr.spans.length;
    if (encoder !== undefined) outputBytes += encoder.encodeTraces(batch).length;
  };
  for (const line of lines) {
    const delta = parser.parseLine(line);
    if (delta === undefined) continue;
    clock.advanceTo(delta.time);
    engine.apply(delta);
    exportBatch(engine.tick());
  }
  exportBatch(engine.flush());
  return { traces, spans, outputBytes, rejected: engine.stats().rejected };
}
