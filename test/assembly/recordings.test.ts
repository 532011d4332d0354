import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { TraceRecord } from '../../src/model/span-record.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { Forest, replayWithEngine, repoRoot, shuffleWithinWindows, treeSignature } from './trees.js';

/**
 * Every recording under test/fixtures is replayed; `<name>.expect.json` beside it
 * states the tree. Real recordings made with --record slot in the same way: with
 * no expectation file they still get the generic checks (no crash, no orphan,
 * same tree for any arrival order within 2 s).
 */
const FIXTURES = path.join(repoRoot(), 'test/fixtures');
const SHUFFLES = 20;

interface TraceExpectation {
  readonly root: string;
  readonly end: string;
  readonly status?: 'UNSET' | 'ERROR';
  readonly statusMessage?: string;
  readonly manager?: string;
  readonly generation?: number;
  readonly events: readonly string[];
  readonly spans?: Readonly<Record<string, number>>;
  readonly rootEvents?: readonly string[];
}

interface Expectation {
  readonly traceCount?: number;
  readonly traces?: readonly TraceExpectation[];
  readonly under?: readonly (readonly [string, string])[];
  readonly notUnder?: readonly (readonly [string, string])[];
  readonly onRoot?: readonly string[];
  readonly eventStatus?: Readonly<Record<string, string>>;
  readonly eventCount?: Readonly<Record<string, number>>;
  readonly parentName?: Readonly<Record<string, string>>;
  readonly lifecycleUid?: Readonly<Record<string, string>>;
}

const run = replayWithEngine;

function check(expect: Expectation, records: readonly TraceRecord[]): void {
  const forest = new Forest(records);
  assert.deepEqual(
    forest.orphans().map((s) => s.name),
    [],
    'every parent id names a span of its trace',
  );
  if (expect.traceCount !== undefined) assert.equal(forest.traces.length, expect.traceCount, 'trace count');
  for (const t of expect.traces ?? []) {
    const first = t.events[0];
    assert.ok(first !== undefined, 'an expected trace names at least one event');
    const trace = forest.event(first).trace;
    const root = trace.root;
    assert.equal(root.name, t.root);
    assert.equal(trace.end, t.end, `${t.root} end`);
    if (t.status !== undefined) assert.equal(root.status.code, t.status, `${t.root} status`);
    if (t.statusMessage !== undefined) assert.equal(root.status.message, t.statusMessage);
    if (t.manager !== undefined) assert.equal(root.attributes['kubetrail.intent.manager'], t.manager);
    if (t.generation !== undefined)
      assert.equal(root.attributes['kubetrail.intent.generation'], t.generation);
    for (const uid of t.events) {
      assert.equal(forest.event(uid).trace.traceId, trace.traceId, `event ${uid} in the ${t.root} trace`);
    }
    const eventSpans = trace.spans.filter((s) => s.attributes['k8s.event.uid'] !== undefined);
    assert.equal(eventSpans.length, t.events.length, `${t.root}: exactly the expected events`);
    for (const [name, count] of Object.entries(t.spans ?? {})) {
      assert.equal(trace.spans.filter((s) => s.name === name).length, count, `${t.root}: ${name} spans`);
    }
    for (const name of t.rootEvents ?? []) {
      assert.ok(
        root.events.some((e) => e.name === name),
        `root span event ${name}`,
      );
    }
  }
  for (const [a, b] of expect.under ?? []) {
    assert.ok(
      forest.isUnder(forest.event(a), forest.event(b)),
      `${forest.event(a).span.name} ${a} under ${b}`,
    );
  }
  for (const [a, b] of expect.notUnder ?? []) {
    assert.ok(!forest.isUnder(forest.event(a), forest.event(b)), `${a} must not be under ${b}`);
  }
  for (const a of expect.onRoot ?? []) {
    const l = forest.event(a);
    assert.equal(l.span.parentSpanId, l.trace.root.spanId, `${l.span.name} ${a} hangs on the root`);
  }
  for (const [uid, code] of Object.entries(expect.eventStatus ?? {})) {
    assert.equal(forest.event(uid).span.status.code, code, `status of ${uid}`);
  }
  for (const [uid, count] of Object.entries(expect.eventCount ?? {})) {
    assert.equal(forest.event(uid).span.attributes['k8s.event.count'], count, `count of ${uid}`);
  }
  for (const [uid, name] of Object.entries(expect.parentName ?? {})) {
    assert.equal(forest.parent(forest.event(uid))?.span.name, name, `parent of ${uid}`);
  }
  for (const [name, uid] of Object.entries(expect.lifecycleUid ?? {})) {
    const spans = forest.traces.flatMap((t) => t.spans.filter((s) => s.name === name));
    assert.ok(spans.length > 0, `a ${name} span`);
    for (const s of spans) assert.equal(s.attributes['k8s.pod.uid'], uid, `${name} is about ${uid}`);
  }
}

const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.jsonl') || f.endsWith('.yaml'))
  .sort();

it('has the hand-written recordings', () => {
  assert.ok(files.length >= 8, `found ${files.length}`);
});

for (const file of files) {
  describe(`recording ${file}`, () => {
    const deltas = parseRecording(readFileSync(path.join(FIXTURES, file), 'utf8'), file);
    const base = file.replace(/\.(jsonl|yaml)$/, '');
    const expectPath = path.join(FIXTURES, `${base}.expect.json`);
    const expect: Expectation = existsSync(expectPath)
      ? (JSON.parse(readFileSync(expectPath, 'utf8')) as Expectation)
      : {};
    const { records, engine } = run(deltas);
    const signature = treeSignature(records);

    it('replays to the expected tree', () => {
      check(expect, records);
      const stats = engine.stats();
      assert.equal(stats.rejected['internal-error'], undefined);
      assert.equal(stats.rejected.unresolved, undefined, 'every Event found its trace');
      assert.equal(stats.pending, 0);
      for (const r of records) {
        for (const s of r.spans) assert.ok(s.endTime >= s.startTime, `${s.name} ends before it starts`);
      }
    });

    for (let seed = 1; seed <= SHUFFLES; seed++) {
      it(`gives the same tree with deltas shuffled within 2 s windows, seed ${seed}`, () => {
        const out = run(shuffleWithinWindows(deltas, seed * 104729)).records;
        check(expect, out);
        assert.equal(treeSignature(out), signature);
      });
    }
  });
}
