/**
 * Decodes an OTLP `ExportTraceServiceRequest` (protobuf bytes, as gRPC carries
 * it) into TapSpans, with protobufjs and the vendored opentelemetry-proto
 * definitions. Results are values: malformed bytes give `{ ok: false }`.
 */
import protobuf from 'protobufjs';
import type { TapAttributeValue, TapSpan } from '../../model/tap-span.js';
import { OTLP_TRACE_DESCRIPTOR } from './otlp-trace-descriptor.js';

/** String attribute values longer than this are cut (a huge value must not be held). */
export const MAX_TAP_ATTRIBUTE_CHARS = 1_024;
/** Attributes kept per span at most. */
export const MAX_TAP_ATTRIBUTES = 64;

const root = protobuf.Root.fromJSON(OTLP_TRACE_DESCRIPTOR as protobuf.INamespace);
const requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');

/** What decoding one request gave. */
export type DecodeResult =
  | { readonly ok: true; readonly spans: readonly TapSpan[] }
  | { readonly ok: false; readonly error: string };

// The decoded message, as protobufjs builds it (keepCase names; absent fields are defaults).
interface LongLike {
  readonly low: number;
  readonly high: number;
  readonly unsigned?: boolean;
}
interface AnyValue {
  /** Which member of the `value` oneof is set. */
  readonly value?: string;
  readonly string_value?: string;
  readonly bool_value?: boolean;
  readonly int_value?: number | LongLike;
  readonly double_value?: number;
}
interface KeyValue {
  readonly key?: string;
  readonly value?: AnyValue | null;
}
interface WireSpan {
  readonly trace_id?: Uint8Array;
  readonly span_id?: Uint8Array;
  readonly parent_span_id?: Uint8Array;
  readonly name?: string;
  readonly start_time_unix_nano?: number | LongLike;
  readonly end_time_unix_nano?: number | LongLike;
  readonly attributes?: readonly KeyValue[];
}
interface WireRequest {
  readonly resource_spans?: readonly {
    readonly resource?: { readonly attributes?: readonly KeyValue[] } | null;
    readonly scope_spans?: readonly { readonly spans?: readonly WireSpan[] }[];
  }[];
}

/** A fixed64 or int64 as a JS number (exact below 2^53; nanoseconds lose only sub-microsecond bits). */
function toNumber(v: number | LongLike | undefined): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return v;
  const high = v.unsigned ? v.high >>> 0 : v.high;
  return high * 4_294_967_296 + (v.low >>> 0);
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined || bytes.length === 0
    ? ''
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');
}

function scalar(v: AnyValue | null | undefined): TapAttributeValue | undefined {
  // protobufjs names the set member of a oneof; the others read as prototype defaults.
  switch (v?.value) {
    case 'string_value': {
      const text = v.string_value ?? '';
      return text.length > MAX_TAP_ATTRIBUTE_CHARS ? text.slice(0, MAX_TAP_ATTRIBUTE_CHARS) : text;
    }
    case 'bool_value':
      return v.bool_value === true;
    case 'int_value':
      return toNumber(v.int_value);
    case 'double_value':
      return v.double_value ?? 0;
    default:
      return undefined;
  }
}

function attributes(kvs: readonly KeyValue[] | undefined): Record<string, TapAttributeValue> {
  const out: Record<string, TapAttributeValue> = {};
  if (kvs === undefined) return out;
  let n = 0;
  for (const kv of kvs) {
    if (n >= MAX_TAP_ATTRIBUTES) break;
    if (typeof kv.key !== 'string' || kv.key.length === 0 || kv.key.length > 256) continue;
    const value = scalar(kv.value);
    if (value === undefined) continue;
    out[kv.key] = value;
    n += 1;
  }
  return out;
}

function serviceName(kvs: readonly KeyValue[] | undefined): string {
  for (const kv of kvs ?? []) {
    if (kv.key === 'service.name') {
      const v = kv.value?.string_value;
      return typeof v === 'string' ? v.slice(0, 256) : '';
    }
  }
  return '';
}

/**
 * Decodes `bytes`. A span with a trace or span id of the wrong length is skipped
 * (counted in `skipped`), as a collector would refuse it; the rest still count.
 */
export function decodeTraceRequest(bytes: Uint8Array): DecodeResult & { readonly skipped?: number } {
  let message: WireRequest;
  try {
    message = requestType.decode(bytes) as unknown as WireRequest;
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const spans: TapSpan[] = [];
  let skipped = 0;
  for (const rs of message.resource_spans ?? []) {
    const service = serviceName(rs.resource?.attributes);
    for (const ss of rs.scope_spans ?? []) {
      for (const s of ss.spans ?? []) {
        const traceId = hex(s.trace_id);
        const spanId = hex(s.span_id);
        if (traceId.length !== 32 || spanId.length !== 16) {
          skipped += 1;
          continue;
        }
        const parent = hex(s.parent_span_id);
        const start = toNumber(s.start_time_unix_nano) / 1e6;
        const end = toNumber(s.end_time_unix_nano) / 1e6;
        spans.push({
          traceId,
          spanId,
          ...(parent.length === 16 ? { parentSpanId: parent } : {}),
          name: (s.name ?? '').slice(0, 256),
          service,
          startTime: start,
          endTime: Math.max(start, end),
          attributes: attributes(s.attributes),
        });
      }
    }
  }
  return skipped > 0 ? { ok: true, spans, skipped } : { ok: true, spans };
}

/** Encodes TapSpans as an ExportTraceServiceRequest: test clients and benchmarks send what the apiserver sends. */
export function encodeTraceRequest(spans: readonly TapSpan[]): Uint8Array {
  const byService = new Map<string, TapSpan[]>();
  for (const s of spans) {
    const list = byService.get(s.service);
    if (list) list.push(s);
    else byService.set(s.service, [s]);
  }
  const kv = (key: string, value: TapAttributeValue) => ({
    key,
    value:
      typeof value === 'string'
        ? { string_value: value }
        : typeof value === 'boolean'
          ? { bool_value: value }
          : Number.isInteger(value)
            ? { int_value: value }
            : { double_value: value },
  });
  const nanos = (ms: number) => BigInt(Math.round(ms * 1e6)).toString();
  const message = {
    resource_spans: [...byService].map(([service, list]) => ({
      resource: { attributes: [kv('service.name', service)] },
      scope_spans: [
        {
          spans: list.map((s) => ({
            trace_id: Buffer.from(s.traceId, 'hex'),
            span_id: Buffer.from(s.spanId, 'hex'),
            ...(s.parentSpanId ? { parent_span_id: Buffer.from(s.parentSpanId, 'hex') } : {}),
            name: s.name,
            kind: 2,
            start_time_unix_nano: nanos(s.startTime),
            end_time_unix_nano: nanos(s.endTime),
            attributes: Object.entries(s.attributes).map(([k, v]) => kv(k, v)),
          })),
        },
      ],
    })),
  };
  return requestType.encode(requestType.fromObject(message)).finish();
}
