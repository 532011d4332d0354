import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { TraceEngine } from '../../src/assembly/trace-engine.js';
import { ManualClock } from '../../src/model/clock.js';
import { ALIGN_DELAY_MS as A } from '../../src/model/clock-offset.js';
import type { Delta } from '../../src/model/delta.js';
import { eventSpanIdOf, lifecycleSpanIdOf, traceIdOf } from '../../src/model/ids.js';
import { Forest, replayWithEngine } from './trees.js';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();

function pod(
  uid: string,
  name: string,
  extra: { ready?: number; owner?: string; created?: number } = {},
): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid,
      creationTimestamp: iso(extra.created ?? 0),
      ...(extra.owner === undefined
        ? {}
        : { ownerReferences: [{ kind: 'ReplicaSet', name: 'rs', uid: extra.owner, controller: true }] }),
      managedFields: [
        { manager: 'kubectl-run', operation: 'Update', time: iso(0), fieldsV1: { 'f:spec': {} } },
      ],
    },
    status:
      extra.ready === undefined
        ? { phase: 'Pending' }
        : {
            phase: 'Running',
            conditions: [
              { type: 'PodScheduled', status: 'True', lastTransitionTime: iso(0) },
              { type: 'Ready', status: 'True', lastTransitionTime: iso(extra.ready) },
            ],
          },
  };
}

