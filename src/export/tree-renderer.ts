import type { SpanRecord, TraceRecord } from '../model/span-record.js';

/** Options of {@link renderTraceTree}. */
export interface TreeRenderOptions {
  /** ANSI colour; only when writing to a terminal that did not ask for NO_COLOR. */
  readonly color?: boolean;
  /** Width of the waterfall bar in characters. */
  readonly barWidth?: number;
}

const ANSI = {
  red: '\u001b[31m',
  cyan: '\u001b[36m',
  dim: '\u001b[2m',
  bold: '\u001b[1m',
  reset: '\u001b[0m',
};

/** Durations the way people read them: `850ms`, `2.350s`, `4m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(3)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  if (minutes < 60) return `${minutes}m${String(seconds).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

interface Row {
  readonly span: SpanRecord;
  readonly depth: number;
}

/** Depth-first order, children by start time, so the tree reads top to bottom in time. */
function orderSpans(trace: TraceRecord): Row[] {
  const ids = new Set<string>();
  for (const s of trace.spans) ids.add(s.spanId);
  const children = new Map<string, SpanRecord[]>();
  const tops: SpanRecord[] = [];
  for (const s of trace.spans) {
    if (s.parentSpanId !== undefined && s.parentSpanId !== s.spanId && ids.has(s.parentSpanId)) {
      let list = children.get(s.parentSpanId);
      if (list === undefined) {
        list = [];
        children.set(s.parentSpanId, list);
      }
      list.push(s);
    } else {
      tops.push(s);
    }
  }
  // Ties keep the core's order (root first, then start time), which is already deterministic.
  const index = new Map<SpanRecord, number>();
  for (const [i, s] of trace.spans.entries()) index.set(s, i);
  const byStart = (a: SpanRecord, b: SpanRecord): number =>
    a.startTime - b.startTime || (index.get(a) ?? 0) - (index.get(b) ?? 0);
  // The root first, then any span whose parent is outside the trace.
  tops.sort((a, b) => (a === trace.root ? -1 : b === trace.root ? 1 : byStart(a, b)));
  const rows: Row[] = [];
  const seen = new Set<string>();
  const visit = (span: SpanRecord, depth: number): void => {
    if (seen.has(span.spanId)) return;
    seen.add(span.spanId);
    rows.push({ span, depth });
    const kids = children.get(span.spanId);
    if (kids === undefined) return;
    kids.sort(byStart);
    for (const k of kids) visit(k, depth + 1);
  };
  for (const t of tops) visit(t, 0);
  // A parent cycle leaves spans unreached; show them rather than lose them.
  for (const s of trace.spans) if (!seen.has(s.spanId)) visit(s, 0);
  return rows;
}

/** The object a span is about, e.g. `px-7df978b9bf-jm22q`, from the `k8s.<kind>.name` attribute. */
function objectName(span: SpanRecord): string | undefined {
  const dot = span.name.indexOf('.');
  const kind = (dot > 0 ? span.name.slice(0, dot) : span.name).toLowerCase();
  const v = span.attributes[`k8s.${kind}.name`] ?? span.attributes['k8s.object.name'];
  return typeof v === 'string' ? v : undefined;
}

const NOTE_WIDTH = 80;

/** What to print after a span's name: an action's note, or the object's name. */
function spanDetail(span: SpanRecord): string | undefined {
  const note = span.attributes['k8s.event.note'];
  if (typeof note === 'string' && note !== '') {
    const oneLine = note.replace(/\s+/g, ' ').trim();
    return oneLine.length > NOTE_WIDTH ? `${oneLine.slice(0, NOTE_WIDTH - 1)}…` : oneLine;
  }
  return objectName(span);
}

function bar(offset: number, duration: number, total: number, width: number): string {
  if (total <= 0) return '█'.padEnd(width, '·');
  const start = Math.min(width - 1, Math.floor((offset / total) * width));
  const end = Math.max(start + 1, Math.min(width, Math.ceil(((offset + duration) / total) * width)));
  return '·'.repeat(start) + '█'.repeat(end - start) + '·'.repeat(width - end);
}

/**
 * One trace as an indented waterfall: a header line, then per span its offset from the
 * trace start, duration, a bar, the service, and the name (ERROR marked). Deterministic.
 */
export function renderTraceTree(trace: TraceRecord, options: TreeRenderOptions = {}): string {
  const color = options.color === true;
  const width = options.barWidth ?? 24;
  const paint = (code: string, text: string): string => (color ? `${code}${text}${ANSI.reset}` : text);
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const s of trace.spans) {
    if (s.startTime < start) start = s.startTime;
    if (s.endTime > end) end = s.endTime;
  }
  if (trace.spans.length === 0) {
    start = trace.root.startTime;
    end = trace.root.endTime;
  }
  const total = end - start;
  const rows = orderSpans(trace);
  const offsets = rows.map((r) => `+${formatDuration(r.span.startTime - start)}`);
  const durations = rows.map((r) => formatDuration(r.span.endTime - r.span.startTime));
  const offsetWidth = Math.max(...offsets.map((o) => o.length));
  const durationWidth = Math.max(...durations.map((d) => d.length));
  const serviceWidth = Math.max(...rows.map((r) => r.span.service.length));

  const rootObject = objectName(trace.root);
  const ns = trace.root.attributes['k8s.namespace.name'];
  const subject =
    rootObject === undefined ? '' : `  ${typeof ns === 'string' && ns !== '' ? `${ns}/` : ''}${rootObject}`;
  const flags = [
    trace.end,
    trace.late === true ? 'late' : '',
    trace.partial ? 'partial' : '',
    trace.hasError ? 'ERROR' : '',
  ].filter((f) => f !== '');
  const spanWord = trace.spans.length === 1 ? 'span' : 'spans';
  const header = `${paint(ANSI.bold, trace.root.name)}${subject}  ${formatDuration(total)}  ${trace.spans.length} ${spanWord}  [${flags.join(', ')}]  trace ${trace.traceId}`;
  const lines = [trace.hasError ? header.replace('ERROR', paint(ANSI.red, 'ERROR')) : header];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row === undefined) continue;
    const s = row.span;
    const offset = (offsets[i] ?? '').padStart(offsetWidth);
    const duration = (durations[i] ?? '').padStart(durationWidth);
    const detail = spanDetail(s);
    let label = `${'  '.repeat(row.depth)}${s.name}${detail === undefined ? '' : `  ${detail}`}`;
    if (s.status.code === 'ERROR') {
      label += ` ${paint(ANSI.red, `✗ ERROR${s.status.message === undefined ? '' : `: ${s.status.message}`}`)}`;
    }
    const b = bar(s.startTime - start, s.endTime - s.startTime, total, width);
    lines.push(
      `  ${paint(ANSI.dim, offset)}  ${duration}  ${b}  ${paint(ANSI.cyan, s.service.padEnd(serviceWidth))}  ${label}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
