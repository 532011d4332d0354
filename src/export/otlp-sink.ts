import {
  type ExportResult as SdkExportResult,
  ExportResultCode as SdkExportResultCode,
} from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TraceRecord } from '../model/span-record.js';
import { ExportError } from './export-error.js';
import { type ProblemLogger, RateLimitedReporter } from './rate-limited-reporter.js';
import { kubetrailScope, ResourceCache, toReadableSpan } from './readable-span.js';
import {
  EXPORT_SUCCESS,
  type ExportResult,
  exportFailed,
  newSinkCounters,
  type SinkCounters,
  type TraceSink,
} from './trace-sink.js';

/** Options of {@link OtlpSink}. */
export interface OtlpSinkOptions {
  /** The SDK exporter: OTLPTraceExporter in production, InMemorySpanExporter in tests. */
  readonly exporter: SpanExporter;
  /** Resource attributes on every span (OTEL_RESOURCE_ATTRIBUTES, k8s.cluster.name); `service.*` from the span wins. */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** Spans waiting for or in export at most; beyond it new spans are dropped and counted. */
  readonly maxQueueSize?: number;
  readonly maxExportBatchSize?: number;
  readonly scheduledDelayMillis?: number;
  readonly exportTimeoutMillis?: number;
  readonly scopeVersion?: string;
  /** Receives the rate-limited problem lines. */
  readonly log?: ProblemLogger;
  /** At most one problem line per this many milliseconds. */
  readonly logIntervalMs?: number;
  readonly now?: () => number;
}

/**
 * Ships span records through the SDK's BatchSpanProcessor to an OTLP exporter.
 *
 * A bounded count in front of the processor makes the queue bound exact and the drops
 * countable (the processor's own drop count is private). When the backend is down,
 * exports fail, spans are dropped and counted, one line a minute is logged, and the
 * gRPC channel reconnects by itself, so the next batch after recovery goes through.
 */
export class OtlpSink implements TraceSink {
  readonly #processor: BatchSpanProcessor;
  readonly #resources: ResourceCache;
  readonly #scope;
  readonly #maxQueue: number;
  readonly #reporter: RateLimitedReporter;
  /** Spans handed to the processor whose export has not finished yet. */
  #pending = 0;
  #failing = false;
  #closed = false;
  /** Counters for `/metrics`. */
  readonly counters: SinkCounters = newSinkCounters();

  constructor(options: OtlpSinkOptions) {
    const maxQueue = options.maxQueueSize ?? 8192;
    if (!Number.isSafeInteger(maxQueue) || maxQueue < 1) {
      throw new TypeError(`maxQueueSize must be a positive integer, got ${maxQueue}`);
    }
    this.#maxQueue = maxQueue;
    this.#resources = new ResourceCache(options.resourceAttributes ?? {});
    this.#scope = kubetrailScope(options.scopeVersion);
    this.#reporter = new RateLimitedReporter(
      options.log ?? (() => undefined),
      options.logIntervalMs ?? 60_000,
      options.now ?? Date.now,
    );
    const counting: SpanExporter = {
      export: (spans, done) => this.#exportBatch(options.exporter, spans, done),
      shutdown: () => options.exporter.shutdown(),
      forceFlush: () => options.exporter.forceFlush?.() ?? Promise.resolve(),
    };
    this.#processor = new BatchSpanProcessor(counting, {
      // The processor never drops by itself: the count in front is tighter.
      maxQueueSize: maxQueue,
      maxExportBatchSize: Math.min(options.maxExportBatchSize ?? 512, maxQueue),
      scheduledDelayMillis: options.scheduledDelayMillis ?? 1000,
      exportTimeoutMillis: options.exportTimeoutMillis ?? 30_000,
    });
  }

  /** Spans queued or in flight now, for the buffer-size gauge. */
  get queued(): number {
    return this.#pending;
  }

  #exportBatch(exporter: SpanExporter, spans: ReadableSpan[], done: (r: SdkExportResult) => void): void {
    let settled = false;
    const finish = (result: SdkExportResult): void => {
      if (settled) return;
      settled = true;
      this.#pending -= spans.length;
      if (result.code === SdkExportResultCode.SUCCESS) {
        this.counters.spansExported += spans.length;
        if (this.#failing) {
          this.#failing = false;
          this.#reporter.always('OTLP export recovered', { spans: spans.length });
        }
      } else {
        this.counters.exportErrors += 1;
        this.counters.spansDropped += spans.length;
        this.#failing = true;
        this.#reporter.report('OTLP export failing; spans dropped', {
          error: result.error?.message ?? 'unknown error',
          spansDropped: this.counters.spansDropped,
          exportErrors: this.counters.exportErrors,
        });
      }
      done(result);
    };
    try {
      exporter.export(spans, finish);
    } catch (e) {
      finish({ code: SdkExportResultCode.FAILED, error: e instanceof Error ? e : new Error(String(e)) });
    }
  }

  export(traces: readonly TraceRecord[]): Promise<ExportResult> {
    let dropped = 0;
    for (const trace of traces) {
      for (const span of trace.spans) {
        if (this.#closed || this.#pending >= this.#maxQueue) {
          dropped += 1;
          continue;
        }
        this.#pending += 1;
        this.#processor.onEnd(toReadableSpan(span, this.#resources, this.#scope));
      }
    }
    if (dropped === 0) return Promise.resolve(EXPORT_SUCCESS);
    this.counters.spansDropped += dropped;
    if (this.#closed) {
      return Promise.resolve(exportFailed(new ExportError('ERR_EXPORT_SHUTDOWN', 'OTLP sink is shut down')));
    }
    this.#reporter.report('OTLP export queue full; spans dropped', {
      dropped,
      spansDropped: this.counters.spansDropped,
      maxQueueSize: this.#maxQueue,
    });
    return Promise.resolve(
      exportFailed(
        new ExportError(
          'ERR_EXPORT_QUEUE_FULL',
          `export queue full (${this.#maxQueue}); ${dropped} spans dropped`,
        ),
      ),
    );
  }

  async forceFlush(): Promise<void> {
    try {
      await this.#processor.forceFlush();
    } catch {
      // Already counted and reported by the export callback; flushing must not throw.
    }
  }

  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#processor.shutdown();
    } catch {
      // As for forceFlush: the failure is counted, and shutdown has to finish.
    }
  }
}
