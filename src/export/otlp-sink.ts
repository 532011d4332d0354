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
  /**
   * When the queue is full, `export` waits for room instead of dropping: back-pressure
   * for a caller that can slow down (replay). Live cannot stop the cluster, so it drops.
   * @default false
   */
  readonly waitWhenFull?: boolean;
  /**
   * Export calls in flight at most, also while flushing at shutdown. The OTLP
   * exporter fails every call beyond its own limit (30).
   * @default 4
   */
  readonly maxConcurrentExports?: number;
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
  readonly #exporter: SpanExporter;
  readonly #resources: ResourceCache;
  readonly #scope;
  readonly #maxQueue: number;
  readonly #reporter: RateLimitedReporter;
  /** Spans handed to the processor whose export has not finished yet. */
  #pending = 0;
  readonly #waitWhenFull: boolean;
  readonly #maxConcurrent: number;
  /** Export calls in flight to the backend. */
  #inFlight = 0;
  /** Batches waiting for an export slot. */
  readonly #waiting: (() => void)[] = [];
  /** Callers of `export` waiting for room in the queue. */
  #roomWaiters: (() => void)[] = [];
  /** Resolvers waiting for every export to finish. */
  #idleWaiters: (() => void)[] = [];
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
    this.#exporter = options.exporter;
    const maxConcurrent = options.maxConcurrentExports ?? 4;
    if (!Number.isSafeInteger(maxConcurrent) || maxConcurrent < 1 || maxConcurrent > 30) {
      throw new TypeError(`maxConcurrentExports must be an integer from 1 to 30, got ${maxConcurrent}`);
    }
    this.#maxConcurrent = maxConcurrent;
    this.#waitWhenFull = options.waitWhenFull ?? false;
    this.#resources = new ResourceCache(options.resourceAttributes ?? {});
    this.#scope = kubetrailScope(options.scopeVersion);
    this.#reporter = new RateLimitedReporter(
      options.log ?? (() => undefined),
      options.logIntervalMs ?? 60_000,
      options.now ?? Date.now,
    );
    const counting: SpanExporter = {
      export: (spans, done) => this.#exportBatch(options.exporter, spans, done),
      // Closed by this sink once every batch has finished, not by the processor (see #doShutdown).
      shutdown: () => Promise.resolve(),
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

  /**
   * Runs one batch's export when a slot is free. The processor's flush at shutdown
   * starts every batch at once (297 batches for a large queue), far beyond what the
   * exporter accepts; here they wait their turn instead of failing.
   */
  #exportBatch(exporter: SpanExporter, spans: ReadableSpan[], done: (r: SdkExportResult) => void): void {
    const start = (): void => {
      this.#inFlight += 1;
      this.#sendBatch(exporter, spans, (result) => {
        this.#inFlight -= 1;
        const next = this.#waiting.shift();
        if (next !== undefined) next();
        else if (this.#inFlight === 0) this.#wake('idle');
        done(result);
      });
    };
    if (this.#inFlight < this.#maxConcurrent) start();
    else this.#waiting.push(start);
  }

  #wake(which: 'room' | 'idle'): void {
    const waiters = which === 'room' ? this.#roomWaiters : this.#idleWaiters;
    if (waiters.length === 0) return;
    if (which === 'room') this.#roomWaiters = [];
    else this.#idleWaiters = [];
    for (const w of waiters) w();
  }

  #sendBatch(exporter: SpanExporter, spans: ReadableSpan[], done: (r: SdkExportResult) => void): void {
    let settled = false;
    const finish = (result: SdkExportResult): void => {
      if (settled) return;
      settled = true;
      this.#pending -= spans.length;
      this.#wake('room');
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
    if (this.#waitWhenFull) return this.#exportWaiting(traces);
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
    return Promise.resolve(this.#dropped(dropped));
  }

  /** As export, but waiting for room in the queue rather than dropping. */
  async #exportWaiting(traces: readonly TraceRecord[]): Promise<ExportResult> {
    let dropped = 0;
    for (const trace of traces) {
      for (const span of trace.spans) {
        while (!this.#closed && this.#pending >= this.#maxQueue) {
          await new Promise<void>((resolve) => this.#roomWaiters.push(resolve));
        }
        if (this.#closed) {
          dropped += 1;
          continue;
        }
        this.#pending += 1;
        this.#processor.onEnd(toReadableSpan(span, this.#resources, this.#scope));
      }
    }
    return this.#dropped(dropped);
  }

  /** Counts and reports `dropped` spans of one export call; the call's result. */
  #dropped(dropped: number): ExportResult {
    if (dropped === 0) return EXPORT_SUCCESS;
    this.counters.spansDropped += dropped;
    if (this.#closed) {
      this.#reporter.report('OTLP sink is shut down; spans dropped', {
        dropped,
        spansDropped: this.counters.spansDropped,
      });
      return exportFailed(new ExportError('ERR_EXPORT_SHUTDOWN', 'OTLP sink is shut down'));
    }
    this.#reporter.report('OTLP export queue full; spans dropped', {
      dropped,
      spansDropped: this.counters.spansDropped,
      maxQueueSize: this.#maxQueue,
    });
    return exportFailed(
      new ExportError(
        'ERR_EXPORT_QUEUE_FULL',
        `export queue full (${this.#maxQueue}); ${dropped} spans dropped`,
      ),
    );
  }

  /** Resolves when no export is in flight or waiting for a slot. */
  #whenIdle(): Promise<void> {
    if (this.#inFlight === 0 && this.#waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async forceFlush(): Promise<void> {
    try {
      await this.#processor.forceFlush();
    } catch {
      // Already counted and reported by the export callback; flushing must not throw.
    }
    // The processor gives up waiting on a batch after its timeout; the batch still counts.
    await this.#whenIdle();
  }

  /** Flushes everything queued, within the concurrency limit, then closes the exporter. Once. */
  shutdown(): Promise<void> {
    this.#shutdown ??= this.#doShutdown();
    return this.#shutdown;
  }

  #shutdown: Promise<void> | undefined;

  async #doShutdown(): Promise<void> {
    // Flush first: callers waiting for room still get their spans in.
    await this.forceFlush();
    this.#closed = true;
    this.#wake('room');
    try {
      await this.#processor.shutdown();
    } catch {
      // As for forceFlush: the failure is counted, and shutdown has to finish.
    }
    await this.#whenIdle();
    try {
      await this.#exporter.shutdown();
    } catch {
      // Nothing is left to send; closing the channel must not fail shutdown.
    }
  }
}
