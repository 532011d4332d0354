import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectProjection } from '../../src/model/projection.js';
import type { IssueSink } from '../../src/normalise/narrow.js';
import { projectObject } from '../../src/normalise/project-object.js';
import { isRejected } from '../../src/normalise/rejection.js';

function sink(): IssueSink & { issues: string[] } {
  const issues: string[] = [];
  return { issues, issue: (r) => issues.push(r) };
}

function ok(raw: unknown, s = sink()): ObjectProjection {
  const p = projectObject(raw, s);
  assert.ok(!isRejected(p));
  return p;
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'web',
    namespace: 'shop',
    uid: 'd-1',
    generation: 3,
    resourceVersion: '10',
    creationTimestamp: '2026-11-22T09:00:00Z',
    annotations: {
      'tracing.k8s.io/traceparent': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      other: 'x'.repeat(10000),
    },
    labels: { app: 'web' },
    managedFields: [
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        time: '2026-11-22T10:00:05Z',
        fieldsV1: { 'f:status': {} },
      },
      { manager: 'helm', operation: 'Update', time: '2026-11-22T09:30:00Z', fieldsV1: { 'f:spec': {} } },
      {
        manager: 'kubectl-client-side-apply',
        operation: 'Update',
        time: '2026-11-22T10:00:00Z',
        fieldsV1: { 'f:spec': {} },
      },
    ],
  },
  spec: { replicas: 3, template: { spec: { containers: [{ image: 'web:3' }] } } },
  status: {
    observedGeneration: 2,
    replicas: 3,
    readyReplicas: 2,
    updatedReplicas: 1,
    availableReplicas: 2,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        lastTransitionTime: '2026-11-22T09:01:00Z',
      },
    ],
  },
};

