import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { loadRecording } from '../scenarios/evaluate.js';
import { assertEvictionsContinuedUnder, listedAfter, restartCheck } from './restart-cut.js';

// A Node going NotReady (test/fixtures/live/stuck-pods-force-deleted.jsonl: kwok-node-lost's
// Ready condition Unknown at 05:03:24, its two Pods tolerating it 20 s, evicted by the taint
// manager at 05:03:45, stuck Terminating and force-deleted 5 s later; the Node stays NotReady).

const deltas = loadRecording('test/fixtures/live/stuck-pods-force-deleted.jsonl');
type NodeLike = {
  kind?: string;
  metadata?: { resourceVersion?: string };
  status?: { conditions?: { type?: string; status?: string; lastTransitionTime?: string }[] };
};
const objectOf = (d: Delta): NodeLike => d.object as NodeLike;
const ready = (d: Delta): string | undefined =>
  objectOf(d).status?.conditions?.find((c) => c.type === 'Ready')?.status;
const evicted = (d: Delta): boolean =>
  objectOf(d).kind === 'Pod' &&
  (objectOf(d).status?.conditions ?? []).some((c) => c.type === 'DisruptionTarget');
/** The first delta that shows the Node not Ready. */
const notReadyAt = deltas.findIndex((d) => objectOf(d).kind === 'Node' && ready(d) === 'Unknown');
const firstEviction = deltas.findIndex(evicted);
const OUTAGE = Date.parse('2026-12-01T05:03:24Z');

const spansOf = (records: readonly TraceRecord[]) => records.flatMap((r) => r.spans.map((s) => ({ r, s })));

describe('a Node going NotReady is one trace, rooted at its Node.NotReady', () => {
  const live = replay(deltas);

  it('each Pod the taint manager evicts is a Pod.Evict under the root, in its trace; the root spans them, the Node emptied', () => {
    const roots = live.filter((r) => r.root.name === 'Node.NotReady');
    assert.equal(roots.length, 1);
    const outage = roots[0] as TraceRecord;
    assert.equal(outage.root.service, 'node-controller');
    assert.equal(outage.root.attributes['kubetrail.drain.evictions'], 2);
    assert.equal(outage.end, 'converged', 'no Pod left to evict: the Node is empty, though still NotReady');
    assert.equal(Math.floor(outage.root.startTime / 1000) * 1000, OUTAGE);
    const evictions = spansOf(live).filter(({ s }) => s.name === 'Pod.Evict');
    assert.equal(evictions.length, 2);
    for (const { r, s } of evictions) {
      assert.equal(r.traceId, outage.traceId);
      assert.equal(s.parentSpanId, outage.root.spanId);
      assert.ok(s.startTime >= outage.root.startTime);
    }
    // From the Ready transition to the last eviction's end: the forced delete, 26 s on.
    assert.equal(outage.root.endTime, Math.max(...evictions.map(({ s }) => s.endTime)));
    assert.ok(outage.root.endTime - outage.root.startTime > 25_000);
    const ids = live.flatMap((r) => r.spans.map((s) => s.spanId));
    assert.equal(new Set(ids).size, ids.length, 'no span id sent twice');
  });

  it('the Node Ready again before any eviction: a Node.NotReady of one span, from the transition to Ready again', () => {
    const before = deltas.slice(0, firstEviction);
    const node = [...before].reverse().find((d) => objectOf(d).kind === 'Node') as Delta;
    const o = structuredClone(node.object) as NodeLike;
    const back = '2026-12-01T05:03:40Z';
    for (const c of o.status?.conditions ?? []) {
      if (c.type !== 'Ready') continue;
      c.status = 'True';
      c.lastTransitionTime = back;
    }
    if (o.metadata !== undefined) o.metadata.resourceVersion = '100000';
    const records = replay([
      ...before,
      { ...node, time: Date.parse(back) + 50, type: 'MODIFIED', object: o },
    ]);
    const outage = records.filter((r) => r.root.name === 'Node.NotReady');
    assert.deepEqual(
      outage.map((r) => [r.spans.length, r.end, r.root.attributes['kubetrail.drain.evictions']]),
      [[1, 'converged', 0]],
    );
    const root = outage[0]?.root;
    assert.equal(Math.floor((root?.startTime ?? 0) / 1000) * 1000, OUTAGE);
    assert.equal(Math.floor((root?.endTime ?? 0) / 1000) * 1000, Date.parse(back));
  });
});

// A restart between the outage and the evictions: the new instance lists the Node NotReady.
// The instance before sent the root at its stop; the new one continues the outage, its
// evictions under that root, as the live run has them, marked partial.
describe('a restart between a Node going NotReady and the taint manager evicting its Pods', () => {
  const live = replay(deltas);
  const outage = live.find((r) => r.root.name === 'Node.NotReady');
  const cut = notReadyAt + 1;

  it('the evictions after the restart are children of the Node.NotReady sent before it, marked partial; its root is not sent again', () => {
    assert.ok(notReadyAt > 0 && notReadyAt < firstEviction);
    assert.ok(outage !== undefined);
    const stopped = replay(deltas.slice(0, cut));
    assert.deepEqual(
      stopped.filter((r) => r.root.name === 'Node.NotReady').map((r) => [r.traceId, r.root.spanId, r.end]),
      [[outage.traceId, outage.root.spanId, 'shutdown']],
      'the instance before sent the root at its stop',
    );
    assertEvictionsContinuedUnder(replay(listedAfter(deltas, cut), { listIsHistory: true }), outage, 2);
  });

  it('sends what the live run sent, and no span twice', () => {
    assert.deepEqual(restartCheck(deltas, cut, live).wrong, []);
  });
});

describe("an eviction's DisruptionTarget marked again by another component while still True", () => {
  // Once a lost Node is deleted, the Pod garbage collector marks its Pods again
  // (`DeletionByPodGC`, seen live): the later writes of node-notready's evicted Pods say so here.
  const recorded = loadRecording('test/fixtures/live/node-notready.jsonl');
  const seen = new Set<string>();
  const remarked = recorded.map((d) => {
    const o = d.object as { kind?: string; metadata?: { uid?: string }; status?: { conditions?: object[] } };
    const uid = o.metadata?.uid;
    if (o.kind !== 'Pod' || uid === undefined || !evicted(d)) return d;
    if (!seen.has(uid)) {
      seen.add(uid);
      return d;
    }
    const conditions = (o.status?.conditions ?? []).map((c) =>
      (c as { type?: string }).type === 'DisruptionTarget'
        ? { ...c, reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' }
        : c,
    );
    return { ...d, object: { ...o, status: { ...o.status, conditions } } };
  });

  it("stays the first evictor's: the taint manager's Pod.Evict, under the Node.NotReady root", () => {
    assert.equal(seen.size, 2, 'two Pods evicted, each marked again');
    const records = replay(remarked);
    const outage = records.find((r) => r.root.name === 'Node.NotReady');
    assert.ok(outage !== undefined);
    const evictions = spansOf(records).filter(({ s }) => s.name === 'Pod.Evict');
    assert.equal(evictions.length, 2);
    for (const { r, s } of evictions) {
      assert.equal(s.service, 'taint-eviction-controller');
      assert.equal(s.attributes['kubetrail.intent.reason'], 'DeletionByTaintManager');
      assert.equal(r.traceId, outage.traceId);
      assert.equal(s.parentSpanId, outage.root.spanId);
    }
  });
});
