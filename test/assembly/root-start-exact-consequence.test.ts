import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delta } from '../../src/model/delta.js';
import type { SpanRecord } from '../../src/model/span-record.js';
import { Forest, replayWithEngine, shuffleWithinWindows } from './trees.js';

// A spec change stamped in second S (managedFields) and observed 300 ms into it: the
// Deployments watch delivered late, while the scheduler's Event about a Pod it caused
// carries an exact eventTime 100 ms into S (as in restart-after-three-rollouts.jsonl,
// where the Update root started 15 ms after its Pod's Scheduled).
const T0 = Date.parse('2026-11-22T10:00:00Z');
const S = 10;
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();
const micro = (s: number): string => iso(s).replace('Z', '000Z');
const d = (s: number, type: Delta['type'], object: unknown): Delta => ({ time: T0 + s * 1000, type, object });

const deployment = (generation: number, specWrite: number): unknown => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'default',
    uid: 'dep',
    generation,
    creationTimestamp: iso(0),
    managedFields: [
      { manager: 'kubectl-client-side-apply', operation: 'Update', time: iso(0), fieldsV1: { 'f:spec': {} } },
      ...(generation > 1
        ? [{ manager: 'kubectl-set', operation: 'Update', time: iso(specWrite), fieldsV1: { 'f:spec': {} } }]
        : []),
    ],
  },
  spec: { replicas: 1 },
});
const replicaSet = (uid: string, name: string, created: number): unknown => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name,
    namespace: 'default',
    uid,
    generation: 1,
    creationTimestamp: iso(created),
    ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'dep', controller: true }],
  },
  spec: { replicas: 1 },
});
const pod = (uid: string, name: string, rs: string, rsUid: string, created: number): unknown => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid,
    creationTimestamp: iso(created),
    ownerReferences: [{ kind: 'ReplicaSet', name: rs, uid: rsUid, controller: true }],
  },
  status: { phase: 'Pending' },
});
const scheduled = (uid: string, podName: string, podUid: string, at: number): unknown => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name: `${podName}.${uid}`, namespace: 'default', uid, creationTimestamp: iso(Math.floor(at)) },
  eventTime: micro(at),
  reportingController: 'default-scheduler',
  reportingInstance: 'default-scheduler-1',
  action: 'Binding',
  reason: 'Scheduled',
  regarding: { kind: 'Pod', namespace: 'default', name: podName, uid: podUid, apiVersion: 'v1' },
  note: `Successfully assigned default/${podName} to node-1`,
  type: 'Normal',
});

const deltas: Delta[] = [
  // The Create, each write observed as it was stamped: the offset estimate is 0.
  d(0, 'ADDED', deployment(1, 0)),
  d(0, 'ADDED', replicaSet('rs1', 'web-a', 0)),
  d(0, 'ADDED', pod('p1', 'web-a-1', 'web-a', 'rs1', 0)),
  d(0.2, 'ADDED', scheduled('s1', 'web-a-1', 'p1', 0.2)),
  // The Update, stamped S, observed at S + 0.3; its first Pod scheduled at S + 0.1 exactly.
  d(S + 0.3, 'MODIFIED', deployment(2, S)),
  d(S + 0.31, 'ADDED', replicaSet('rs2', 'web-b', S)),
  d(S + 0.32, 'ADDED', pod('p2', 'web-b-1', 'web-b', 'rs2', S)),
  d(S + 0.33, 'ADDED', scheduled('s2', 'web-b-1', 'p2', S + 0.1)),
];

function updateRoot(forest: Forest): SpanRecord {
  for (const t of forest.traces) {
    const root = t.spans.find((s) => s.name === 'Deployment.Update' && s.parentSpanId === undefined);
    if (root !== undefined) return root;
  }
  throw new Error('no Deployment.Update root');
}

describe('a spec change observed late', () => {
  for (const [label, input] of [
    ['in order', deltas],
    ['shuffled', shuffleWithinWindows(deltas, 11)],
  ] as const) {
    it(`starts no later than its consequence's exact eventTime, within its own second (${label})`, () => {
      const forest = new Forest(replayWithEngine(input).records);
      const sched = forest.event('s2');
      assert.equal(sched.span.startTime, T0 + (S + 0.1) * 1000);
      const root = updateRoot(forest);
      assert.equal(sched.trace.traceId, root.traceId);
      assert.equal(root.startTime, T0 + (S + 0.1) * 1000);
      for (const s of sched.trace.spans)
        assert.ok(s.startTime >= root.startTime, `${s.name} before its root`);
    });
  }
});
