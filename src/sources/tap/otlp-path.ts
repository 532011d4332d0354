/** The gRPC method every OTLP trace exporter calls. */
export const OTLP_TRACE_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** An empty ExportTraceServiceResponse: full success. */
export const EMPTY_EXPORT_RESPONSE: Buffer = Buffer.alloc(0);
