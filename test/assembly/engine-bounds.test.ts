import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReplayOptions } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { JsonLinesParser } from '../../src/sources/recording/json-lines.js';
import { generateClusterRecording } from '../bench/cluster-generator.js';
import { replayWithEngine } from './trees.js';

/**
 * The bench's synthetic cluster: Deployments created close together, then rolled out.
 * `edit` may change each line before it is parsed.
 */
function cluster(deployments: number, edit: (line: string) => string = (l) => l): Delta[] {
  const parser = new JsonLinesParser('generated');
  const out: Delta[] = [];
  for (const line of generateClusterRecording({ deployments, seed: 7, failureRate: 0 }).lines) {
    const d = parser.parseLine(edit(line));
    if (d !== undefined) out.push(d);
  }
  return out;
}

interface Exported {
  readonly records: TraceRecord[];
  /** Every exported span, as the backend receives it: a late record's root is not sent again. */
  readonly spans: SpanRecord[];
  readonly evictions: Readonly<Record<string, number>>;
}

function run(deltas: readonly Delta[], options: Omit<ReplayOptions, 'onEngine'>): Exported {
  const { records, engine } = replayWithEngine(deltas, options);
  const spans: SpanRecord[] = [];
  for (const r of records) for (const s of r.spans) if (r.late !== true || s !== r.root) spans.push(s);
  return { records, spans, evictions: engine.stats().evictions };
}

/** Span ids exported more than once. */
function duplicates(spans: readonly SpanRecord[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const s of spans) {
    if (seen.has(s.spanId)) dup.push(`${s.name} ${s.spanId}`);
    seen.add(s.spanId);
  }
  return dup;
}

/** What a span stands for, whatever trace it went to: the Event, or the object and the span's role. */
function identity(s: SpanRecord): string {
  const ev = s.attributes['k8s.event.uid'];
  if (typeof ev === 'string') return `event ${ev}`;
  const uid = s.attributes['k8s.pod.uid'] ?? s.attributes['k8s.replicaset.uid'];
  return `${s.role} ${String(uid)} ${s.role === 'intent' ? s.traceId : ''}`;
}

/** Things that went out in more than one trace. */
function inSeveralTraces(spans: readonly SpanRecord[]): string[] {
  const traces = new Map<string, Set<string>>();
  for (const s of spans) {
    const key = identity(s);
    const set = traces.get(key) ?? new Set<string>();
    set.add(s.traceId);
    traces.set(key, set);
  }
  return [...traces].filter(([, t]) => t.size > 1).map(([k]) => k);
}

describe('engine bounds', () => {
  const deployments = cluster(50);

  it('an evicted trace is ended once, as cut off, and its later deltas do not start it again', () => {
    const bounded = run(deployments, { limits: { maxOpenTraces: 10 } });
    const full = run(deployments, {});
    assert.ok((bounded.evictions.openTraces ?? 0) > 0, 'the bound was reached');
    assert.deepEqual(duplicates(bounded.spans), []);
    const roots = bounded.spans.filter((s) => s.parentSpanId === undefined);
    const fullRoots = full.spans.filter((s) => s.parentSpanId === undefined);
    assert.equal(new Set(roots.map((s) => s.traceId)).size, roots.length, 'one root per trace');
    assert.ok(roots.length <= fullRoots.length, `${roots.length} roots, unbounded ${fullRoots.length}`);
    // Nothing new is made up: every trace is one the unbounded run has too.
    const fullTraces = new Set(fullRoots.map((s) => s.traceId));
    for (const r of roots) assert.ok(fullTraces.has(r.traceId), `${r.name} ${r.traceId} is new`);
    assert.ok(
      bounded.records.some((r) => r.late !== true && r.end === 'cut-off'),
      'evicted traces end as cut off',
    );
    assert.ok(
      bounded.spans.length <= full.spans.length,
      `${bounded.spans.length} spans, unbounded ${full.spans.length}`,
    );
  });

  for (const n of [1, 3, 10]) {
    it(`--max-spans-per-trace ${n} keeps at most ${n} spans per trace, root included, and moves none`, () => {
      const bounded = run(deployments, { limits: { maxSpansPerTrace: n } });
      const perTrace = new Map<string, number>();
      for (const s of bounded.spans) perTrace.set(s.traceId, (perTrace.get(s.traceId) ?? 0) + 1);
      for (const [trace, count] of perTrace) assert.ok(count <= n, `trace ${trace} has ${count} spans`);
      const reached = (bounded.evictions.spansPerTrace ?? 0) + (bounded.evictions.factsPerRoot ?? 0);
      assert.ok(reached > 0, 'the bound was reached');
      // A span that is kept sits in the trace the unbounded run puts it in.
      const full = run(deployments, {});
      const where = new Map(full.spans.map((s) => [identity(s), s.traceId]));
      for (const s of bounded.spans) {
        assert.equal(s.traceId, where.get(identity(s)), `${s.name} ${identity(s)} moved to another trace`);
      }
      // Every kept span's parent is kept.
      const ids = new Set(bounded.spans.map((s) => s.spanId));
      for (const s of bounded.spans) {
        if (s.parentSpanId !== undefined) assert.ok(ids.has(s.parentSpanId), `${s.name} lost its parent`);
      }
    });
  }

  for (const settleMs of [0, 1, 5_000]) {
    it(`with --settle-ms ${settleMs} no span is exported twice or in two traces`, () => {
      const out = run(deployments, { settleMs });
      assert.deepEqual(duplicates(out.spans), []);
      assert.deepEqual(inSeveralTraces(out.spans), []);
    });
  }

  it('a span moved to another trace by a later fact is not sent again there', () => {
    // Deletion stamps 30 s before the delete Events: a Pod's termination first hangs
    // where its owner was created, until its DELETED ties it to the rollout.
    const skewed = cluster(50, (line) =>
      line.replace(/"deletionTimestamp":"([^"]+)"/, (_, t: string) => {
        const moved = new Date(Date.parse(t) - 30_000).toISOString().replace('.000Z', 'Z');
        return `"deletionTimestamp":"${moved}"`;
      }),
    );
    for (const settleMs of [0, 5_000]) {
      const out = run(skewed, { settleMs });
      assert.deepEqual(duplicates(out.spans), [], `settleMs ${settleMs}`);
      assert.deepEqual(inSeveralTraces(out.spans), [], `settleMs ${settleMs}`);
    }
  });

  it('a late fact after the retain period does not send the trace again', () => {
    // Retain 1 ms: every settled trace is forgotten before its late facts (Pod deletions) arrive.
    const out = run(deployments, { retainMs: 1, settleMs: 0 });
    assert.deepEqual(duplicates(out.spans), []);
    assert.deepEqual(inSeveralTraces(out.spans), []);
  });
});
