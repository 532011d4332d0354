import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeTraceRecords } from '../../src/assembly/merge-records.js';
import { replay } from '../../src/assembly/replay.js';
import { ATTR_KUBETRAIL_GENERATION } from '../../src/model/attributes.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { lagged } from '../scenarios/clock-skew.js';
import { loadClockSamples, loadRecording } from '../scenarios/evaluate.js';

// A `kubectl scale` writes no managedFields time: its generation's root starts at the
// converted observation that showed it, late by its watch's lag. That start's own
// second is no stamp's: the change came no earlier than the newest stamp the delta
// carried, and no later than its consequences with exact times (the new Pods'
// Scheduled). Its "done" is its status write's stamp, which the late observation must
// not push back either. With every delta lagged by 0–2 s these roots started up to
// 1.4 s after their Scheduled; bounded by it alone, with the end still held to the
// late start, deployment-scale's lasted 1.18 s, not 0.10 s.
const CASES: readonly (readonly [string, number])[] = [
  ['test/fixtures/live/deployment-scale.jsonl', 2],
  ['test/fixtures/tap/deployment-lifecycle.jsonl', 3],
  ['test/fixtures/tap/untimed-scale.jsonl', 3],
];

function generation(records: readonly TraceRecord[], gen: number) {
  const found = mergeTraceRecords(records).filter(
    (t) => t.root.name === 'Deployment.Update' && t.root.attributes[ATTR_KUBETRAIL_GENERATION] === gen,
  );
  assert.equal(found.length, 1, `generation ${gen}`);
  return found[0] as (typeof found)[number];
}

const duration = (t: { root: { startTime: number; endTime: number } }): number =>
  t.root.endTime - t.root.startTime;

describe('a kubectl scale root delivered late', () => {
  for (const [recording, gen] of CASES) {
    const deltas = loadRecording(recording);
    const samples = loadClockSamples(recording);
    const inOrder = generation(replay(deltas, { clockSamples: samples }), gen);
    for (const seed of [1, 2, 3]) {
      it(`${recording} generation ${gen} (lag seed ${seed}): starts before its spans, lasts as in order within 1 s`, () => {
        const t = generation(replay(lagged(deltas, seed), { clockSamples: samples }), gen);
        assert.deepEqual(
          t.spans.filter((s) => s.startTime < t.root.startTime).map((s) => s.name),
          [],
        );
        assert.ok(
          Math.abs(duration(t) - duration(inOrder)) <= 1000,
          `lasts ${duration(t)} ms, not ${duration(inOrder)} ms`,
        );
      });
    }
  }
});
