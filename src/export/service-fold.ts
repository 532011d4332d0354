import type { AttributeValue, SpanRecord, TraceRecord } from '../model/span-record.js';
import type { ExportResult, TraceSink } from './trace-sink.js';

/** The attribute that keeps the acting component when services are folded. */
export const COMPONENT_ATTRIBUTE = 'kubetrail.component';
/** The attribute that keeps the component's instance when services are folded. */
export const COMPONENT_INSTANCE_ATTRIBUTE = 'kubetrail.component.instance';

/** `span` under the one service `serviceName`, its component kept as attributes. */
export function foldSpan(span: SpanRecord, serviceName: string): SpanRecord {
  const attributes: Record<string, AttributeValue> = {
    ...span.attributes,
    [COMPONENT_ATTRIBUTE]: span.service,
  };
  if (span.serviceInstance !== undefined) attributes[COMPONENT_INSTANCE_ATTRIBUTE] = span.serviceInstance;
  const { serviceInstance: _dropped, ...rest } = span;
  return { ...rest, service: serviceName, attributes };
}

/** Every span of `trace` under `serviceName`. */
export function foldTrace(trace: TraceRecord, serviceName: string): TraceRecord {
  const spans = trace.spans.map((s) => foldSpan(s, serviceName));
  const rootIndex = trace.spans.indexOf(trace.root);
  const root = spans[rootIndex] ?? foldSpan(trace.root, serviceName);
  return { ...trace, root, spans };
}

/** Decorates a sink so that every span arrives under one service name, for backends that dislike many. */
export class ServiceFoldingSink implements TraceSink {
  readonly #inner: TraceSink;
  readonly #serviceName: string;
  constructor(inner: TraceSink, serviceName: string) {
    if (serviceName === '') throw new TypeError('serviceName must not be empty');
    this.#inner = inner;
    this.#serviceName = serviceName;
  }
  export(traces: readonly TraceRecord[]): Promise<ExportResult> {
    return this.#inner.export(traces.map((t) => foldTrace(t, this.#serviceName)));
  }
  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.#inner.shutdown();
  }
}
