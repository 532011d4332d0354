import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeTraceRecords } from '../../src/assembly/merge-records.js';
import { replay } from '../../src/assembly/replay.js';
import { lagged } from '../scenarios/clock-skew.js';
import { loadRecording } from '../scenarios/evaluate.js';

// A rollout's last scaling step (the old ReplicaSet scaled to 0) is a write the
// Deployment's "done" status write counted: it has the lower resourceVersion. With
// every delta lagged by 0–2 s, the step's Event and the ReplicaSet's write came out
// at the same refined time, or the write after the Event, so the step was not tied to
// its write and started up to 315 ms after the root converged. It stands for that
// write whatever the refined times, and the root ends no earlier.
const CASES: readonly (readonly [string, readonly number[]])[] = [
  ['test/fixtures/live/rollout-superseded.jsonl', [1, 3]],
  ['test/fixtures/live/rollout-undo.jsonl', [2]],
];

describe('a converged root whose last scaling step was delivered late', () => {
  for (const [recording, seeds] of CASES) {
    const deltas = loadRecording(recording);
    for (const seed of seeds) {
      it(`${recording} (lag seed ${seed}): no span starts after its root converged`, () => {
        const late: string[] = [];
        for (const t of mergeTraceRecords(replay(lagged(deltas, seed)))) {
          if (t.end !== 'converged') continue;
          for (const s of t.spans)
            if (s.startTime > t.root.endTime)
              late.push(`${s.name} ${(s.startTime - t.root.endTime).toFixed(0)} ms after ${t.root.name}`);
        }
        assert.deepEqual(late, []);
      });
    }
  }
});
