// Issue 9 point 1: an Event about the root (a Deployment's scaling step) goes to the intent
// its write order names, not to the one its lagged time falls in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import { ATTR_KUBETRAIL_GENERATION } from '../../src/model/attributes.js';
import { eventPlacements, lagged } from '../scenarios/clock-skew.js';
import { loadRecording } from '../scenarios/evaluate.js';
import { Forest } from './trees.js';

// A Deployment listed converged (a capture that lists no Events: not history), then changed
// twice. Its scaling steps' Events name no resourceVersion of the Deployment; the ReplicaSet
// write each step reports does. Lagged, the Events and the new ReplicaSet can be applied
// before the Deployment's generation bump, and the intent of generation 1 is then opened
// from them, with no resourceVersion of its own.
const FILE = 'test/fixtures/deployment-updated-twice.jsonl';
const deltas = loadRecording(FILE);

describe('scaling steps about the root follow the ReplicaSet writes they report', () => {
  it('in order, generation 2 holds its step, and no Create trace is sent', () => {
    const forest = new Forest(replay(deltas));
    const step = forest.event('8dcc8835-d13b-58fd-92ce-15999a1263fe');
    assert.equal(step.trace.root.name, 'Deployment.Update');
    assert.equal(step.trace.root.attributes[ATTR_KUBETRAIL_GENERATION], 2);
    assert.ok(!forest.traces.some((t) => t.root.name === 'Deployment.Create'));
  });

  it('lagged by 0–2 s, every Event span keeps its trace and parent, for 30 seeds', () => {
    const inOrder = eventPlacements(replay(deltas));
    for (let seed = 1; seed <= 30; seed++) {
      const records = replay(lagged(deltas, seed));
      assert.deepEqual(eventPlacements(records), inOrder, `seed ${seed}`);
      const forest = new Forest(records);
      assert.ok(
        !forest.traces.some((t) => t.root.name === 'Deployment.Create'),
        `seed ${seed}: a Create trace of generation 1, opened from generation 2's Events`,
      );
    }
  });
});
