import type { SpanRecord, TraceRecord } from '../model/span-record.js';

/** Parts held at most, over all traces; beyond it the oldest part is shown as it is. */
export const MAX_HELD_PARTS = 4096;

/** True when `record` hangs under a span it does not carry: a part sent before its trace's root. */
function isPart(record: TraceRecord): boolean {
  const parent = record.root.parentSpanId;
  return record.late !== true && parent !== undefined && !record.spans.some((s) => s.spanId === parent);
}

/** `root`'s record with the spans of `parts` folded in: root first, then by start time. */
function joinParts(root: TraceRecord, parts: readonly TraceRecord[]): TraceRecord {
  const spans = new Map<string, SpanRecord>();
  for (const r of [root, ...parts]) for (const s of r.spans) if (!spans.has(s.spanId)) spans.set(s.spanId, s);
  spans.delete(root.root.spanId);
  const rest = [...spans.values()].sort(
    (a, b) => a.startTime - b.startTime || (a.spanId < b.spanId ? -1 : 1),
  );
  return {
    ...root,
    spans: [root.root, ...rest],
    partial: root.partial || parts.some((p) => p.partial),
    hasError: root.hasError || parts.some((p) => p.hasError),
  };
}

/**
 * Joins the parts of a trace that go out before its root, for exporters that show a
 * trace as one piece (the terminal tree). A drain's evictions settle, and are sent,
 * before the cordon that roots their trace; a backend joins them by ids, a reader of
 * the tree should not have to. A part is held until a record of its trace arrives
 * that carries the span it hangs under, then shown inside it. At most
 * {@link MAX_HELD_PARTS} are held; `release` gives back what is still held (shutdown).
 */
export class TraceParts {
  readonly #held = new Map<string, TraceRecord[]>();
  #count = 0;
  readonly #max: number;

  constructor(max = MAX_HELD_PARTS) {
    this.#max = max;
  }

  /** Parts currently held. */
  get held(): number {
    return this.#count;
  }

  /** What of `records` can be shown now, parts joined into their trace; the rest is held. */
  settle(records: readonly TraceRecord[]): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (const r of records) {
      if (isPart(r)) {
        this.#hold(r, out);
        continue;
      }
      const parts = this.#held.get(r.traceId);
      if (parts === undefined || r.late === true) {
        out.push(r);
        continue;
      }
      this.#held.delete(r.traceId);
      this.#count -= parts.length;
      out.push(joinParts(r, parts));
    }
    return out;
  }

  /** Everything still held, as sent, oldest trace first; nothing is held after. */
  release(): TraceRecord[] {
    const out = [...this.#held.values()].flat();
    this.#held.clear();
    this.#count = 0;
    return out;
  }

  #hold(part: TraceRecord, out: TraceRecord[]): void {
    let parts = this.#held.get(part.traceId);
    if (parts === undefined) {
      parts = [];
      this.#held.set(part.traceId, parts);
    }
    parts.push(part);
    this.#count += 1;
    while (this.#count > this.#max) {
      // Maps iterate in insertion order: the first trace held is the oldest.
      const [traceId, oldest] = this.#held.entries().next().value as [string, TraceRecord[]];
      const first = oldest.shift();
      if (first !== undefined) out.push(first);
      this.#count -= 1;
      if (oldest.length === 0) this.#held.delete(traceId);
    }
  }
}