function coreEvent(
  uid: string,
  podUid: string,
  name: string,
  reason: string,
  at: number,
  extra: Record<string, unknown> = {},
): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${name}.${uid}`, namespace: 'default', uid },
    involvedObject: { kind: 'Pod', name, namespace: 'default', uid: podUid, apiVersion: 'v1' },
    reason,
    message: `${reason} happened`,
    source: { component: 'kubelet', host: 'node-1' },
    count: 1,
    firstTimestamp: iso(at),
    lastTimestamp: iso(at),
    type: 'Normal',
    ...extra,
  };
}

const d = (s: number, type: Delta['type'], object: unknown, initial = false): Delta =>
  initial ? { time: T0 + s * 1000, type, object, initial: true } : { time: T0 + s * 1000, type, object };

const run = replayWithEngine;

describe('deterministic ids', () => {
  it('follows the README: sha256 of root uid/generation, trace+uid, event uid', () => {
    const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
    assert.equal(traceIdOf('abc', 3), sha('abc/3').slice(0, 32));
    assert.equal(traceIdOf('abc', 'delete'), sha('abc/delete').slice(0, 32));
    const t = traceIdOf('abc', 3);
    assert.equal(lifecycleSpanIdOf(t, 'pod'), sha(`${t}pod`).slice(0, 16));
    assert.equal(eventSpanIdOf('ev'), sha('ev').slice(0, 16));
  });

  it('a bare Pod gives the same ids on every run, with the root as the pod lifecycle span', () => {
    const deltas = [
      d(0, 'ADDED', pod('p1', 'debug')),
      d(1, 'ADDED', coreEvent('e1', 'p1', 'debug', 'Pulled', 1)),
      d(2, 'MODIFIED', pod('p1', 'debug', { ready: 2 })),
    ];
    const a = run(deltas).records;
    const b = run(deltas).records;
    assert.deepEqual(a, b);
    const rec = a[0];
    assert.ok(rec !== undefined);
    assert.equal(rec.traceId, traceIdOf('p1', 0));
    assert.equal(rec.root.spanId, lifecycleSpanIdOf(rec.traceId, 'p1'));
    assert.equal(rec.root.name, 'Pod.Create');
    assert.equal(rec.end, 'converged');
    assert.equal(rec.root.endTime, T0 + 2000);
    const ev = rec.spans.find((s) => s.attributes['k8s.event.uid'] === 'e1');
    assert.equal(ev?.spanId, eventSpanIdOf('e1'));
    assert.equal(ev?.parentSpanId, rec.root.spanId);
  });
});

describe('repeated events', () => {
  it('a core/v1 count bump updates one span: count, last time, end', () => {
    const deltas = [
      d(0, 'ADDED', pod('p1', 'web')),
      d(1, 'ADDED', coreEvent('e1', 'p1', 'web', 'BackOff', 1, { type: 'Warning' })),
      d(
        5,
        'MODIFIED',
        coreEvent('e1', 'p1', 'web', 'BackOff', 1, { type: 'Warning', count: 2, lastTimestamp: iso(5) }),
      ),
      d(
        9,
        'MODIFIED',
        coreEvent('e1', 'p1', 'web', 'BackOff', 1, { type: 'Warning', count: 3, lastTimestamp: iso(9) }),
      ),
      d(
        9.5,
        'MODIFIED',
        coreEvent('e1', 'p1', 'web', 'BackOff', 1, { type: 'Warning', count: 3, lastTimestamp: iso(9) }),
      ),
    ];
    const { records, engine } = run(deltas);
    const spans = records.flatMap((r) => r.spans).filter((s) => s.attributes['k8s.event.uid'] === 'e1');
    assert.equal(spans.length, 1);
    const s = spans[0];
    assert.equal(s?.attributes['k8s.event.count'], 3);
    assert.equal(s?.startTime, T0 + 1000);
    assert.equal(s?.endTime, T0 + 9000);
    assert.equal(s?.attributes['k8s.event.last_time'], T0 + 9000);
    assert.equal(s?.status.code, 'ERROR', 'Warning gives ERROR');
    assert.equal(engine.stats().rejected.duplicate, 1, 'the same count again is a duplicate');
  });

  it('an events.k8s.io series updates one span', () => {
    const ev = (count: number | undefined, last: number): unknown => ({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'web.x', namespace: 'default', uid: 'e2' },
      regarding: { kind: 'Pod', name: 'web', namespace: 'default', uid: 'p1' },
      reason: 'FailedScheduling',
      note: '0/1 nodes are available',
      type: 'Warning',
      reportingController: 'default-scheduler',
      reportingInstance: 'sched-1',
      eventTime: iso(1),
      ...(count === undefined ? {} : { series: { count, lastObservedTime: iso(last) } }),
    });
    const { records } = run([
      d(0, 'ADDED', pod('p1', 'web')),
      d(1, 'ADDED', ev(undefined, 1)),
      d(30, 'MODIFIED', ev(2, 30)),
      d(60, 'MODIFIED', ev(5, 60)),
    ]);
    const spans = records.flatMap((r) => r.spans).filter((s) => s.attributes['k8s.event.uid'] === 'e2');
    assert.equal(spans.length, 1);
    assert.equal(spans[0]?.attributes['k8s.event.count'], 5);
    assert.equal(spans[0]?.endTime, T0 + 60_000);
    assert.equal(spans[0]?.service, 'default-scheduler');
    assert.equal(spans[0]?.serviceInstance, 'sched-1');
    assert.equal(spans[0]?.name, 'Pod.FailedScheduling');
  });
});

describe('span content', () => {
  it('carries the semconv and event attributes', () => {
    const { records } = run([
      d(0, 'ADDED', pod('p1', 'web')),
      d(1, 'ADDED', coreEvent('e1', 'p1', 'web', 'Pulled', 1)),
    ]);
    const s = records.flatMap((r) => r.spans).find((x) => x.attributes['k8s.event.uid'] === 'e1');
    assert.ok(s !== undefined);
    assert.equal(s.attributes['k8s.pod.name'], 'web');
    assert.equal(s.attributes['k8s.pod.uid'], 'p1');
    assert.equal(s.attributes['k8s.namespace.name'], 'default');
    assert.equal(s.attributes['k8s.event.reason'], 'Pulled');
    assert.equal(s.attributes['k8s.event.type'], 'Normal');
    assert.equal(s.attributes['k8s.event.note'], 'Pulled happened');
    assert.equal(s.attributes['k8s.event.reporting_controller'], 'kubelet');
    assert.equal(s.attributes['k8s.event.reporting_instance'], 'node-1');
    assert.equal(s.service, 'kubelet');
    assert.equal(s.status.code, 'UNSET');
  });

  it('uses k8s.object.* for kinds without semconv keys', () => {
    const widget = {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'default', uid: 'w1', generation: 1, creationTimestamp: iso(0) },
    };
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'w.1', namespace: 'default', uid: 'ew' },
      involvedObject: { kind: 'Widget', name: 'w', namespace: 'default', uid: 'w1' },
      reason: 'Reconciled',
      message: 'ok',
      source: { component: 'widget-operator' },
      firstTimestamp: iso(1),
      lastTimestamp: iso(1),
      count: 1,
      type: 'Normal',
    };
    const { records } = run([d(0, 'ADDED', widget), d(1, 'ADDED', ev)]);
    const s = records.flatMap((r) => r.spans).find((x) => x.attributes['k8s.event.uid'] === 'ew');
    assert.equal(s?.attributes['k8s.object.kind'], 'Widget');
    assert.equal(s?.attributes['k8s.object.name'], 'w');
    assert.equal(s?.attributes['k8s.object.uid'], 'w1');
    assert.equal(records[0]?.root.name, 'Widget.Create');
  });

  it('turns condition transitions into span events at lastTransitionTime', () => {
    const { records } = run([
      d(0, 'ADDED', pod('p1', 'web')),
      d(4, 'MODIFIED', pod('p1', 'web', { ready: 4 })),
    ]);
    const root = records[0]?.root;
    assert.ok(root !== undefined);
    const ready = root.events.find((e) => e.name === 'Ready=True');
    assert.equal(ready?.time, T0 + 4000);
    assert.equal(ready?.attributes?.['k8s.condition.type'], 'Ready');
  });

  it('links the root span to a traceparent annotation', () => {
    const p = pod('p1', 'web') as { metadata: Record<string, unknown> };
    p.metadata.annotations = {
      'tracing.k8s.io/traceparent': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    const { records } = run([d(0, 'ADDED', p)]);
    assert.deepEqual(
      records[0]?.root.links.map((l) => [l.traceId, l.spanId]),
      [['0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331']],
    );
  });
});

describe('settling and cut-off', () => {
  it('emits a converged trace only after the settle window, then late spans as a further record', () => {
    const clock = new ManualClock(T0);
    const engine = new TraceEngine({ clock, settleMs: 5000 });
    engine.apply(d(0, 'ADDED', pod('p1', 'web')));
    clock.advanceTo(T0 + 2000);
    engine.apply(d(2, 'MODIFIED', pod('p1', 'web', { ready: 2 })));
    // Each delta is applied ALIGN_DELAY_MS after its observation: the Pod is done at T0 + 2 s + A.
    clock.advanceTo(T0 + 2000 + A);
    assert.deepEqual(engine.tick(), []);
    clock.advanceTo(T0 + 6000 + A);
    assert.deepEqual(engine.tick(), []);
    clock.advanceTo(T0 + 7001 + A);
    const first = engine.tick();
    assert.equal(first.length, 1);
    assert.equal(first[0]?.late, undefined);
    clock.advanceTo(T0 + 8000);
    engine.apply(d(8, 'ADDED', coreEvent('late', 'p1', 'web', 'Unhealthy', 8)));
    clock.advanceTo(T0 + 8000 + A);
    assert.deepEqual(engine.tick(), []);
    clock.advanceTo(T0 + 14_000 + A);
    const late = engine.tick();
    assert.equal(late.length, 1);
    assert.equal(late[0]?.late, true);
    assert.equal(late[0]?.traceId, first[0]?.traceId);
    assert.deepEqual(
      late[0]?.spans.map((s) => s.parentSpanId),
      [first[0]?.root.spanId],
    );
    assert.equal(engine.stats().lateRecords, 1);
  });

  it('cuts a trace off at maxTraceMs and marks it', () => {
    const clock = new ManualClock(T0);
    const engine = new TraceEngine({ clock, maxTraceMs: 60_000 });
    engine.apply(d(0, 'ADDED', pod('p1', 'web')));
    clock.advanceTo(T0 + 60_001);
    const out = engine.tick();
    assert.equal(out[0]?.end, 'cut-off');
    assert.equal(out[0]?.root.attributes['kubetrail.trace.end'], 'cut-off');
    assert.equal(out[0]?.root.endTime, T0 + 60_000);
  });

  it('flush emits open traces marked shutdown', () => {
    const { records } = run([d(0, 'ADDED', pod('p1', 'web'))]);
    assert.equal(records[0]?.end, 'shutdown');
  });

  it('marks intents older than startedAt as partial', () => {
    const { records } = run([d(0, 'ADDED', pod('p1', 'web'))], { startedAt: T0 + 1000 });
    assert.equal(records[0]?.partial, true);
    assert.equal(records[0]?.root.attributes['kubetrail.trace.partial'], true);
  });

  it('skips Events last seen before skipEventsBefore', () => {
    const { records, engine } = run(
      [d(0, 'ADDED', pod('p1', 'web')), d(1, 'ADDED', coreEvent('old', 'p1', 'web', 'Pulled', -100))],
      { skipEventsBefore: T0 },
    );
    assert.equal(engine.stats().rejected['stale-event'], 1);
    assert.equal(
      records.flatMap((r) => r.spans).filter((s) => s.attributes['k8s.event.uid'] === 'old').length,
      0,
    );
  });

  it('initial objects fill the graph without emitting history', () => {
    const { records, engine } = run([d(0, 'ADDED', pod('p1', 'web', { ready: 0 }), true)]);
    assert.deepEqual(records, []);
    assert.equal(engine.stats().objects, 1);
  });
});

describe('arrival order', () => {
  it('an Event before its Pod, and a Pod before its owner, give the same tree', () => {
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'rs', namespace: 'default', uid: 'rs1', generation: 1, creationTimestamp: iso(0) },
      spec: { replicas: 1 },
      status: {},
    };
    const created = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'rs.1', namespace: 'default', uid: 'ec' },
      involvedObject: { kind: 'ReplicaSet', name: 'rs', namespace: 'default', uid: 'rs1' },
      reason: 'SuccessfulCreate',
      message: 'Created pod: rs-abc',
      source: { component: 'replicaset-controller' },
      firstTimestamp: iso(0),
      lastTimestamp: iso(0),
      count: 1,
      type: 'Normal',
    };
    const inOrder = [
      d(0, 'ADDED', rs),
      d(0.1, 'ADDED', created),
      d(0.2, 'ADDED', pod('p1', 'rs-abc', { owner: 'rs1' })),
      d(0.3, 'ADDED', coreEvent('es', 'p1', 'rs-abc', 'Scheduled', 0.3)),
    ];
    const reversed = [...inOrder].reverse().map((x) => ({ ...x, time: T0 }));
    const a = new Forest(run(inOrder).records);
    const b = new Forest(run(reversed).records);
    for (const f of [a, b]) {
      assert.ok(f.isUnder(f.event('es'), f.event('ec')));
      assert.deepEqual(f.orphans(), []);
    }
    assert.equal(a.event('es').span.parentSpanId, b.event('es').span.parentSpanId);
  });
});

describe('bounds', () => {
  it('validates options eagerly with TypeErrors', () => {
    const clock = new ManualClock();
    assert.throws(
      () => new TraceEngine({ clock, limits: { maxObjects: 0 } }),
      /limits.maxObjects must be a positive integer/,
    );
    assert.throws(() => new TraceEngine({ clock, limits: { maxPending: 1.5 } }), TypeError);
    assert.throws(() => new TraceEngine({ clock, limits: { maxWidgets: 3 } as never }), /not a known limit/);
    assert.throws(() => new TraceEngine({ clock, settleMs: -1 }), /settleMs/);
    assert.throws(() => new TraceEngine({ clock, maxTraceMs: Number.NaN }), /maxTraceMs/);
    assert.throws(() => new TraceEngine({ clock, startedAt: Number.POSITIVE_INFINITY }), /startedAt/);
    assert.throws(() => new TraceEngine({ clock: {} as never }), /clock/);
    assert.throws(() => new TraceEngine({ clock, rules: [{ reason: '' } as never] }), /causality rule 0/);
  });

  it('evicts the oldest tracked object at maxObjects and counts it', () => {
    const { engine } = run(
      Array.from({ length: 10 }, (_, i) => d(i, 'ADDED', pod(`p${i}`, `p${i}`, { ready: 0 }), true)),
      { limits: { maxObjects: 4 } },
    );
    assert.equal(engine.stats().objects, 4);
    assert.equal(engine.stats().evictions.objects, 6);
  });

  it('evicts the oldest pending item at maxPending, counts it, and resolves it by fallback', () => {
    const deltas = Array.from({ length: 5 }, (_, i) =>
      d(0, 'ADDED', coreEvent(`e${i}`, `missing${i}`, `nobody${i}`, 'Pulled', 0)),
    );
    const { engine } = run(deltas, { limits: { maxPending: 2 } });
    const s = engine.stats();
    assert.equal(s.evictions.pending, 3);
    assert.equal(s.rejected.unresolved, 5, 'nothing names these pods');
    assert.equal(s.pending, 0);
  });

  it('evicts the oldest open trace at maxOpenTraces: it is emitted cut off and counted', () => {
    const clock = new ManualClock(T0);
    const engine = new TraceEngine({ clock, limits: { maxOpenTraces: 2 } });
    for (let i = 0; i < 3; i++) engine.apply(d(0, 'ADDED', pod(`p${i}`, `p${i}`)));
    assert.deepEqual(engine.tick(), [], 'nothing applied before ALIGN_DELAY_MS');
    clock.advanceTo(T0 + A);
    const out = engine.tick();
    assert.equal(engine.stats().evictions.openTraces, 1);
    assert.equal(engine.stats().openTraces, 2);
    assert.equal(out.length, 1);
    assert.equal(out[0]?.root.attributes['k8s.pod.uid'], 'p0');
  });

  it('keeps at most maxSpansPerTrace spans, root included, and the first facts; counts the rest', () => {
    const deltas = [d(0, 'ADDED', pod('p1', 'web'))];
    for (let i = 0; i < 10; i++)
      deltas.push(d(0.1 * i, 'ADDED', coreEvent(`e${i}`, 'p1', 'web', 'Pulled', 0.1 * i)));
    const { records, engine } = run(deltas, { limits: { maxSpansPerTrace: 3 } });
    // The root object itself is one of the three facts; e2…e9 are dropped.
    assert.equal(engine.stats().evictions.factsPerRoot, 8);
    const spans = records.flatMap((r) => r.spans);
    assert.equal(spans.length, 3);
    assert.deepEqual(
      spans.filter((s) => s.role === 'action').map((s) => s.attributes['k8s.event.uid']),
      ['e0', 'e1'],
    );
  });

  it('keeps tombstones so late Events about deleted objects still resolve', () => {
    const deltas = [
      d(0, 'ADDED', pod('p1', 'web')),
      d(1, 'DELETED', pod('p1', 'web')),
      d(2, 'ADDED', coreEvent('late', 'p1', 'web', 'Killing', 1)),
    ];
    const { records, engine } = run(deltas);
    assert.equal(engine.stats().tombstones, 1);
    const f = new Forest(records);
    assert.equal(f.event('late').trace.root.name, 'Pod.Delete');
  });
});

describe('bad input never throws and is counted', () => {
  it('drops junk deltas by reason', () => {
    const junk: unknown[] = [
      null,
      42,
      { time: T0, type: 'EXPLODED', object: {} },
      { time: T0, type: 'ADDED', object: null },
      { time: T0, type: 'ADDED', object: { kind: 'Pod', metadata: { name: 'x' } } },
      { time: T0, type: 'ADDED', object: { kind: 'Pod', metadata: { uid: 'x' } } },
      { time: T0, type: 'ADDED', object: { metadata: { uid: 'x', name: 'x' } } },
      { time: T0, type: 'ADDED', object: { kind: 'Event', metadata: { uid: 'e' }, reason: 'X' } },
      { time: T0, type: 'DELETED', object: coreEvent('e', 'p', 'p', 'X', 0) },
      { time: 'yesterday', type: 'ADDED', object: pod('pp', 'pp') },
    ];
    const clock = new ManualClock(T0);
    const engine = new TraceEngine({ clock });
    for (const j of junk) assert.doesNotThrow(() => engine.apply(j as Delta));
    assert.doesNotThrow(() => engine.tick());
    assert.doesNotThrow(() => engine.flush());
    const s = engine.stats();
    assert.equal(s.rejected['not-a-delta'], 2);
    assert.equal(s.rejected['invalid-delta-type'], 1);
    assert.equal(s.rejected['not-an-object'], 1);
    assert.equal(s.rejected['missing-uid'], 1);
    assert.equal(s.rejected['missing-name'], 1);
    assert.equal(s.rejected['missing-kind'], 1);
    assert.equal(s.rejected['missing-involved-object'], 1);
    assert.equal(s.rejected['event-deleted'], 1);
    assert.equal(s.repaired['invalid-delta-time'], 1);
    assert.equal(s.rejected['internal-error'], undefined);
  });

  it('same resourceVersion twice is one delta', () => {
    const p = pod('p1', 'web') as { metadata: Record<string, unknown> };
    p.metadata.resourceVersion = '5';
    const { engine } = run([d(0, 'ADDED', p), d(1, 'MODIFIED', p)]);
    assert.equal(engine.stats().rejected.duplicate, 1);
  });

  it('survives an ownerReference cycle and a self-owner', () => {
    const a = {
      kind: 'Thing',
      metadata: {
        name: 'a',
        uid: 'a',
        ownerReferences: [{ kind: 'Thing', name: 'b', uid: 'b', controller: true }],
      },
    };
    const b = {
      kind: 'Thing',
      metadata: {
        name: 'b',
        uid: 'b',
        ownerReferences: [{ kind: 'Thing', name: 'a', uid: 'a', controller: true }],
      },
    };
    const self = {
      kind: 'Thing',
      metadata: {
        name: 's',
        uid: 's',
        ownerReferences: [{ kind: 'Thing', name: 's', uid: 's', controller: true }],
      },
    };
    const { engine, records } = run([
      d(0, 'ADDED', a),
      d(0, 'ADDED', b),
      d(0, 'ADDED', self),
      d(1, 'MODIFIED', a),
    ]);
    const s = engine.stats();
    assert.ok((s.repaired['owner-cycle'] ?? 0) >= 1);
    assert.equal(s.repaired['self-owner'], 1);
    assert.equal(s.rejected['internal-error'], undefined);
    assert.ok(records.length >= 1);
  });

  it('bounds the work for a 1,000-deep owner chain', () => {
    const deltas: Delta[] = [];
    for (let i = 0; i < 1000; i++) {
      deltas.push(
        d(0, 'ADDED', {
          kind: 'Thing',
          metadata: {
            name: `n${i}`,
            uid: `n${i}`,
            ownerReferences:
              i === 999
                ? undefined
                : [{ kind: 'Thing', name: `n${i + 1}`, uid: `n${i + 1}`, controller: true }],
          },
        }),
      );
    }
    const started = performance.now();
    const { engine } = run(deltas);
    assert.ok(performance.now() - started < 5000);
    assert.ok((engine.stats().repaired['owner-chain-too-deep'] ?? 0) > 0);
    assert.equal(engine.stats().rejected['internal-error'], undefined);
  });

  it('keeps a 1 MB note bounded, and emoji and lone surrogates survive', () => {
    const { records, engine } = run([
      d(0, 'ADDED', pod('p1', 'web')),
      d(1, 'ADDED', coreEvent('big', 'p1', 'web', 'Failed', 1, { message: '🚀'.repeat(1 << 19) })),
      d(1, 'ADDED', coreEvent('bad', 'p1', 'web', 'Failed', 1, { message: 'half \udc00 surrogate' })),
    ]);
    const spans = records.flatMap((r) => r.spans);
    const big = spans.find((s) => s.attributes['k8s.event.uid'] === 'big');
    assert.ok(String(big?.attributes['k8s.event.note']).length <= 4096);
    assert.equal(big?.attributes['k8s.event.note.truncated'], true);
    const bad = spans.find((s) => s.attributes['k8s.event.uid'] === 'bad');
    assert.equal(bad?.attributes['k8s.event.note'], 'half \ufffd surrogate');
    assert.equal(engine.stats().repaired['note-truncated'], 1);
    assert.equal(engine.stats().repaired['invalid-utf16'], 1);
  });

  it('null and invalid timestamps do not crash the engine', () => {
    const p = pod('p1', 'web') as { metadata: Record<string, unknown> };
    p.metadata.creationTimestamp = null;
    const { records, engine } = run([
      d(0, 'ADDED', p),
      d(
        1,
        'ADDED',
        coreEvent('e', 'p1', 'web', 'Pulled', 1, { firstTimestamp: null, lastTimestamp: 'garbage' }),
      ),
    ]);
    assert.equal(engine.stats().rejected['internal-error'], undefined);
    assert.equal(engine.stats().repaired['invalid-timestamp'], 1);
    const s = records.flatMap((r) => r.spans).find((x) => x.attributes['k8s.event.uid'] === 'e');
    assert.equal(s?.startTime, T0 + 1000, 'the delta time stands in');
  });
});
