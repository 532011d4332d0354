export { createSink, type ExporterName, type SinkHandle, type SinkOptions } from './create-sink.js';
export { ExportError, type ExportErrorCode } from './export-error.js';
export { JsonSink, type JsonSinkOptions } from './json-sink.js';
export { fileOrStdoutWriter, MemoryWriter, streamWriter, type TextWriter } from './line-writer.js';
export {
  createOtlpTraceExporter,
  type OtlpConnectionOptions,
  resolveOtlpTarget,
} from './otlp-exporter-factory.js';
export {
  encodeAnyValue,
  OtlpJsonEncoder,
  type OtlpJsonEncoderOptions,
  SCOPE_NAME,
} from './otlp-json-encoder.js';
export { OtlpSink, type OtlpSinkOptions } from './otlp-sink.js';
export { type ProblemLogger, RateLimitedReporter } from './rate-limited-reporter.js';
export { kubetrailScope, ResourceCache, toReadableSpan } from './readable-span.js';
export { type SamplingCounters, SamplingSink } from './sampling-sink.js';
export {
  COMPONENT_ATTRIBUTE,
  COMPONENT_INSTANCE_ATTRIBUTE,
  foldSpan,
  foldTrace,
  ServiceFoldingSink,
} from './service-fold.js';
export { TextSink, type TraceRenderer } from './text-sink.js';
export { msToHrTime, msToNanosString } from './time.js';
export { MAX_HELD_PARTS, TraceParts } from './trace-parts.js';
export {
  decideTrace,
  ratioKeeps,
  type SamplingDecision,
  type SamplingPolicy,
  traceDurationMs,
} from './trace-sampler.js';
export {
  EXPORT_SUCCESS,
  type ExportResult,
  ExportResultCode,
  exportFailed,
  newSinkCounters,
  type SinkCounters,
  type TraceSink,
} from './trace-sink.js';
export { formatDuration, renderTraceTree, type TreeRenderOptions } from './tree-renderer.js';
export { TreeSink, type TreeSinkOptions, wantsColor } from './tree-sink.js';
