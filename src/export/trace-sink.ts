import type { TraceRecord } from '../model/span-record.js';

/** Whether an export call did what it was asked, as a value rather than an exception. */
export const ExportResultCode = { SUCCESS: 0, FAILED: 1 } as const;

/** The numeric code of an {@link ExportResult}. */
export type ExportResultCode = (typeof ExportResultCode)[keyof typeof ExportResultCode];

/** The outcome of one {@link TraceSink.export} call; `error` explains a failure. */
export interface ExportResult {
  readonly code: ExportResultCode;
  readonly error?: Error;
}

/** The successful result, shared because it carries nothing. */
export const EXPORT_SUCCESS: ExportResult = Object.freeze({ code: ExportResultCode.SUCCESS });

/** Builds a failed result around `error`. */
export function exportFailed(error: Error): ExportResult {
  return { code: ExportResultCode.FAILED, error };
}

/**
 * Where finished traces go: the terminal, a JSON Lines file, or an OTLP backend.
 * Sinks never throw from `export`; problems come back as results and counters.
 */
export interface TraceSink {
  /** Hands a batch of settled traces to the sink. */
  export(traces: readonly TraceRecord[]): Promise<ExportResult>;
  /** Pushes out whatever the sink still buffers. */
  forceFlush(): Promise<void>;
  /** Flushes, then releases files, timers and connections; later exports fail. */
  shutdown(): Promise<void>;
}

/** Counters a sink keeps for `/metrics`; every field only grows. */
export interface SinkCounters {
  /** Spans the backend acknowledged (or that were written). */
  spansExported: number;
  /** Spans thrown away: queue full, backend failure, or after shutdown. */
  spansDropped: number;
  /** Export calls to the backend that failed. */
  exportErrors: number;
}

/** A fresh set of zeroed counters. */
export function newSinkCounters(): SinkCounters {
  return { spansExported: 0, spansDropped: 0, exportErrors: 0 };
}
