import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delta } from '../../src/model/delta.js';
import { eventOccurrenceSpanIdOf, eventSpanIdOf } from '../../src/model/ids.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { replayWithEngine } from './trees.js';

// A Deployment whose deployment-controller Events were combined by client-go's
// correlator (as after ten similar ones): one Event, `ec`, whose note and count
// change with every occurrence. The same message comes twice (occurrences 1 and 3).
const T0 = Date.parse('2026-11-22T10:00:00Z');
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();
const d = (s: number, type: Delta['type'], object: unknown): Delta => ({ time: T0 + s * 1000, type, object });

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'dep', generation: 1, creationTimestamp: iso(0) },
  spec: { replicas: 1 },
};
const replicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: 'web-a',
    namespace: 'default',
    uid: 'rs',
    generation: 1,
    creationTimestamp: iso(1),
    ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'dep', controller: true }],
  },
  spec: { replicas: 1 },
};
const pod = (uid: string, name: string, created: number, deleting?: number): unknown => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid,
    creationTimestamp: iso(created),
    ...(deleting === undefined ? {} : { deletionTimestamp: iso(deleting) }),
    ownerReferences: [{ kind: 'ReplicaSet', name: 'web-a', uid: 'rs', controller: true }],
  },
  status: { phase: 'Pending' },
});
const combined = (count: number, at: number, message: string): unknown => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: {
    name: 'web.18ecc86f4bb8a1d5',
    namespace: 'default',
    uid: 'ec',
    resourceVersion: String(100 + count),
  },
  involvedObject: {
    kind: 'Deployment',
    name: 'web',
    namespace: 'default',
    uid: 'dep',
    apiVersion: 'apps/v1',
  },
  reason: 'ScalingReplicaSet',
  message: `(combined from similar events): ${message}`,
  source: { component: 'deployment-controller' },
  count,
  firstTimestamp: iso(1),
  lastTimestamp: iso(at),
  type: 'Normal',
});
const rsEvent = (uid: string, at: number, reason: string, message: string): unknown => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `web-a.${uid}`, namespace: 'default', uid },
  involvedObject: {
    kind: 'ReplicaSet',
    name: 'web-a',
    namespace: 'default',
    uid: 'rs',
    apiVersion: 'apps/v1',
  },
  reason,
  message,
  source: { component: 'replicaset-controller' },
  count: 1,
  firstTimestamp: iso(at),
  lastTimestamp: iso(at),
  type: 'Normal',
});

const UP = 'Scaled up replica set web-a from 0 to 1';
const DOWN = 'Scaled down replica set web-a from 1 to 0';
const objects = [
  d(0, 'ADDED', deployment),
  d(1, 'ADDED', replicaSet),
  d(1, 'ADDED', pod('p1', 'web-a-1', 1)),
  d(3, 'MODIFIED', pod('p1', 'web-a-1', 1, 3)),
  d(3.1, 'DELETED', pod('p1', 'web-a-1', 1, 3)),
  d(5, 'ADDED', pod('p2', 'web-a-2', 5)),
];
const events = [
  d(1, 'ADDED', combined(1, 1, UP)),
  d(1, 'ADDED', rsEvent('c1', 1, 'SuccessfulCreate', 'Created pod: web-a-1')),
  d(3, 'MODIFIED', combined(2, 3, DOWN)),
  d(3, 'ADDED', rsEvent('d1', 3, 'SuccessfulDelete', 'Deleted pod: web-a-1')),
  d(5, 'MODIFIED', combined(3, 5, UP)),
  d(5, 'ADDED', rsEvent('c2', 5, 'SuccessfulCreate', 'Created pod: web-a-2')),
];

function spansOf(records: readonly TraceRecord[]): SpanRecord[] {
  return records.flatMap((r) => r.spans);
}

function ancestors(spans: readonly SpanRecord[], s: SpanRecord): SpanRecord[] {
  const byId = new Map(spans.map((x) => [x.spanId, x]));
  const out: SpanRecord[] = [];
  for (let p = byId.get(s.parentSpanId ?? ''); p !== undefined; p = byId.get(p.parentSpanId ?? '')) {
    out.push(p);
    if (out.length > 20) break;
  }
  return out;
}

describe('a combined Event', () => {
  const inOrder = replayWithEngine([...objects, ...events].sort((a, b) => a.time - b.time));

  it('gives each occurrence its own action span: id hash(uid, count), its own time, note and count', () => {
    const steps = spansOf(inOrder.records)
      .filter((s) => s.name === 'Deployment.ScalingReplicaSet')
      .sort((a, b) => a.startTime - b.startTime);
    assert.deepEqual(
      steps.map((s) => [s.spanId, s.startTime, s.endTime, s.attributes['k8s.event.count']]),
      [1, 3, 5].map((s, i) => [eventOccurrenceSpanIdOf('ec', i + 1), T0 + s * 1000, T0 + s * 1000, i + 1]),
    );
    assert.ok(steps.every((s) => s.attributes['k8s.event.uid'] === 'ec'));
    assert.ok(!steps.some((s) => s.spanId === eventSpanIdOf('ec')));
    assert.deepEqual(
      steps.map((s) => s.attributes['k8s.event.acted_on.name']),
      ['web-a', 'web-a', 'web-a'],
    );
    assert.match(
      String(steps[1]?.attributes['k8s.event.note']),
      /^\(combined from similar events\): Scaled down/,
    );
  });

  it('puts each create and delete under the occurrence that caused it', () => {
    const spans = spansOf(inOrder.records);
    const under = (uid: string): string[] =>
      ancestors(spans, spans.find((s) => s.attributes['k8s.event.uid'] === uid) as SpanRecord)
        .filter((a) => a.name === 'Deployment.ScalingReplicaSet')
        .map((a) => a.spanId);
    assert.deepEqual(under('c1'), [eventOccurrenceSpanIdOf('ec', 1)]);
    assert.deepEqual(under('d1'), [eventOccurrenceSpanIdOf('ec', 2)]);
    assert.deepEqual(under('c2'), [eventOccurrenceSpanIdOf('ec', 3)]);
  });

  it('counts the same occurrence delivered again as a duplicate', () => {
    const again = replayWithEngine(
      [...objects, ...events, d(5.5, 'MODIFIED', combined(2, 3, DOWN))].sort((a, b) => a.time - b.time),
    );
    assert.deepEqual(again.records, inOrder.records);
    assert.equal(again.engine.stats().rejected.duplicate, 1);
  });

  it('gives the same trees whatever order its updates arrive in', () => {
    // Each update keeps its observation time (it refines the stamps); only the order changes.
    const other = replayWithEngine([...objects, ...[...events].reverse()]);
    const key = (r: readonly TraceRecord[]): string[] =>
      spansOf(r)
        .map((s) => `${s.spanId} ${s.parentSpanId ?? '-'} ${s.name} ${s.startTime}`)
        .sort();
    assert.deepEqual(key(other.records), key(inOrder.records));
  });
});
