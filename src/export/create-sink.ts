import { JsonSink } from './json-sink.js';
import { fileOrStdoutWriter, type TextWriter } from './line-writer.js';
import { createOtlpTraceExporter, type OtlpConnectionOptions } from './otlp-exporter-factory.js';
import { OtlpSink } from './otlp-sink.js';
import type { ProblemLogger } from './rate-limited-reporter.js';
import { type SamplingCounters, SamplingSink } from './sampling-sink.js';
import { ServiceFoldingSink } from './service-fold.js';
import type { SamplingPolicy } from './trace-sampler.js';
import { newSinkCounters, type SinkCounters, type TraceSink } from './trace-sink.js';
import { TreeSink, wantsColor } from './tree-sink.js';

/** The exporters kubetrail has. */
export type ExporterName = 'otlp' | 'json' | 'tree';

/** Everything {@link createSink} needs, already validated by the config layer. */
export interface SinkOptions {
  readonly exporter: ExporterName;
  /** File for `json` and `tree`; stdout when unset or `-`. */
  readonly output?: string;
  readonly connection?: OtlpConnectionOptions;
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** Fold every span under this one service name. */
  readonly serviceName?: string;
  readonly sampling?: SamplingPolicy;
  readonly maxQueueSize?: number;
  /** OTLP: wait for room in a full queue instead of dropping (replay's back-pressure). */
  readonly waitWhenFull?: boolean;
  readonly scopeVersion?: string;
  readonly log?: ProblemLogger;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Injected output for tests; otherwise `output` decides. */
  readonly writer?: TextWriter;
}

/** A ready sink, and a live view of its counters. */
export interface SinkHandle {
  readonly sink: TraceSink;
  /** Current counters (export side and sampling). */
  counters(): SinkCounters & SamplingCounters & { readonly queued: number };
}

/** Builds the configured exporter, wrapped in service folding and sampling as asked. */
export function createSink(o: SinkOptions): SinkHandle {
  let base: TraceSink & { readonly counters: SinkCounters };
  let queued = (): number => 0;
  switch (o.exporter) {
    case 'tree': {
      const toStdout = o.output === undefined || o.output === '-';
      base = new TreeSink({
        writer: o.writer ?? fileOrStdoutWriter(o.output),
        color: o.writer === undefined && toStdout && wantsColor(process.stdout, o.env ?? process.env),
      });
      break;
    }
    case 'json':
      base = new JsonSink({
        writer: o.writer ?? fileOrStdoutWriter(o.output),
        ...(o.resourceAttributes === undefined ? {} : { resourceAttributes: o.resourceAttributes }),
        ...(o.scopeVersion === undefined ? {} : { scopeVersion: o.scopeVersion }),
      });
      break;
    case 'otlp': {
      const otlp = new OtlpSink({
        exporter: createOtlpTraceExporter(o.connection ?? {}),
        ...(o.resourceAttributes === undefined ? {} : { resourceAttributes: o.resourceAttributes }),
        ...(o.maxQueueSize === undefined ? {} : { maxQueueSize: o.maxQueueSize }),
        ...(o.waitWhenFull === undefined ? {} : { waitWhenFull: o.waitWhenFull }),
        ...(o.scopeVersion === undefined ? {} : { scopeVersion: o.scopeVersion }),
        ...(o.log === undefined ? {} : { log: o.log }),
      });
      queued = () => otlp.queued;
      base = otlp;
      break;
    }
  }
  let sink: TraceSink = base;
  if (o.serviceName !== undefined) sink = new ServiceFoldingSink(sink, o.serviceName);
  let sampling: SamplingSink | undefined;
  if (o.sampling !== undefined) {
    sampling = new SamplingSink(sink, o.sampling);
    sink = sampling;
  }
  const exportCounters = base.counters;
  return {
    sink,
    counters: () => ({
      ...newSinkCounters(),
      ...exportCounters,
      ...(sampling?.counters ?? { tracesKept: 0, tracesSampledOut: 0, spansSampledOut: 0 }),
      queued: queued(),
    }),
  };
}
