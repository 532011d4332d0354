import type { TapAttributeValue, TapSpan } from '../../model/tap-span.js';
import { isPlausibleStamp } from '../../normalise/plausible-time.js';

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/**
 * Narrows the `spans` of a recording's `"type":"SPANS"` line (received tap
 * spans, as TapSpan JSON); a string says what is wrong. Span times must be
 * plausible for `observedAt`, the line's own time (see isPlausibleStamp): a
 * request span in the year 9999 (or Infinity) would match every intent.
 */
export function narrowTapSpans(value: unknown, observedAt?: number): TapSpan[] | string {
  if (!Array.isArray(value)) return '"spans" must be an array';
  const out: TapSpan[] = [];
  for (let i = 0; i < value.length; i++) {
    const s: unknown = value[i];
    if (typeof s !== 'object' || s === null) return `spans[${i}] must be an object`;
    const o = s as Readonly<Record<string, unknown>>;
    if (typeof o.traceId !== 'string' || !HEX32.test(o.traceId))
      return `spans[${i}].traceId must be 32 hex digits`;
    if (typeof o.spanId !== 'string' || !HEX16.test(o.spanId))
      return `spans[${i}].spanId must be 16 hex digits`;
    if (o.parentSpanId !== undefined && (typeof o.parentSpanId !== 'string' || !HEX16.test(o.parentSpanId)))
      return `spans[${i}].parentSpanId must be 16 hex digits`;
    if (typeof o.name !== 'string' || typeof o.service !== 'string')
      return `spans[${i}] needs string "name" and "service"`;
    if (typeof o.startTime !== 'number' || typeof o.endTime !== 'number' || !(o.endTime >= o.startTime))
      return `spans[${i}] needs numeric "startTime" <= "endTime"`;
    if (!isPlausibleStamp(o.startTime, observedAt) || !isPlausibleStamp(o.endTime, observedAt))
      return `spans[${i}] has a time outside the plausible window (2014-06-06 to a day after the line's "time")`;
    if (typeof o.attributes !== 'object' || o.attributes === null || Array.isArray(o.attributes))
      return `spans[${i}].attributes must be an object`;
    const attributes: Record<string, TapAttributeValue> = {};
    for (const [k, v] of Object.entries(o.attributes)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attributes[k] = v;
    }
    out.push({
      traceId: o.traceId,
      spanId: o.spanId,
      ...(typeof o.parentSpanId === 'string' ? { parentSpanId: o.parentSpanId } : {}),
      name: o.name,
      service: o.service,
      startTime: o.startTime,
      endTime: o.endTime,
      attributes,
    });
  }
  return out;
}
