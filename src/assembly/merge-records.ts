import type { SpanRecord, TraceRecord } from '../model/span-record.js';

/** One trace with its late records folded in. */
export interface MergedTrace {
  readonly traceId: string;
  readonly root: SpanRecord;
  /** Root first, then by start time; one entry per span id. */
  readonly spans: readonly SpanRecord[];
  /** The end reason of the first record. */
  readonly end: TraceRecord['end'];
  readonly records: number;
}

/**
 * Folds late records into their first record, by trace id, keeping first-emission order.
 * The trace's root is the first record's, or, when that one hangs under another span (an
 * eviction in its drain's trace), the root of the record that has none.
 */
export function mergeTraceRecords(records: Iterable<TraceRecord>): MergedTrace[] {
  const byId = new Map<string, { first: TraceRecord; spans: Map<string, SpanRecord>; records: number }>();
  for (const r of records) {
    let entry = byId.get(r.traceId);
    if (entry === undefined) {
      entry = { first: r, spans: new Map([[r.root.spanId, r.root]]), records: 0 };
      byId.set(r.traceId, entry);
    } else if (entry.first.root.parentSpanId !== undefined && r.root.parentSpanId === undefined) {
      // A drain's evictions go out before the cordon's root, which is the trace's.
      entry.first = r;
      entry.spans.set(r.root.spanId, r.root);
    }
    entry.records += 1;
    for (const s of r.spans) if (!entry.spans.has(s.spanId)) entry.spans.set(s.spanId, s);
  }
  const out: MergedTrace[] = [];
  for (const { first, spans, records: count } of byId.values()) {
    const root = first.root;
    const rest = [...spans.values()].filter((s) => s.spanId !== root.spanId);
    rest.sort((a, b) => a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : 1));
    out.push({ traceId: first.traceId, root, spans: [root, ...rest], end: first.end, records: count });
  }
  return out;
}
