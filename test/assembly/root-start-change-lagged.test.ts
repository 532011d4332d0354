import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeTraceRecords } from '../../src/assembly/merge-records.js';
import { replay } from '../../src/assembly/replay.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { lagged } from '../scenarios/clock-skew.js';
import { loadRecording } from '../scenarios/evaluate.js';

// A change without a spec change (a user's Pod delete, an eviction of a drain, a Node
// joining) is stamped in whole seconds and refined by the delta that first showed it:
// late by as much as its watch delivered late. Its replacement Pod's Scheduled Event
// carries an exact eventTime. With every delta lagged by 0–2 s, these roots started up
// to 576 ms after that Scheduled (a cause after its consequence); the root starts no
// later than it, and never before its own stamp's second.
const CASES: readonly (readonly [string, string, readonly number[]])[] = [
  ['test/fixtures/live/pod-deleted.jsonl', 'Pod.Delete', [2, 3]],
  ['test/fixtures/live/daemonset-node-added.jsonl', 'Node.Join', [2, 3]],
  ['test/fixtures/live/node-drain.jsonl', 'Node.Cordon', [1, 2, 3]],
];

const second = (t: number): number => Math.floor(t / 1000) * 1000;

function rootsNamed(records: readonly TraceRecord[], name: string) {
  return mergeTraceRecords(records).filter((t) => t.root.name === name);
}

describe('a change root whose delta was delivered late', () => {
  for (const [recording, rootName, seeds] of CASES) {
    const deltas = loadRecording(recording);
    const [inOrder] = rootsNamed(replay(deltas), rootName);
    for (const seed of seeds) {
      it(`${rootName} of ${recording} (lag seed ${seed}) starts before its consequences, within its stamp's second`, () => {
        assert.ok(inOrder !== undefined, `no ${rootName} in order`);
        const traces = rootsNamed(replay(lagged(deltas, seed)), rootName);
        assert.equal(traces.length, 1);
        const t = traces[0];
        assert.ok(t !== undefined);
        const early: SpanRecord[] = t.spans.filter((s) => s.startTime < t.root.startTime);
        assert.deepEqual(
          early.map((s) => `${s.name} ${t.root.startTime - s.startTime} ms before`),
          [],
        );
        assert.ok(t.root.startTime >= second(inOrder.root.startTime), 'before its stamp second');
      });
    }
  }
});
