import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MergedTrace } from '../../src/assembly/merge-records.js';
import type { Delta } from '../../src/model/delta.js';
import { Forest, replayWithEngine, shuffleWithinWindows } from './trees.js';
import { delta as d, iso, ms, specWrite, statusWrite } from './watch-fixture.js';

// A StatefulSet created in second S with one replica. The statefulset controller created its
// Pod (resourceVersion 10) and, once the Pod was ready (11), wrote the status that shows it done
// (20). The StatefulSets watch delivered that status write 200 ms into S, the Pods watch the
// Pod's writes 50 ms later (as in statefulset-scale-partition.jsonl, where the scale to 4
// converged 17–21 ms before its Pods' creates). The stamps are whole seconds; the ADDED of the
// StatefulSet, observed 5 ms into S, makes the offset estimate 5 ms.
const S = 10;

const statefulSet = (rv: number, done: boolean): unknown => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: {
    name: 'db',
    namespace: 'default',
    uid: 'sts',
    resourceVersion: String(rv),
    generation: 1,
    creationTimestamp: iso(S),
    managedFields: [specWrite('kubectl-client-side-apply', S), ...(done ? [statusWrite(S)] : [])],
  },
  spec: { replicas: 1 },
  status: done
    ? {
        observedGeneration: 1,
        replicas: 1,
        readyReplicas: 1,
        currentReplicas: 1,
        updatedReplicas: 1,
        currentRevision: 'db-1',
        updateRevision: 'db-1',
      }
    : { replicas: 0 },
});
const pod = (rv: number, created: number, ready: boolean): unknown => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'db-0',
    namespace: 'default',
    uid: 'db-0',
    resourceVersion: String(rv),
    creationTimestamp: iso(created),
    ownerReferences: [{ kind: 'StatefulSet', name: 'db', uid: 'sts', controller: true }],
  },
  spec: { nodeName: 'node-1' },
  status: ready
    ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: iso(created) }] }
    : { phase: 'Pending' },
});

/** The recording, the Pod's writes at `podRv` and `podRv + 1`, stamped `podCreated`, seen at `podSeen`. */
function recording(podRv: number, podCreated = S, podSeen = S + 0.25): Delta[] {
  return [
    d(S + 0.005, 'ADDED', statefulSet(5, false)),
    d(S + 0.2, 'MODIFIED', statefulSet(20, true)),
    d(podSeen, 'ADDED', pod(podRv, podCreated, false)),
    d(podSeen + 0.001, 'MODIFIED', pod(podRv + 1, podCreated, true)),
  ];
}

function createTrace(deltas: readonly Delta[]): MergedTrace {
  return new Forest(replayWithEngine(deltas).records).rootTrace('StatefulSet.Create');
}

describe('a root converged at a status write delivered before the writes it counted', () => {
  for (const [label, deltas] of [
    ['in order', recording(10)],
    ['shuffled', shuffleWithinWindows(recording(10), 7)],
  ] as const) {
    it(`ends no earlier than a write of a lower resourceVersion in its trace (${label})`, () => {
      const t = createTrace(deltas);
      assert.equal(t.end, 'converged');
      const life = t.spans.find((s) => s.name === 'Pod.Lifecycle');
      assert.ok(life !== undefined, 'the Pod is in the trace');
      // Both converted with the 5 ms offset: the Pod's create at S + 245 ms, the status write at S + 195 ms.
      assert.equal(life.startTime, ms(S + 0.245));
      assert.equal(t.root.endTime, ms(S + 0.245));
      for (const s of t.spans) assert.ok(s.startTime <= t.root.endTime, `${s.name} after convergence`);
    });
  }

  it('keeps its own status write when the Pod was written after it', () => {
    // The same deliveries, but the Pod's create came after the status write (resourceVersion 30):
    // nothing orders it before the convergence, and the end stays at the status write.
    const t = createTrace(recording(30));
    assert.equal(t.root.endTime, ms(S + 0.195));
  });

  it('never leaves the second of its own status stamp', () => {
    // A Pod written before the status write (10 < 20) but stamped a second later (another
    // apiserver's clock): the end goes no further than the status stamp's second.
    const t = createTrace(recording(10, S + 1, S + 1.3));
    assert.equal(t.root.endTime, ms(S + 0.999));
  });
});
