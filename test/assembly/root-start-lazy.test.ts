import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MergedTrace } from '../../src/assembly/merge-records.js';
import type { Delta } from '../../src/model/delta.js';
import { Forest, replayWithEngine, shuffleWithinWindows } from './trees.js';

// A capture begun mid-rollout (as kspan's deployment-2-pods.yaml): the deployment controller's
// step "Scaled up replica set web-b to 1" is observed 640 ms into second S, the new ReplicaSet
// 650 ms in, and the Deployment itself only with the capture's first list, 655 ms in. Every
// stamp is S (whole seconds); the scheduler's Event about an older Pod, exactly timed 600 ms into
// S and observed 700 ms in, makes the offset estimate 100 ms.
const T0 = Date.parse('2026-11-22T10:00:00Z');
const S = 10;
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();
const micro = (s: number): string => iso(s).replace('Z', '000Z');
const ms = (s: number): number => Math.round(T0 + s * 1000);
const d = (s: number, type: Delta['type'], object: unknown, initial = false): Delta => ({
  time: ms(s),
  type,
  object,
  ...(initial ? { initial: true } : {}),
});

const deployment = (generation: number): unknown => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'dep',
    resourceVersion: '100',
    generation,
    creationTimestamp: generation > 1 ? iso(0) : iso(S),
    managedFields: [
      { manager: 'kubectl-set', operation: 'Update', time: iso(S), fieldsV1: { 'f:spec': {} } },
    ],
  },
  spec: { replicas: 1 },
  status: { observedGeneration: generation - 1, replicas: 1 },
});
const replicaSet: unknown = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: 'web-b',
    namespace: 'default',
    uid: 'rs-b',
    resourceVersion: '99',
    generation: 1,
    creationTimestamp: iso(S),
    ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'dep', controller: true }],
  },
  spec: { replicas: 1 },
};
const step: unknown = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'web.step', namespace: 'default', uid: 'step', creationTimestamp: iso(S) },
  involvedObject: {
    kind: 'Deployment',
    namespace: 'default',
    name: 'web',
    uid: 'dep',
    apiVersion: 'apps/v1',
  },
  reason: 'ScalingReplicaSet',
  message: 'Scaled up replica set web-b to 1',
  source: { component: 'deployment-controller' },
  firstTimestamp: iso(S),
  lastTimestamp: iso(S),
  count: 1,
  type: 'Normal',
};
const scheduled: unknown = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'old.sched', namespace: 'default', uid: 'sched', creationTimestamp: iso(S) },
  eventTime: micro(S + 0.6),
  reportingController: 'default-scheduler',
  reportingInstance: 'default-scheduler-1',
  action: 'Binding',
  reason: 'Scheduled',
  regarding: { kind: 'Pod', namespace: 'default', name: 'old', uid: 'old', apiVersion: 'v1' },
  note: 'Successfully assigned default/old to node-1',
  type: 'Normal',
};

/** The capture: the step, the ReplicaSet and the Deployment (listed, or watched when `listed` is false). */
function capture(listed: boolean, generation = 2): Delta[] {
  return [
    d(S + 0.64, 'ADDED', step),
    d(S + 0.65, 'ADDED', replicaSet, listed),
    d(S + 0.655, 'ADDED', deployment(generation), listed),
    d(S + 0.7, 'ADDED', scheduled),
  ];
}

function rootTrace(deltas: readonly Delta[], name: string): MergedTrace {
  const t = new Forest(replayWithEngine(deltas).records).traces.find((x) => x.root.name === name);
  if (t === undefined) throw new Error(`no ${name} trace`);
  return t;
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
