import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeTraceRecords } from '../../src/assembly/merge-records.js';
import { replay } from '../../src/assembly/replay.js';
import { ATTR_KUBETRAIL_GENERATION } from '../../src/model/attributes.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { lagged } from '../scenarios/clock-skew.js';
import { loadClockSamples, loadRecording } from '../scenarios/evaluate.js';

// Generation 3 is a `kubectl scale` (the scale subresource writes no managedFields
// time): its root starts at its observation. Generation 4 is an apply stamped in the
// same second or the one before. With every delta lagged by 0–2 s, generation 3's
// observation came out a second or two late, and generation 4's own stamp was set
// aside as older than it (a stale writer's time), so its root started at its own late
// observation too: up to 1.57 s after its consequences, past its stamp's second. An
// observation bounds a later stamp by the newest stamp it carried only.
const RECORDINGS = ['test/fixtures/tap/deployment-lifecycle.jsonl', 'test/fixtures/tap/untimed-scale.jsonl'];
const second = (t: number): number => Math.floor(t / 1000) * 1000;

function generation(records: readonly TraceRecord[], gen: number) {
  const found = mergeTraceRecords(records).filter(
    (t) => t.root.name === 'Deployment.Update' && t.root.attributes[ATTR_KUBETRAIL_GENERATION] === gen,
  );
  assert.equal(found.length, 1, `generation ${gen}`);
  return found[0] as (typeof found)[number];
}

describe('a stamped spec change after an untimed one, both delivered late', () => {
  for (const recording of RECORDINGS) {
    const deltas = loadRecording(recording);
    const samples = loadClockSamples(recording);
    const inOrder = generation(replay(deltas, { clockSamples: samples }), 4);
    for (const seed of [1, 2, 3]) {
      it(`${recording} (lag seed ${seed}): generation 4 starts in its stamp's second, before its spans`, () => {
        const t = generation(replay(lagged(deltas, seed), { clockSamples: samples }), 4);
        assert.equal(second(t.root.startTime), second(inOrder.root.startTime));
        assert.deepEqual(
          t.spans.filter((s) => s.startTime < t.root.startTime).map((s) => s.name),
          [],
        );
      });
    }
  }
});
