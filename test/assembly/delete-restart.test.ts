import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import { changeKeyOf, terminationSpanIdOf, traceIdOf } from '../../src/model/ids.js';
import { loadRecording } from '../scenarios/evaluate.js';
import { listedAfter, restartCheck } from './restart-cut.js';

// A restart while a ReplicaSet's delete is in flight
// (test/fixtures/live/replicaset-deleted.jsonl: `kubectl delete rs` in the
// background; the ReplicaSet is gone at once, its Deployment makes it again under
// its name, and the garbage collector deletes its two Pods over the next 300 ms).
// The new instance lists the Pods still naming the deleted ReplicaSet by uid, and
// never sees that ReplicaSet. The instance before sent the ReplicaSet.Delete root
// and the ReplicaSet's termination at its stop; the new one continues that trace.

const deltas = loadRecording('test/fixtures/live/replicaset-deleted.jsonl');
type Meta = { uid?: string; name?: string; ownerReferences?: { uid: string }[] };
const objectOf = (d: Delta): { kind?: string; metadata?: Meta } =>
  d.object as { kind?: string; metadata?: Meta };
const gone = deltas.findIndex((d) => d.type === 'DELETED' && objectOf(d).kind === 'ReplicaSet');
/** The stopped instance saw the ReplicaSet's DELETED, and nothing after it. */
const cut = gone + 1;
const rsUid = String(objectOf(deltas[gone] as Delta).metadata?.uid);
const deploymentUid = String(
  objectOf(deltas.find((d) => objectOf(d).kind === 'Deployment') as Delta).metadata?.uid,
);

describe('a restart right after a ReplicaSet was deleted, before its Pods were', () => {
  const live = replay(deltas);
  const traceId = traceIdOf(deploymentUid, changeKeyOf(rsUid));

  it('lists Pods that name a ReplicaSet the list does not show', () => {
    const listed = listedAfter(deltas, cut).filter((d) => d.initial === true);
    assert.ok(!listed.some((d) => objectOf(d).metadata?.uid === rsUid));
    assert.equal(
      listed.filter((d) => objectOf(d).metadata?.ownerReferences?.some((o) => o.uid === rsUid)).length,
      2,
    );
  });

  it("puts the Pods' terminations under the deleted ReplicaSet's, in its ReplicaSet.Delete trace, marked partial; sends no root", () => {
    const restarted = replay(listedAfter(deltas, cut), { listIsHistory: true });
    const terminations = restarted.flatMap((r) =>
      r.spans.filter((s) => s.name === 'Pod.Termination').map((s) => ({ r, s })),
    );
    assert.equal(terminations.length, 2);
    for (const { r, s } of terminations) {
      assert.equal(r.traceId, traceId);
      assert.equal(s.parentSpanId, terminationSpanIdOf(traceId, rsUid));
      assert.equal(s.attributes['kubetrail.trace.partial'], true);
    }
    assert.deepEqual(
      restarted.flatMap((r) => r.spans.filter((s) => s.parentSpanId === undefined).map((s) => s.name)),
      [],
      'no ReplicaSet.Delete sent again, no Pod.Delete of its own',
    );
  });

  it('sends what the live run sent, and no span twice, at every cut from the delete to the last Pod gone', () => {
    for (let c = cut; c < deltas.length; c++)
      assert.deepEqual(restartCheck(deltas, c, live).wrong, [], `cut ${c}`);
  });

  it('without the ReplicaSet made again under its name, nothing says whose it was: each Pod is a Pod.Delete of its own', () => {
    // The same restart, had the Deployment not made the ReplicaSet again (its deltas, its Pods' and the Events' left out).
    const madeAgain = new Set(
      deltas
        .slice(cut)
        .filter((d) => objectOf(d).kind === 'ReplicaSet')
        .map((d) => String(objectOf(d).metadata?.uid)),
    );
    const without = deltas.filter((d, i) => {
      const o = objectOf(d);
      if (madeAgain.has(String(o.metadata?.uid))) return false;
      if (o.metadata?.ownerReferences?.some((r) => madeAgain.has(r.uid))) return false;
      return o.kind !== 'Event' || i < cut;
    });
    const restarted = replay(listedAfter(without, cut), { listIsHistory: true });
    assert.deepEqual(
      restarted.flatMap((r) => r.spans.filter((s) => s.parentSpanId === undefined).map((s) => s.name)).sort(),
      ['Pod.Delete', 'Pod.Delete'],
    );
  });
});

// `kubectl delete namespace` (test/fixtures/live/namespace-deleted.jsonl): the namespace
// controller deletes each Pod, its ReplicaSet still asking for 3 (generation 1, its spec never
// written since its create), and each Pod's delete is a Pod.Delete of its own.
describe('a restart before or while a namespace controller deletes the Pods of a ReplicaSet at generation 1', () => {
  const ns = loadRecording('test/fixtures/live/namespace-deleted.jsonl');
  const live = replay(ns);
  const podDeletes = live.filter((r) => r.root.name === 'Pod.Delete').length;

  it('restarts exactly at every cut: mid-rollout (status not counting the Pods yet), and with deletes in flight', () => {
    assert.equal(podDeletes, 4);
    for (let c = 1; c <= ns.length; c++) assert.deepEqual(restartCheck(ns, c, live).wrong, [], `cut ${c}`);
  });

  it('sends no span of a Pod listed being deleted: the instance before saw its delete begin, and sent what it made of it', () => {
    const deleting = (d: Delta): boolean =>
      objectOf(d).kind === 'Pod' &&
      (d.object as { metadata?: { deletionTimestamp?: string } }).metadata?.deletionTimestamp !== undefined;
    const first = ns.findIndex(
      (d) => deleting(d) && (objectOf(d).metadata?.ownerReferences?.length ?? 0) > 0,
    );
    const pod = String(objectOf(ns[first] as Delta).metadata?.uid);
    const restarted = replay(listedAfter(ns, first + 1), { listIsHistory: true });
    assert.deepEqual(
      restarted.flatMap((r) => r.spans.filter((s) => s.attributes['k8s.pod.uid'] === pod).map((s) => s.name)),
      [],
    );
  });
});

// `kubectl delete pod` (test/fixtures/live/pod-deleted.jsonl): the ReplicaSet makes a
// replacement in the same second as its two Pods were made and one was deleted.
describe('a restart after a Pod delete request, before its replacement was made', () => {
  const pd = loadRecording('test/fixtures/live/pod-deleted.jsonl');
  const live = replay(pd);
  const requested = pd.findIndex(
    (d) =>
      objectOf(d).kind === 'Pod' &&
      (d.object as { metadata?: { deletionTimestamp?: string } }).metadata?.deletionTimestamp !== undefined,
  );
  const deleted = objectOf(pd[requested] as Delta);
  const traceId = traceIdOf(
    String(objectOf(pd.find((d) => objectOf(d).kind === 'Deployment') as Delta).metadata?.uid),
    changeKeyOf(String(deleted.metadata?.uid)),
  );

  it("hangs the replacement's Created pod, lifecycle and Scheduled in the Pod.Delete trace, not the listed Pods' creates", () => {
    const restarted = replay(listedAfter(pd, requested + 1), { listIsHistory: true });
    const inDelete = restarted
      .filter((r) => r.traceId === traceId)
      .flatMap((r) => r.spans.map((s) => s.name));
    assert.deepEqual(inDelete.sort(), ['Pod.Lifecycle', 'Pod.Scheduled', 'ReplicaSet.SuccessfulCreate']);
    assert.deepEqual(restartCheck(pd, requested + 1, live).wrong, []);
  });
});
