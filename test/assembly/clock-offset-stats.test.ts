// The engine's clock offset estimate (stats().clockOffsetMs, served as
// kubetrail_clock_offset_seconds), on a real recording and its skewed variants,
// and the span times converted with it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { mergeTraceRecords } from '../../src/assembly/merge-records.js';
import type { Delta } from '../../src/model/delta.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { skewed } from '../scenarios/clock-skew.js';
import { replayWithEngine, repoRoot } from './trees.js';

const FILE = 'test/fixtures/live/deployment-rollout.jsonl';
const deltas = parseRecording(readFileSync(path.join(repoRoot(), FILE), 'utf8'), FILE);

function offsetAfter(input: readonly Delta[]): number | undefined {
  return replayWithEngine(input).engine.stats().clockOffsetMs;
}

describe('the engine estimates the watcher clock offset', () => {
  it('from the tightest observed-minus-stamped of fresh writes: 7 ms on a recording made beside its cluster', () => {
    // Recorded on the machine that ran the control plane: the true offset is 0; the tightest
    // bound is a Scheduled Event's eventTime 20:53:07.603715 (read to the millisecond) observed at
    // 20:53:07.610. Only the stamps count here: the recording's clock readings are not given.
    assert.equal(offsetAfter(deltas), 7);
  });

  it('moves by exactly the skew of the watcher clock', () => {
    for (const s of [-60, -10, -3, 3, 10, 60])
      assert.equal(offsetAfter(skewed(deltas, s * 1000)), 7 + s * 1000);
  });

  it('is not fooled by the initial list, whose stamps are old writes', () => {
    const initial = deltas.filter((d) => d.initial === true);
    assert.ok(initial.length > 0);
    assert.equal(offsetAfter(initial), undefined);
  });

  it('converts the first writes of a run with the bounds observed right after them, whatever the skew', () => {
    // The Deployment was created in the second 20:53:07 and observed at .215; the tightest bound
    // comes 395 ms later (above): 7 ms. Before, a skewed watcher moved the root by the skew (its
    // end) or within its second (its start).
    const roots = (input: readonly Delta[]): string[] =>
      mergeTraceRecords(replayWithEngine(input).records).map(
        (t) => `${t.root.name} ${t.root.startTime} ${t.root.endTime}`,
      );
    const expected = roots(deltas);
    assert.equal(
      expected[0],
      `Deployment.Create ${Date.UTC(2026, 10, 30, 20, 53, 7, 208)} ${Date.UTC(2026, 10, 30, 20, 53, 7, 438)}`,
    );
    for (const s of [-60, -10, -3, 3, 10, 60])
      assert.deepEqual(roots(skewed(deltas, s * 1000)), expected, `${s} s`);
  });

  it('is unknown before any delta', () => {
    assert.equal(offsetAfter([]), undefined);
  });
});
