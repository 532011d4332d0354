import type { TraceRecord } from '../model/span-record.js';
import { decideTrace, type SamplingPolicy } from './trace-sampler.js';
import { EXPORT_SUCCESS, type ExportResult, type TraceSink } from './trace-sink.js';

/** Counters of {@link SamplingSink}. */
export interface SamplingCounters {
  tracesKept: number;
  tracesSampledOut: number;
  spansSampledOut: number;
}

/** Decorates any sink with per-trace sampling; traces sampled out never reach it. */
export class SamplingSink implements TraceSink {
  readonly #inner: TraceSink;
  readonly #policy: SamplingPolicy;
  /** Counters for `/metrics`. */
  readonly counters: SamplingCounters = { tracesKept: 0, tracesSampledOut: 0, spansSampledOut: 0 };

  constructor(inner: TraceSink, policy: SamplingPolicy) {
    const rate = policy.samplingRatePerMillion;
    if (!Number.isInteger(rate) || rate < 0 || rate > 1_000_000) {
      throw new TypeError(`samplingRatePerMillion must be an integer from 0 to 1000000, got ${rate}`);
    }
    if (!(policy.slowTraceMs >= 0))
      throw new TypeError(`slowTraceMs must be >= 0, got ${policy.slowTraceMs}`);
    this.#inner = inner;
    this.#policy = policy;
  }

  export(traces: readonly TraceRecord[]): Promise<ExportResult> {
    const kept: TraceRecord[] = [];
    for (const t of traces) {
      if (decideTrace(t, this.#policy) === 'dropped') {
        this.counters.tracesSampledOut += 1;
        this.counters.spansSampledOut += t.spans.length;
      } else {
        this.counters.tracesKept += 1;
        kept.push(t);
      }
    }
    return kept.length === 0 ? Promise.resolve(EXPORT_SUCCESS) : this.#inner.export(kept);
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}
