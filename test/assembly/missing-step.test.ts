import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delta } from '../../src/model/delta.js';
import { traceIdOf } from '../../src/model/ids.js';
import type { SpanRecord } from '../../src/model/span-record.js';
import { replayWithEngine } from './trees.js';
import {
  coreEvent,
  delta as d,
  deployment,
  type ObjectRef,
  pod,
  replicaSet,
  replicaSetRef,
  specWrite,
  WEB,
} from './watch-fixture.js';

// client-go sends at most 25 Events about one object in a burst (then one every
// 5 minutes): the deployment controller's scaling steps of a later rollout can
// be missing while the ReplicaSet controller's "Deleted pod" Events are not
// (five-image-changes.jsonl). Here generation 2 scales the old ReplicaSet down
// with no step on record.
const web = (generation: number): unknown =>
  deployment({
    generation,
    managedFields: [
      specWrite('kubectl-client-side-apply', 0),
      ...(generation > 1 ? [specWrite('kubectl-set', 10)] : []),
    ],
  });
const WEB_A = replicaSetRef('web-a', 'rsa');
const WEB_B = replicaSetRef('web-b', 'rsb');
const rsEvent = (uid: string, rs: ObjectRef, reason: string, message: string, at: number): unknown =>
  coreEvent({ uid, about: rs, component: 'replicaset-controller', reason, message, at });

const deltas: Delta[] = [
  d(0, 'ADDED', web(1)),
  d(1, 'ADDED', replicaSet({ name: 'web-a', uid: 'rsa', created: 1 })),
  d(
    1,
    'ADDED',
    coreEvent({
      uid: 's1',
      about: WEB,
      component: 'deployment-controller',
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-a from 0 to 1',
      at: 1,
    }),
  ),
  d(1, 'ADDED', pod({ uid: 'p1', name: 'web-a-1', owner: WEB_A, created: 1 })),
  d(1, 'ADDED', rsEvent('c1', WEB_A, 'SuccessfulCreate', 'Created pod: web-a-1', 1)),
  d(10, 'MODIFIED', web(2)),
  d(11, 'ADDED', replicaSet({ name: 'web-b', uid: 'rsb', created: 11 })),
  d(11, 'ADDED', pod({ uid: 'p2', name: 'web-b-1', owner: WEB_B, created: 11 })),
  d(11, 'ADDED', rsEvent('c2', WEB_B, 'SuccessfulCreate', 'Created pod: web-b-1', 11)),
  // No "Scaled down replica set web-a": its Event was dropped.
  d(12, 'MODIFIED', pod({ uid: 'p1', name: 'web-a-1', owner: WEB_A, created: 1, deleting: 12 })),
  d(12, 'ADDED', rsEvent('d1', WEB_A, 'SuccessfulDelete', 'Deleted pod: web-a-1', 12)),
  d(12.5, 'DELETED', pod({ uid: 'p1', name: 'web-a-1', owner: WEB_A, created: 1, deleting: 12 })),
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
