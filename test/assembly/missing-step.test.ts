import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delta } from '../../src/model/delta.js';
import { traceIdOf } from '../../src/model/ids.js';
import type { SpanRecord } from '../../src/model/span-record.js';
import { replayWithEngine } from './trees.js';

// client-go sends at most 25 Events about one object in a burst (then one every
// 5 minutes): the deployment controller's scaling steps of a later rollout can
// be missing while the ReplicaSet controller's "Deleted pod" Events are not
// (five-image-changes.jsonl). Here generation 2 scales the old ReplicaSet down
// with no step on record.
const T0 = Date.parse('2026-11-22T10:00:00Z');
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();
const d = (s: number, type: Delta['type'], object: unknown): Delta => ({ time: T0 + s * 1000, type, object });

const deployment = (generation: number): unknown => ({
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
        ? [{ manager: 'kubectl-set', operation: 'Update', time: iso(10), fieldsV1: { 'f:spec': {} } }]
        : []),
    ],
  },
  spec: { replicas: 1 },
});
const replicaSet = (name: string, uid: string, created: number): unknown => ({
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
const pod = (
  uid: string,
  name: string,
  rs: string,
  rsUid: string,
  created: number,
  deleting?: number,
): unknown => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid,
    creationTimestamp: iso(created),
    ...(deleting === undefined ? {} : { deletionTimestamp: iso(deleting) }),
    ownerReferences: [{ kind: 'ReplicaSet', name: rs, uid: rsUid, controller: true }],
  },
  status: { phase: 'Pending' },
});
const event = (
  uid: string,
  kind: string,
  name: string,
  objUid: string,
  component: string,
  reason: string,
  message: string,
  at: number,
): unknown => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `${name}.${uid}`, namespace: 'default', uid },
  involvedObject: { kind, name, namespace: 'default', uid: objUid, apiVersion: 'apps/v1' },
  reason,
  message,
  source: { component },
  count: 1,
  firstTimestamp: iso(at),
  lastTimestamp: iso(at),
  type: 'Normal',
});

const deltas: Delta[] = [
  d(0, 'ADDED', deployment(1)),
  d(1, 'ADDED', replicaSet('web-a', 'rsa', 1)),
  d(
    1,
    'ADDED',
    event(
      's1',
      'Deployment',
      'web',
      'dep',
      'deployment-controller',
      'ScalingReplicaSet',
      'Scaled up replica set web-a from 0 to 1',
      1,
    ),
  ),
  d(1, 'ADDED', pod('p1', 'web-a-1', 'web-a', 'rsa', 1)),
  d(
    1,
    'ADDED',
    event(
      'c1',
      'ReplicaSet',
      'web-a',
      'rsa',
      'replicaset-controller',
      'SuccessfulCreate',
      'Created pod: web-a-1',
      1,
    ),
  ),
  d(10, 'MODIFIED', deployment(2)),
  d(11, 'ADDED', replicaSet('web-b', 'rsb', 11)),
  d(11, 'ADDED', pod('p2', 'web-b-1', 'web-b', 'rsb', 11)),
  d(
    11,
    'ADDED',
    event(
      'c2',
      'ReplicaSet',
      'web-b',
      'rsb',
      'replicaset-controller',
      'SuccessfulCreate',
      'Created pod: web-b-1',
      11,
    ),
  ),
  // No "Scaled down replica set web-a": its Event was dropped.
  d(12, 'MODIFIED', pod('p1', 'web-a-1', 'web-a', 'rsa', 1, 12)),
  d(
    12,
    'ADDED',
    event(
      'd1',
      'ReplicaSet',
      'web-a',
      'rsa',
      'replicaset-controller',
      'SuccessfulDelete',
      'Deleted pod: web-a-1',
      12,
    ),
  ),
  d(12.5, 'DELETED', pod('p1', 'web-a-1', 'web-a', 'rsa', 1, 12)),
];

describe('a delete whose scaling step was never sent', () => {
  const { records } = replayWithEngine(deltas);
  const spans: { trace: string; span: SpanRecord }[] = records.flatMap((r) =>
    r.spans.map((span) => ({ trace: r.traceId, span })),
  );
  const deleted = spans.find((s) => s.span.attributes['k8s.event.uid'] === 'd1');

  it('belongs to the intent in force when it happened, not to the last step on record of an earlier one', () => {
    assert.equal(deleted?.trace, traceIdOf('dep', 2));
  });

  it('hangs under that intent, marked as a guess', () => {
    const root = records.find((r) => r.traceId === traceIdOf('dep', 2))?.root;
    assert.equal(deleted?.span.parentSpanId, root?.spanId);
    assert.equal(deleted?.span.attributes['kubetrail.parent.inferred'], true);
    const termination = spans.find((s) => s.span.name === 'Pod.Termination');
    assert.equal(termination?.trace, traceIdOf('dep', 2));
    assert.equal(termination?.span.parentSpanId, deleted?.span.spanId);
  });

  it('leaves a create of the earlier intent where its step put it', () => {
    const created = spans.find((s) => s.span.attributes['k8s.event.uid'] === 'c1');
    assert.equal(created?.trace, traceIdOf('dep', 1));
  });
});
