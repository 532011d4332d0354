import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type MergedTrace, mergeTraceRecords } from '../../src/assembly/merge-records.js';
import { type ReplayOptions, replay } from '../../src/assembly/replay.js';
import type { TraceEngine } from '../../src/assembly/trace-engine.js';
import type { Delta } from '../../src/model/delta.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { prng } from '../prng.js';

/** The repository root, found from this compiled file (dist/test/…) or its source. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kubetrail')
      return dir;
    dir = path.dirname(dir);
  }
  throw new Error('repository root not found');
}

/** A span located in its merged trace. */
export interface Located {
  readonly trace: MergedTrace;
  readonly span: SpanRecord;
}

/** Indexes merged traces for tree questions. */
export class Forest {
  readonly traces: readonly MergedTrace[];
  /** An Event re-acting on a re-created object has one span per intent: a list, earliest first. */
  readonly #byEventUid = new Map<string, Located[]>();
  readonly #bySpanId = new Map<string, Located>();

  constructor(records: readonly TraceRecord[]) {
    this.traces = mergeTraceRecords(records);
    for (const trace of this.traces) {
      for (const span of trace.spans) {
        this.#bySpanId.set(`${trace.traceId}/${span.spanId}`, { trace, span });
        const uid = span.attributes['k8s.event.uid'];
        if (typeof uid === 'string') {
          const list = this.#byEventUid.get(uid) ?? [];
          if (list.some((l) => l.trace.traceId === trace.traceId)) {
            throw new Error(`event ${uid} has two spans in one trace`);
          }
          list.push({ trace, span });
          list.sort((a, b) => a.span.startTime - b.span.startTime);
          this.#byEventUid.set(uid, list);
        }
      }
    }
  }

  /** The (earliest) span of the Event with `uid`; throws when there is none. */
  event(uid: string): Located {
    const found = this.#byEventUid.get(uid)?.[0];
    if (found === undefined) throw new Error(`no span for event ${uid}`);
    return found;
  }

  /** The first trace whose root is named `name`; throws when there is none. */
  rootTrace(name: string): MergedTrace {
    const found = this.traces.find((t) => t.root.name === name);
    if (found === undefined) throw new Error(`no ${name} trace`);
    return found;
  }

  /** Every span of the Event with `uid`, one per trace, earliest first. */
  events(uid: string): readonly Located[] {
    return this.#byEventUid.get(uid) ?? [];
  }

  /** The parent of a span in its trace. */
  parent(of: Located): Located | undefined {
    const id = of.span.parentSpanId;
    return id === undefined ? undefined : this.#bySpanId.get(`${of.trace.traceId}/${id}`);
  }

  /** True when `a` descends from `b` in the same trace. */
  isUnder(a: Located, b: Located): boolean {
    if (a.trace.traceId !== b.trace.traceId) return false;
    let cur = this.parent(a);
    for (let i = 0; cur !== undefined && i < 1000; i++) {
      if (cur.span.spanId === b.span.spanId) return true;
      cur = this.parent(cur);
    }
    return false;
  }

  /** Spans whose parent id names no span of their trace. */
  orphans(): SpanRecord[] {
    const out: SpanRecord[] = [];
    for (const t of this.traces) {
      const ids = new Set(t.spans.map((s) => s.spanId));
      for (const s of t.spans) if (s.parentSpanId !== undefined && !ids.has(s.parentSpanId)) out.push(s);
    }
    return out;
  }
}

/**
 * A canonical text of the trees: what must not depend on arrival order. The
 * ends of open spans and of roots are left out: they depend on when a trace
 * was emitted, not on what it contains.
 */
export function treeSignature(records: readonly TraceRecord[]): string {
  const lines: string[] = [];
  for (const t of [...mergeTraceRecords(records)].sort((a, b) => (a.traceId < b.traceId ? -1 : 1))) {
    for (const s of t.spans) {
      const open = s.attributes['kubetrail.span.open'] === true || s.parentSpanId === undefined;
      lines.push(
        [
          t.traceId,
          s.spanId,
          s.parentSpanId ?? '-',
          s.name,
          s.service,
          s.startTime,
          open ? '*' : s.endTime,
          s.status.code,
          s.attributes['kubetrail.parent.inferred'] === true ? 'inferred' : '',
          s.attributes['k8s.event.count'] ?? '',
        ].join(' '),
      );
    }
  }
  return lines.sort().join('\n');
}

/**
 * Shuffles deltas within windows of `windowMs` of their own time (the way
 * independent watches reorder), keeping windows in order. Each delta keeps its
 * time; the replay clock never goes backwards, so a late-shuffled delta is
 * simply applied at the window's latest time.
 */
export function shuffleWithinWindows(deltas: readonly Delta[], seed: number, windowMs = 2000): Delta[] {
  const rand = prng(seed);
  const t0 = deltas.reduce((m, d) => Math.min(m, d.time), Number.POSITIVE_INFINITY);
  const windows = new Map<number, Delta[]>();
  for (const d of deltas) {
    const w = Math.floor((d.time - t0) / windowMs);
    const list = windows.get(w);
    if (list === undefined) windows.set(w, [d]);
    else list.push(d);
  }
  const out: Delta[] = [];
  for (const w of [...windows.keys()].sort((a, b) => a - b)) {
    const list = windows.get(w) ?? [];
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const a = list[i];
      const b = list[j];
      if (a !== undefined && b !== undefined) {
        list[i] = b;
        list[j] = a;
      }
    }
    out.push(...list);
  }
  return out;
}

/** The uid of the Event in an Event delta, or undefined. */
export function eventUidOf(d: Delta): string | undefined {
  const o = d.object as { kind?: unknown; metadata?: { uid?: unknown } } | null;
  return o?.kind === 'Event' && typeof o.metadata?.uid === 'string' ? o.metadata.uid : undefined;
}

/** Replays `deltas` (with engine options) and returns the records and the engine, for its stats. */
export function replayWithEngine(
  deltas: readonly Delta[],
  options: Omit<ReplayOptions, 'onEngine'> = {},
): { records: TraceRecord[]; engine: TraceEngine } {
  let engine: TraceEngine | undefined;
  const records = replay(deltas, {
    ...options,
    onEngine: (e) => {
      engine = e;
    },
  });
  assert.ok(engine !== undefined);
  return { records, engine };
}
