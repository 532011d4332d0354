import type { Attributes, AttributeValue, SpanRecord, TraceRecord } from '../model/span-record.js';
import { msToNanosString } from './time.js';

/** The instrumentation scope every kubetrail span is reported under. */
export const SCOPE_NAME = 'kubetrail';

/** Options of {@link OtlpJsonEncoder}. */
export interface OtlpJsonEncoderOptions {
  /** Extra resource attributes on every group, e.g. from OTEL_RESOURCE_ATTRIBUTES; `service.*` from the span wins. */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** Version reported in the scope. */
  readonly scopeVersion?: string;
}

const STATUS_CODE = { UNSET: 0, OK: 1, ERROR: 2 } as const;
/** SPAN_KIND_INTERNAL: kubetrail observes, it neither serves nor calls. */
const KIND_INTERNAL = 1;

/**
 * Encodes span records as OTLP-JSON, the OpenTelemetry Collector file exporter's format.
 * Hand-rolled string building: it sits in the replay hot path, and a generic
 * object-then-JSON.stringify pass costs twice the allocations.
 */
export class OtlpJsonEncoder {
  readonly #resourceExtra: string;
  readonly #scope: string;
  /** JSON prefixes of attribute keys seen before: `{"key":"k8s.pod.name","value":`. */
  readonly #keyPrefix = new Map<string, string>();

  constructor(options: OtlpJsonEncoderOptions = {}) {
    let extra = '';
    for (const [k, v] of Object.entries(options.resourceAttributes ?? {})) {
      if (k === 'service.name' || k === 'service.instance.id') continue;
      extra += `,{"key":${JSON.stringify(k)},"value":{"stringValue":${JSON.stringify(v)}}}`;
    }
    this.#resourceExtra = extra;
    this.#scope =
      options.scopeVersion === undefined
        ? `{"name":"${SCOPE_NAME}"}`
        : `{"name":"${SCOPE_NAME}","version":${JSON.stringify(options.scopeVersion)}}`;
  }

  /**
   * One `{"resourceSpans":[…]}` document, without a newline, for all spans of `traces`;
   * spans are grouped by (service, instance), groups in order of first appearance.
   * Returns the empty string when there are no spans.
   */
  encodeTraces(traces: readonly TraceRecord[]): string {
    const groups = new SpanGroups();
    for (const trace of traces) {
      for (const span of trace.spans) groups.add(span, this.encodeSpan(span));
    }
    return this.#finish(groups.ordered);
  }

  /** Like {@link encodeTraces} for a flat list of spans. */
  encodeSpans(spans: readonly SpanRecord[]): string {
    const groups = new SpanGroups();
    for (const span of spans) groups.add(span, this.encodeSpan(span));
    return this.#finish(groups.ordered);
  }

