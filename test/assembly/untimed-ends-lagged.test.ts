// Issue 9 point 1: a watch that delivers late must not lengthen a root whose "done" has no time of its own.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeTraceRecords } from '../../src/assembly/merge-records.js';
import { replay } from '../../src/assembly/replay.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { compareVariant, lagged, watchLagging } from '../scenarios/clock-skew.js';
import { loadRecording } from '../scenarios/evaluate.js';

/** Each root's trace id to its start and end. */
function roots(records: readonly TraceRecord[]): Map<string, { name: string; start: number; end: number }> {
  return new Map(
    mergeTraceRecords(records).map((t) => [
      t.traceId,
      { name: t.root.name, start: t.root.startTime, end: t.root.endTime },
    ]),
  );
}

/** Every root of `file` ends within 1 s of its in-order end when the watches of `kinds` are 1.5 s late. */
function assertEndsKept(file: string, kinds: readonly string[]): void {
  const deltas = loadRecording(file);
  const inOrder = roots(replay(deltas));
  const late = roots(replay(watchLagging(deltas, kinds, 1500)));
  assert.ok(inOrder.size > 0);
  for (const [id, r] of inOrder) {
    const l = late.get(id);
    assert.ok(l !== undefined, `${r.name} ${id} missing when late`);
    assert.ok(
      Math.abs(l.end - r.end) < 1000,
      `${r.name} ${id} ends ${(l.end - r.end).toFixed(0)} ms apart when its watch is 1.5 s late`,
    );
  }
}

describe('ends without a time of their own, delivered late', () => {
  for (const [file, kinds] of [
    ['test/fixtures/live/rollout-restart.jsonl', ['Deployment', 'ReplicaSet']],
    ['test/fixtures/live/daemonset-node-added.jsonl', ['DaemonSet']],
    ['test/fixtures/statefulset-pod-recreated.jsonl', ['StatefulSet']],
  ] as const) {
    it(`end at the status write that showed them "done", not 1.5 s later (${file}, ${kinds.join(' and ')} watch late)`, () => {
      // A Deployment's, DaemonSet's or StatefulSet's "done" has no condition time: its end was the
      // converted observation of the delta that showed it, late by that watch's lag. The status
      // write's managedFields entry stamps its second; the end stays in it, the lag notwithstanding.
      assertEndsKept(file, kinds);
    });
  }

  for (const [file, kinds] of [['test/fixtures/live/statefulset-scale-partition.jsonl', ['Pod']]] as const) {
    it(`a DELETED ends no later than the creates written after it (${file}, ${kinds.join(' and ')} watch 1.5 s late)`, () => {
      // A DELETED has no stamp: a Pod's termination, and the root that waits for it, ended at its
      // converted observation, late by its watch's lag. The Pod made again after it has a higher
      // resourceVersion and its creationTimestamp's second: the delete was made by the end of it.
      assertEndsKept(file, kinds);
    });
  }

  for (const [file, kinds] of [
    ['test/fixtures/live/deployment-scale.jsonl', ['ReplicaSet']],
    ['test/fixtures/live/deployment-scale.jsonl', ['Pod']],
    ['test/fixtures/live/orphan-delete-adopt.jsonl', ['Deployment']],
    ['test/fixtures/live/replicaset-deleted.jsonl', ['Pod']],
  ] as const) {
    it(`a DELETED nothing written after bounds ends no later after its object's last own-stamped write than it was seen after it (${file}, ${kinds.join(' and ')} watch 1.5 s late)`, () => {
      // The Deployment's DELETED (foreground or orphan delete) and the Pods' and ReplicaSet's of its
      // cascade are the last writes of the recording: their ends were their converted observations,
      // late by their watch's lag. The write before each on the same watch set a stamp of its own
      // (a status write, the delete request), which stays in its second however late it came.
      assertEndsKept(file, kinds);
    });
  }

  it("a Pod's DELETED ends no later after the write that cut its grace period than it was seen after it (replicaset-deleted, lag seeds 5 and 8)", () => {
    // kwok cuts a Pod's 30 s grace period to 0 right after the garbage collector asked for it, both
    // stamped in one second: the projection kept the request's refinement, so the cut looked like no
    // write of its own, and the DELETED, delivered with it 1.6 s late but 0.5 s after the request,
    // was bounded only by the request: the ReplicaSet.Delete root ended 1 s late.
    const deltas = loadRecording('test/fixtures/live/replicaset-deleted.jsonl');
    const inOrder = replay(deltas);
    for (const seed of [5, 8])
      assert.deepEqual(compareVariant(inOrder, replay(lagged(deltas, seed))), [], `seed ${seed}`);
  });
});