describe('projectObject', () => {
  it('keeps only the compact projection', () => {
    const p = ok(deployment);
    assert.equal(p.kind, 'Deployment');
    assert.equal(p.generation, 3);
    assert.equal(p.observedGeneration, 2);
    assert.equal(p.status.specReplicas, 3);
    assert.equal(p.status.updatedReplicas, 1);
    assert.equal(p.conditions[0]?.lastTransitionTime, Date.parse('2026-11-22T09:01:00Z'));
    assert.equal(p.traceparent, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    // No raw object, no labels, no other annotations.
    assert.ok(!('metadata' in p) && !('spec' in p));
    assert.ok(!JSON.stringify(p).includes('xxxxxxxx'));
  });

  it('takes the latest managedFields entry that touched f:spec', () => {
    const p = ok(deployment);
    assert.equal(p.specChange?.manager, 'kubectl-client-side-apply');
    assert.equal(p.specChange?.time, Date.parse('2026-11-22T10:00:00Z'));
  });

  it('has no spec change without managedFields', () => {
    assert.equal(
      ok({ ...deployment, metadata: { ...deployment.metadata, managedFields: undefined } }).specChange,
      undefined,
    );
  });

  it('follows the controller owner by uid and drops a self-owner', () => {
    const s = sink();
    const p = ok(
      {
        kind: 'Pod',
        metadata: {
          name: 'p',
          uid: 'p-1',
          ownerReferences: [
            { kind: 'Pod', name: 'p', uid: 'p-1', controller: true },
            { kind: 'ReplicaSet', name: 'rs', uid: 'rs-1', controller: true },
            { kind: 'Bad' },
          ],
        },
      },
      s,
    );
    assert.equal(p.controllerUid, 'rs-1');
    assert.equal(p.owners.length, 1);
    assert.ok(s.issues.includes('self-owner'));
    assert.ok(s.issues.includes('invalid-owner-reference'));
  });

  it('repairs invalid timestamps to undefined and counts them', () => {
    const s = sink();
    const p = ok(
      {
        kind: 'Pod',
        metadata: { name: 'p', uid: 'u', creationTimestamp: 'yesterday', deletionTimestamp: 5 },
      },
      s,
    );
    assert.equal(p.creationTimestamp, undefined);
    assert.equal(p.deletionTimestamp, undefined);
    assert.equal(s.issues.filter((i) => i === 'invalid-timestamp').length, 2);
  });

  it('rejects a generation that is not a positive integer, and counts it', () => {
    for (const generation of [2.5, 2 ** 64, Number.POSITIVE_INFINITY, -3, 0, '3']) {
      const p = projectObject({ ...deployment, metadata: { ...deployment.metadata, generation } }, sink());
      assert.ok(isRejected(p), String(generation));
      assert.equal(p.rejected, 'invalid-generation', String(generation));
    }
  });

  it('rejects a delta that lost the generation its object had (it would read as a create)', () => {
    const held = ok(deployment);
    const { generation: _dropped, ...meta } = deployment.metadata;
    const p = projectObject({ ...deployment, metadata: meta }, sink(), undefined, held);
    assert.ok(isRejected(p));
    assert.equal(p.rejected, 'missing-generation');
    // An object that never had one (kspan's captures) is kept.
    assert.ok(!isRejected(projectObject({ ...deployment, metadata: meta }, sink())));
  });

  it('drops replica counts and grace periods that are not integers in range, and counts them', () => {
    const s = sink();
    const p = ok(
      {
        ...deployment,
        metadata: { ...deployment.metadata, deletionGracePeriodSeconds: 1e300 },
        spec: { replicas: 2.5 },
        status: { observedGeneration: -1, replicas: 1e300, readyReplicas: 2 },
      },
      s,
    );
    assert.equal(p.status.specReplicas, undefined);
    assert.equal(p.status.replicas, undefined);
    assert.equal(p.status.readyReplicas, 2);
    assert.equal(p.observedGeneration, undefined);
    assert.equal(p.deletionGracePeriodSeconds, undefined);
    assert.equal(s.issues.filter((i) => i === 'invalid-number').length, 4);
  });

  it('drops stamps outside the plausible window around the delta, and counts them', () => {
    const observed = Date.parse('2026-11-22T10:00:00Z');
    for (const stamp of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '2026-11-23T10:00:01Z']) {
      const s = sink();
      const p = projectObject(
        {
          ...deployment,
          metadata: { ...deployment.metadata, creationTimestamp: stamp, deletionTimestamp: stamp },
          status: { conditions: [{ type: 'Available', status: 'True', lastTransitionTime: stamp }] },
        },
        s,
        observed,
      );
      assert.ok(!isRejected(p));
      assert.equal(p.creationTimestamp, undefined, stamp);
      assert.equal(p.deletionTimestamp, undefined, stamp);
      assert.equal(p.conditions[0]?.lastTransitionTime, undefined, stamp);
      assert.equal(s.issues.filter((i) => i === 'implausible-timestamp').length, 3, stamp);
    }
    // A day of clock skew, and an object years old, are plausible.
    const p = ok({
      ...deployment,
      metadata: { ...deployment.metadata, creationTimestamp: '2019-01-01T00:00:00Z' },
    });
    assert.equal(p.creationTimestamp, Date.parse('2019-01-01T00:00:00Z'));
  });

  it('accepts unknown kinds', () => {
    const p = ok({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', uid: 'w-1', generation: 2 },
      status: { observedGeneration: 2 },
    });
    assert.equal(p.kind, 'Widget');
    assert.equal(p.observedGeneration, 2);
  });

  it('rejects objects without kind, uid or name', () => {
    assert.equal(
      (projectObject({ metadata: { name: 'a', uid: 'b' } }, sink()) as { rejected: string }).rejected,
      'missing-kind',
    );
    assert.equal(
      (projectObject({ kind: 'Pod', metadata: { name: 'a' } }, sink()) as { rejected: string }).rejected,
      'missing-uid',
    );
    assert.equal(
      (projectObject({ kind: 'Pod', metadata: { uid: 'a' } }, sink()) as { rejected: string }).rejected,
      'missing-name',
    );
    assert.equal((projectObject([1, 2], sink()) as { rejected: string }).rejected, 'not-an-object');
  });
});
