import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventOccurrenceSpanIdOf, eventSpanIdOf } from '../../src/model/ids.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { replayWithEngine } from './trees.js';
import {
  coreEvent,
  delta as d,
  deployment,
  pod as podOf,
  replicaSet,
  replicaSetRef,
  T0,
  WEB,
} from './watch-fixture.js';

// A Deployment whose deployment-controller Events were combined by client-go's
// correlator (as after ten similar ones): one Event, `ec`, whose note and count
// change with every occurrence. The same message comes twice (occurrences 1 and 3).
const WEB_A = replicaSetRef('web-a', 'rs');
const pod = (uid: string, name: string, created: number, deleting?: number): unknown =>
  podOf({ uid, name, owner: WEB_A, created, deleting });
const combined = (count: number, at: number, message: string): unknown =>
  coreEvent({
    uid: 'ec',
    name: 'web.18ecc86f4bb8a1d5',
    rv: String(100 + count),
    about: WEB,
    component: 'deployment-controller',
    reason: 'ScalingReplicaSet',
    message: `(combined from similar events): ${message}`,
    count,
    first: 1,
    at,
  });
const rsEvent = (uid: string, at: number, reason: string, message: string): unknown =>
  coreEvent({ uid, about: WEB_A, component: 'replicaset-controller', reason, message, at });

const UP = 'Scaled up replica set web-a from 0 to 1';
const DOWN = 'Scaled down replica set web-a from 1 to 0';
const objects = [
  d(0, 'ADDED', deployment()),
  d(1, 'ADDED', replicaSet({ name: 'web-a', uid: 'rs', created: 1 })),
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
