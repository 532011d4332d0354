/** Jaeger UI's trace page: its address, and a window tall enough to show every row it opens with. */
import type { ShownTrace } from './shot.js';

// Measured on Jaeger UI v1.76.0 at 1600 px wide: the first span row starts at
// 252 px, each row is 28 px.
/** Height of the page above the first span row (header, minimap, timeline ruler), in CSS pixels. */
const ABOVE_ROWS_PX = 256;
/** Height of one span row. */
const ROW_PX = 28;
/** Height of one span's opened details, its sections (tags, process, references) closed. */
const DETAIL_PX = 180;
/** Room below the last row. */
const BELOW_ROWS_PX = 24;

/** The trace page of `trace` in the Jaeger UI at `jaegerUrl`, finding its highlighted spans. */
export function traceViewUrl(jaegerUrl: string, trace: ShownTrace): string {
  const base = `${jaegerUrl.replace(/\/+$/, '')}/trace/${trace.traceId}`;
  return trace.highlight && trace.highlight.length > 0
    ? `${base}?${new URLSearchParams({ uiFind: trace.highlight.join(' ') })}`
    : base;
}

/**
 * The rows the page opens with. Without `highlight`, every span. With it, as
 * Jaeger UI does on load: only the ancestors of the found spans are expanded,
 * so a span shows when all its ancestors are expanded.
 */
export function visibleRows(trace: ShownTrace): number {
  if (!trace.highlight || trace.highlight.length === 0 || !trace.parents) return trace.spanCount;
  const parentOf = new Map(trace.parents);
  const ancestors = (id: string): string[] => {
    const out: string[] = [];
    for (let p = parentOf.get(id); p !== undefined && parentOf.has(p) && out.length < parentOf.size; ) {
      out.push(p);
      p = parentOf.get(p);
    }
    return out;
  };
  const expanded = new Set(trace.highlight.flatMap(ancestors));
  return [...parentOf.keys()].filter((id) => ancestors(id).every((a) => expanded.has(a))).length;
}

/** A window height that shows every row the page opens with, and the opened details (at least 600 px). */
export function traceViewHeight(trace: ShownTrace): number {
  const details = trace.highlight?.length ?? 0;
  const scripted = trace.script?.extraHeightPx ?? 0;
  return Math.max(
    600,
    ABOVE_ROWS_PX + ROW_PX * visibleRows(trace) + DETAIL_PX * details + scripted + BELOW_ROWS_PX,
  );
}
