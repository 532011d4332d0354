import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delta } from '../../src/model/delta.js';
import type { SpanRecord } from '../../src/model/span-record.js';
import { Forest, replayWithEngine, shuffleWithinWindows } from './trees.js';

// A run's first delta: a Deployment created 890 ms into second S (the watcher's clock on
// the cluster's), observed 10 ms later. No other offset bound is observed within the
// second after it, so it is converted with its own (900 ms: its lag plus its place in its
// second) and its creation refines to S itself. Its ReplicaSet's and Pod's watch then
// delivers a second late; the scheduler's Event, exactly timed and observed 10 ms after,
// bounds the offset to 10 ms, and the Deployment's done status write is converted with
// that (as tap/node-drain.jsonl lagged: its Create root started 920 ms early).
const T0 = Date.parse('2026-11-22T10:00:00Z');
const S = 10;
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();
const micro = (s: number): string => iso(s).replace('Z', '000Z');
const at = (s: number): number => Math.round(T0 + s * 1000);
const d = (s: number, type: Delta['type'], object: unknown): Delta => ({ time: at(s), type, object });

const deployment = (done: boolean): unknown => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'dep',
    generation: 1,
    resourceVersion: done ? '20' : '10',
    creationTimestamp: iso(S),
    managedFields: [
      { manager: 'kubectl-create', operation: 'Update', time: iso(S), fieldsV1: { 'f:spec': {} } },
      ...(done
        ? [
            {
              manager: 'kube-controller-manager',
              operation: 'Update',
              subresource: 'status',
              time: iso(S + 2),
              fieldsV1: { 'f:status': {} },
            },
          ]
        : []),
    ],
  },
  spec: { replicas: 1 },
  status: done
    ? {
        observedGeneration: 1,
        replicas: 1,
        updatedReplicas: 1,
        availableReplicas: 1,
        readyReplicas: 1,
        conditions: [{ type: 'Available', status: 'True', lastTransitionTime: iso(S + 2) }],
      }
    : {},
});
const replicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: 'web-a',
    namespace: 'default',
    uid: 'rs1',
    generation: 1,
    resourceVersion: '11',
    creationTimestamp: iso(S),
    ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'dep', controller: true }],
  },
  spec: { replicas: 1 },
};
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-a-1',
    namespace: 'default',
    uid: 'p1',
    resourceVersion: '12',
    creationTimestamp: iso(S + 2),
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-a', uid: 'rs1', controller: true }],
  },
  status: { phase: 'Pending' },
};
const scheduled = {
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: 'web-a-1.s1', namespace: 'default', uid: 's1', creationTimestamp: iso(S + 2) },
  eventTime: micro(S + 2.1),
  reportingController: 'default-scheduler',
  reportingInstance: 'default-scheduler-1',
  action: 'Binding',
  reason: 'Scheduled',
  regarding: { kind: 'Pod', namespace: 'default', name: 'web-a-1', uid: 'p1', apiVersion: 'v1' },
  note: 'Successfully assigned default/web-a-1 to node-1',
  type: 'Normal',
};

const deltas: Delta[] = [
  d(S + 0.9, 'ADDED', deployment(false)),
  d(S + 2.0, 'ADDED', replicaSet),
  d(S + 2.06, 'ADDED', pod),
  d(S + 2.11, 'ADDED', scheduled),
  d(S + 2.2, 'MODIFIED', deployment(true)),
];

function createRoot(forest: Forest): SpanRecord {
  for (const t of forest.traces) {
    const root = t.spans.find((s) => s.name === 'Deployment.Create' && s.parentSpanId === undefined);
    if (root !== undefined) return root;
  }
  throw new Error('no Deployment.Create root');
}

describe("a root whose start was converted with its own stamp's bound alone", () => {
  for (const [label, input] of [
    ['in order', deltas],
    ['shuffled', shuffleWithinWindows(deltas, 7)],
  ] as const) {
    it(`starts where the offset its end was converted with puts it (${label})`, () => {
      const forest = new Forest(replayWithEngine(input).records);
      const root = createRoot(forest);
      // The end: the status write's second, refined by its delta less 10 ms.
      assert.equal(root.endTime, at(S + 2.19));
      // The start: the creation's second, refined by its delta less the same 10 ms, not S.
      assert.equal(root.startTime, at(S + 0.89));
      const trace = forest.traces.find((t) => t.traceId === root.traceId);
      assert.ok(trace !== undefined && trace.spans.length > 1);
      for (const s of trace.spans) assert.ok(s.startTime >= root.startTime, `${s.name} before its root`);
    });
  }

  it('never starts after a span of its trace', () => {
    // The ReplicaSet observed promptly this time, 50 ms after the Deployment: converted with
    // the same 900 ms, its creation refines to 50 ms into S, before where the end's offset
    // puts the Deployment's (890 ms). The root starts with it, still later than S.
    const prompt = deltas.map((x) => (x.object === replicaSet ? { ...x, time: at(S + 0.95) } : x));
    const forest = new Forest(replayWithEngine(prompt).records);
    const root = createRoot(forest);
    const trace = forest.traces.find((t) => t.traceId === root.traceId);
    const lifecycle = trace?.spans.find((s) => s.name === 'ReplicaSet.Lifecycle');
    assert.equal(lifecycle?.startTime, at(S + 0.05));
    assert.equal(root.startTime, at(S + 0.05));
  });
});
