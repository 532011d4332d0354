import type { SpanRecord } from '../model/span-record.js';

/**
 * A cause starts no later than what it caused. A span timed by a refined
 * stamp (a Pod's creation, a scaling step's write: the second the apiserver
 * wrote, refined by the delta that showed it) or by an observation (an object
 * deleted with no deletion request, whose DELETED is its only time) can come
 * out after its child when the child's time is exact (a `Scheduled` Event's
 * microsecond `eventTime`) or was converted from a delta delivered sooner.
 * Each span in `movable` (span id → the earliest it may start: its stamp's
 * second, where the write was made; −∞ for an observation, which only bounds
 * it from above) starts at its earliest child's start instead, never before
 * that nor before the root (`spans[0]`, which the rendering already keeps
 * first); its end stays. The children are settled first, so a lowered span
 * can lower its own parent. Replaces the changed spans in `spans`, in place.
 */
export function startCausesFirst(spans: SpanRecord[], movable: ReadonlyMap<string, number>): void {
  const root = spans[0];
  if (root === undefined || movable.size === 0) return;
  const children = new Map<string, number[]>();
  for (let i = 1; i < spans.length; i++) {
    const parent = spans[i]?.parentSpanId;
    if (parent === undefined) continue;
    const list = children.get(parent);
    if (list === undefined) children.set(parent, [i]);
    else list.push(i);
  }
  const settle = (i: number): number => {
    const span = spans[i] as SpanRecord;
    let first = Number.POSITIVE_INFINITY;
    for (const c of children.get(span.spanId) ?? []) {
      const start = settle(c);
      if (start < first) first = start;
    }
    const floor = i === 0 || first >= span.startTime ? undefined : movable.get(span.spanId);
    if (floor === undefined) return span.startTime;
    const start = Math.max(first, floor, root.startTime);
    if (start >= span.startTime) return span.startTime;
    spans[i] = { ...span, startTime: start };
    return start;
  };
  settle(0);
}
