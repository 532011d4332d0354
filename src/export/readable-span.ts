import {
  type Link,
  type Attributes as OtelAttributes,
  type AttributeValue as OtelAttributeValue,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
} from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import type { Attributes, SpanRecord } from '../model/span-record.js';
import { SCOPE_NAME } from './otlp-json-encoder.js';
import { msToHrTime } from './time.js';

/**
 * One SDK Resource per (service, instance), built once: every span of a component
 * shares it, so the exporter groups them without comparing attribute sets.
 */
export class ResourceCache {
  readonly #extra: Readonly<Record<string, string>>;
  readonly #cache = new Map<string, Resource>();
  readonly #max: number;

  constructor(extraAttributes: Readonly<Record<string, string>> = {}, max = 10_000) {
    this.#extra = extraAttributes;
    this.#max = max;
  }

  /** The resource of `service` (and `instance`, when known). */
  get(service: string, instance: string | undefined): Resource {
    const key = instance === undefined ? service : `${service}\u0000${instance}`;
    let r = this.#cache.get(key);
    if (r === undefined) {
      const attrs: Record<string, string> = { ...this.#extra, 'service.name': service };
      if (instance !== undefined) attrs['service.instance.id'] = instance;
      else delete attrs['service.instance.id'];
      r = resourceFromAttributes(attrs);
      // Instances can churn (pod names); a bound keeps a long run from growing without end.
      if (this.#cache.size >= this.#max) this.#cache.clear();
      this.#cache.set(key, r);
    }
    return r;
  }
}

function toOtelAttributes(attributes: Attributes | undefined): OtelAttributes {
  const out: OtelAttributes = {};
  if (attributes === undefined) return out;
  for (const key in attributes) {
    const v = attributes[key];
    if (v === undefined) continue;
    out[key] = (typeof v === 'object' ? v.slice() : v) satisfies OtelAttributeValue;
  }
  return out;
}

const STATUS = {
  UNSET: SpanStatusCode.UNSET,
  OK: SpanStatusCode.OK,
  ERROR: SpanStatusCode.ERROR,
} as const;

/**
 * A span record as an SDK ReadableSpan, keeping its own ids, times, parent, status,
 * events and links: the core's deterministic ids must reach the backend unchanged.
 */
export function toReadableSpan(
  span: SpanRecord,
  resources: ResourceCache,
  scope: InstrumentationScope,
): ReadableSpan {
  const context: SpanContext = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
  const start = msToHrTime(span.startTime);
  const end = msToHrTime(Math.max(span.endTime, span.startTime));
  const durationMs = Math.max(0, span.endTime - span.startTime);
  const events: TimedEvent[] = span.events.map((e) => ({
    time: msToHrTime(e.time),
    name: e.name,
    attributes: toOtelAttributes(e.attributes),
    droppedAttributesCount: 0,
  }));
  const links: Link[] = span.links.map((l) => ({
    context: { traceId: l.traceId, spanId: l.spanId, traceFlags: TraceFlags.SAMPLED },
    attributes: toOtelAttributes(l.attributes),
  }));
  const readable: ReadableSpan = {
    name: span.name,
    kind: SpanKind.INTERNAL,
    spanContext: () => context,
    startTime: start,
    endTime: end,
    status:
      span.status.message === undefined
        ? { code: STATUS[span.status.code] }
        : { code: STATUS[span.status.code], message: span.status.message },
    attributes: toOtelAttributes(span.attributes),
    links,
    events,
    duration: msToHrTime(durationMs),
    ended: true,
    resource: resources.get(span.service, span.serviceInstance),
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
  if (span.parentSpanId === undefined) return readable;
  return {
    ...readable,
    parentSpanContext: { traceId: span.traceId, spanId: span.parentSpanId, traceFlags: TraceFlags.SAMPLED },
  };
}

/** The scope kubetrail reports its spans under. */
export function kubetrailScope(version: string | undefined): InstrumentationScope {
  return version === undefined ? { name: SCOPE_NAME } : { name: SCOPE_NAME, version };
}
