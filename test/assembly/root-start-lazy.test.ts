import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MergedTrace } from '../../src/assembly/merge-records.js';
import type { Delta } from '../../src/model/delta.js';
import { Forest, replayWithEngine, shuffleWithinWindows } from './trees.js';
import {
  coreEvent,
  delta as d,
  deployment,
  ms,
  replicaSet,
  scheduled,
  specWrite,
  WEB,
} from './watch-fixture.js';

// A capture begun mid-rollout (as kspan's deployment-2-pods.yaml): the deployment controller's
// step "Scaled up replica set web-b to 1" is observed 640 ms into second S, the new ReplicaSet
// 650 ms in, and the Deployment itself only with the capture's first list, 655 ms in. Every
// stamp is S (whole seconds); the scheduler's Event about an older Pod, exactly timed 600 ms into
// S and observed 700 ms in, makes the offset estimate 100 ms.
const S = 10;

const web = (generation: number): unknown =>
  deployment({
    rv: '100',
    generation,
    created: generation > 1 ? 0 : S,
    managedFields: [specWrite('kubectl-set', S)],
    status: { observedGeneration: generation - 1, replicas: 1 },
  });
const webB = replicaSet({ name: 'web-b', uid: 'rs-b', rv: '99', created: S });
const step = coreEvent({
  uid: 'step',
  created: S,
  about: WEB,
  component: 'deployment-controller',
  reason: 'ScalingReplicaSet',
  message: 'Scaled up replica set web-b to 1',
  at: S,
});
const oldScheduled = scheduled('sched', 'old', 'old', S + 0.6);

/** The capture: the step, the ReplicaSet and the Deployment (listed, or watched when `listed` is false). */
function capture(listed: boolean, generation = 2): Delta[] {
  return [
    d(S + 0.64, 'ADDED', step),
    d(S + 0.65, 'ADDED', webB, listed),
    d(S + 0.655, 'ADDED', web(generation), listed),
    d(S + 0.7, 'ADDED', oldScheduled),
  ];
}

function rootTrace(deltas: readonly Delta[], name: string): MergedTrace {
  return new Forest(replayWithEngine(deltas).records).rootTrace(name);
}

describe('an intent opened from its consequences, its root seen only in a later list', () => {
  for (const [label, deltas] of [
    ['in order', capture(true)],
    ['shuffled', shuffleWithinWindows(capture(true), 3)],
  ] as const) {
    it(`starts no later than its earliest consequence, refined by its own delivery (${label})`, () => {
      const t = rootTrace(deltas, 'Deployment.Update');
      const stepSpan = t.spans.find((s) => s.name === 'Deployment.ScalingReplicaSet');
      assert.ok(stepSpan !== undefined, 'the step is in the trace');
      // Converted with the 100 ms offset: the step at S + 540 ms, the list's delta at S + 555 ms.
      assert.equal(stepSpan.startTime, ms(S + 0.54));
      assert.equal(t.root.startTime, ms(S + 0.54));
      for (const s of t.spans) assert.ok(s.startTime >= t.root.startTime, `${s.name} before its root`);
    });
  }

  it('keeps a root refined by its own delivery where it is: a consequence timed by a stamp does not move it', () => {
    // The Deployment created and watched (not listed): its ADDED is the change's own delivery.
    const t = rootTrace(capture(false, 1), 'Deployment.Create');
    assert.equal(t.root.startTime, ms(S + 0.555));
  });
});
