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
