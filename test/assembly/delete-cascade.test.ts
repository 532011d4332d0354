import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
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
