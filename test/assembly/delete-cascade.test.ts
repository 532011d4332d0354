import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { eventPlacements, lagged } from '../scenarios/clock-skew.js';
import { Forest, replayWithEngine, repoRoot, shuffleWithinWindows } from './trees.js';

// A Deployment deleted in the background is gone at once; the garbage collector then
// deletes its ReplicaSet and Pods, which the kubelet kills over the next 2.6 s.
const FILE = 'test/fixtures/owner-deleted-late-events.jsonl';
const deltas = parseRecording(readFileSync(path.join(repoRoot(), FILE), 'utf8'), FILE);

describe('a delete whose cascade outlasts the deleted object', () => {
  for (const [label, input] of [
    ['in order', deltas],
    ['shuffled', shuffleWithinWindows(deltas, 5)],
  ] as const) {
    it(`converges when its last dependent is gone, not when the object is (${label})`, () => {
      const forest = new Forest(replayWithEngine(input).records);
      assert.equal(forest.traces.length, 1);
      const trace = forest.traces[0];
      const root = trace?.spans.find((s) => s.parentSpanId === undefined);
      assert.ok(trace !== undefined && root !== undefined);
      assert.equal(root.name, 'Deployment.Delete');
      assert.equal(root.attributes['kubetrail.trace.end'], 'converged');
      const terminations = trace.spans.filter((s) => s.name === 'Pod.Termination');
      assert.equal(terminations.length, 2);
      assert.equal(root.endTime, Math.max(...terminations.map((s) => s.endTime)));
      for (const s of trace.spans)
        assert.ok(s.startTime <= root.endTime, `${s.name} starts after its root ended`);
    });
  }
});

describe('a background delete whose cascade a lagged watch delivers first, each delta lagged 0–2 s', () => {
  it('keeps the cascade and its Killing Events in the Delete trace, by the order of the writes, for 30 seeds', () => {
    // The Deployment goes straight to DELETED; the garbage collector's delete of its ReplicaSet,
    // written after it, can be delivered up to 2 s earlier: by time, more than a second before the
    // owner's delete, it was a ReplicaSet.Delete of its own (or, by its refined time, the Create's).
    const inOrder = eventPlacements(replayWithEngine(deltas).records);
    for (let seed = 1; seed <= 30; seed++) {
      const records = replayWithEngine(lagged(deltas, seed)).records;
      assert.deepEqual(eventPlacements(records), inOrder, `seed ${seed}`);
      const forest = new Forest(records);
      assert.deepEqual(
        forest.traces.map((t) => t.root.name),
        ['Deployment.Delete'],
        `seed ${seed}: one trace`,
      );
      assert.deepEqual(
        forest.traces[0]?.spans
          .map((s) => s.name)
          .filter((n) => n.endsWith('.Termination'))
          .sort(),
        ['Pod.Termination', 'Pod.Termination', 'ReplicaSet.Termination'],
        `seed ${seed}: the cascade in the Delete trace`,
      );
    }
  });
});

// The live suite's "Deployment deleted" scenario, recorded from the local stack:
// `kubectl delete --cascade=foreground` right after `rollout status`, the whole
// cascade (Deployment, ReplicaSet, two Pods) written within one second of the
// rollout's end. A lagged watch can deliver the Deployment's delete request
// after its ReplicaSet's and Pods' deletions.
const AFTER_ROLLOUT = 'test/fixtures/live/delete-after-rollout.jsonl';
const afterRollout = parseRecording(
  readFileSync(path.join(repoRoot(), AFTER_ROLLOUT), 'utf8'),
  AFTER_ROLLOUT,
);

describe('a foreground delete right after its rollout, each delta lagged 0–2 s', () => {
  it('puts the terminations in the Delete trace, by the order of their writes, for 30 seeds', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const forest = new Forest(replayWithEngine(lagged(afterRollout, seed)).records);
      const rootNamed = (name: string) =>
        forest.traces.find((t) => t.spans.some((s) => s.parentSpanId === undefined && s.name === name));
      const create = rootNamed('Deployment.Create');
      const del = rootNamed('Deployment.Delete');
      assert.ok(create !== undefined && del !== undefined, `seed ${seed}: a Create and a Delete trace`);
      const names = (t: typeof del) => t.spans.map((s) => s.name);
      assert.deepEqual(
        names(del)
          .filter((n) => n.endsWith('.Termination'))
          .sort(),
        ['Pod.Termination', 'Pod.Termination', 'ReplicaSet.Termination'],
        `seed ${seed}: the cascade in the Delete trace`,
      );
      assert.deepEqual(
        names(create).filter((n) => n.endsWith('.Termination')),
        [],
        `seed ${seed}: nothing of the delete in the Create trace`,
      );
    }
  });
});