  #finish(groups: readonly SpanGroup[]): string {
    if (groups.length === 0) return '';
    let out = '{"resourceSpans":[';
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g];
      if (group === undefined) continue;
      const head = group.head;
      if (g > 0) out += ',';
      out += `{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":${JSON.stringify(head.service)}}}`;
      if (head.serviceInstance !== undefined) {
        out += `,{"key":"service.instance.id","value":{"stringValue":${JSON.stringify(head.serviceInstance)}}}`;
      }
      out += `${this.#resourceExtra}]},"scopeSpans":[{"scope":${this.#scope},"spans":[${group.spans}]}]}`;
    }
    return `${out}]}`;
  }

  /** One span as an OTLP-JSON object. */
  encodeSpan(span: SpanRecord): string {
    let out = `{"traceId":"${span.traceId}","spanId":"${span.spanId}"`;
    if (span.parentSpanId !== undefined) out += `,"parentSpanId":"${span.parentSpanId}"`;
    out += `,"name":${quote(span.name)},"kind":${KIND_INTERNAL},"startTimeUnixNano":"${nanos(span.startTime)}","endTimeUnixNano":"${nanos(span.endTime)}","attributes":${this.#attributes(span.attributes)}`;
    if (span.events.length > 0) {
      out += ',"events":[';
      for (let i = 0; i < span.events.length; i++) {
        const e = span.events[i];
        if (e === undefined) continue;
        if (i > 0) out += ',';
        out += `{"timeUnixNano":"${nanos(e.time)}","name":${JSON.stringify(e.name)}`;
        if (e.attributes !== undefined) out += `,"attributes":${this.#attributes(e.attributes)}`;
        out += '}';
      }
      out += ']';
    }
    if (span.links.length > 0) {
      out += ',"links":[';
      for (let i = 0; i < span.links.length; i++) {
        const l = span.links[i];
        if (l === undefined) continue;
        if (i > 0) out += ',';
        out += `{"traceId":"${l.traceId}","spanId":"${l.spanId}"`;
        if (l.attributes !== undefined) out += `,"attributes":${this.#attributes(l.attributes)}`;
        out += '}';
      }
      out += ']';
    }
    out += `,"status":{"code":${STATUS_CODE[span.status.code]}`;
    if (span.status.message !== undefined) out += `,"message":${JSON.stringify(span.status.message)}`;
    return `${out}}}`;
  }

  #attributes(attributes: Attributes): string {
    let out = '[';
    let first = true;
    for (const key in attributes) {
      const value = attributes[key];
      if (value === undefined) continue;
      let prefix = this.#keyPrefix.get(key);
      if (prefix === undefined) {
        prefix = `{"key":${JSON.stringify(key)},"value":`;
        if (this.#keyPrefix.size < 4096) this.#keyPrefix.set(key, prefix);
      }
      out += `${first ? '' : ','}${prefix}${encodeAnyValue(value)}}`;
      first = false;
    }
    return `${out}]`;
  }
}

/** The spans of one (service, instance) resource, already encoded and comma-joined. */
interface SpanGroup {
  readonly head: SpanRecord;
  spans: string;
}

/**
 * Spans grouped by (service, instance), groups in order of first appearance.
 * Nested by service then instance, so no key string is built per span; each
 * group's spans are appended as they come, with no array to join.
 */
class SpanGroups {
  readonly ordered: SpanGroup[] = [];
  readonly #byService = new Map<string, Map<string | undefined, SpanGroup>>();

  add(span: SpanRecord, encoded: string): void {
    let instances = this.#byService.get(span.service);
    if (instances === undefined) {
      instances = new Map();
      this.#byService.set(span.service, instances);
    }
    const group = instances.get(span.serviceInstance);
    if (group === undefined) {
      const created: SpanGroup = { head: span, spans: encoded };
      instances.set(span.serviceInstance, created);
      this.ordered.push(created);
    } else group.spans += `,${encoded}`;
  }
}

/** Characters JSON.stringify would escape (quotes, backslash, controls) or check (surrogates). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000–U+001F are exactly what JSON must escape.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as a JSON string literal; most need no escaping, and a test is cheaper than JSON.stringify. */
function quote(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/** Nanoseconds as a decimal string; whole milliseconds (nearly every span time) need no float splitting. */
function nanos(ms: number): string {
  return Number.isSafeInteger(ms) && ms > 0 ? `${ms}000000` : msToNanosString(ms);
}

/** An attribute value as an OTLP-JSON AnyValue; int64 goes as a string, as protobuf JSON does. */
export function encodeAnyValue(value: AttributeValue): string {
  switch (typeof value) {
    case 'string':
      return `{"stringValue":${quote(value)}}`;
    case 'boolean':
      return value ? '{"boolValue":true}' : '{"boolValue":false}';
    case 'number':
      if (Number.isSafeInteger(value)) return `{"intValue":"${value}"}`;
      return Number.isFinite(value) ? `{"doubleValue":${value}}` : `{"stringValue":"${value}"}`;
    default: {
      let out = '{"arrayValue":{"values":[';
      for (let i = 0; i < value.length; i++) {
        out += `${i > 0 ? ',' : ''}{"stringValue":${JSON.stringify(value[i])}}`;
      }
      return `${out}]}}`;
    }
  }
}
