import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_REPLICAS_HISTORY,
  newReplicasHistory,
  recordReplicas,
  replicasAt,
  replicasKeptBetween,
  replicasWrites,
  stepSizes,
  stepTarget,
  stepWrites,
} from '../../src/causality/replicas-history.js';

function history(...writes: [number, number][]) {
  const h = newReplicasHistory(0);
  for (const [rv, replicas] of writes) recordReplicas(h, rv, replicas);
  return h;
}

describe('replicas history', () => {
  it('gives the replicas of the latest write at or before a resourceVersion, whatever the arrival order', () => {
    const inOrder = history([10, 1], [12, 1], [20, 2], [25, 2], [30, 3]);
    const shuffled = history([30, 3], [12, 1], [25, 2], [10, 1], [20, 2]);
    assert.deepEqual(replicasWrites(shuffled), replicasWrites(inOrder));
    assert.deepEqual(
      [10, 15, 20, 29, 30].map((rv) => replicasAt(shuffled, rv)),
      [1, 1, 2, 2, 3],
    );
  });

  it('knows nothing before the first write seen, nor after the newest', () => {
    const h = history([10, 1], [20, 2], [25, 2]);
    assert.equal(replicasAt(h, 9), undefined);
    assert.equal(replicasAt(h, 25), 2);
    // A write after rv 25 may have changed the replicas.
    assert.equal(replicasAt(h, 26), undefined);
    assert.equal(replicasAt(undefined, 10), undefined);
  });

  it('keeps the latest changes only', () => {
    const h = newReplicasHistory(0);
    for (let i = 0; i < MAX_REPLICAS_HISTORY + 5; i++) recordReplicas(h, 100 + i, i);
    assert.equal(replicasWrites(h).length, MAX_REPLICAS_HISTORY);
    assert.equal(replicasWrites(h)[0]?.rv, 105);
    assert.equal(replicasAt(h, 100), undefined);
    assert.equal(replicasAt(h, 100 + MAX_REPLICAS_HISTORY + 4), MAX_REPLICAS_HISTORY + 4);
  });

  it("keeps the earliest refinement of a write's stamp, and no stamp where none was given", () => {
    const h = newReplicasHistory(0);
    recordReplicas(h, 10, 1, 5_000.7);
    recordReplicas(h, 10, 1, 5_000.2);
    recordReplicas(h, 10, 1, 5_000.9);
    recordReplicas(h, 20, 2);
    // The same replicas asked again later: one write, stamped by the earlier of the two in its second.
    recordReplicas(h, 15, 2, 7_000.5);
    assert.deepEqual(replicasWrites(h), [
      { rv: 10, replicas: 1, at: 5_000.2 },
      { rv: 15, replicas: 2, at: 7_000.5 },
    ]);
    recordReplicas(h, 30, 3);
    assert.deepEqual(replicasWrites(h)[2], { rv: 30, replicas: 3, at: undefined });
  });

  it('tells whether an owner still asked for a Pod when it went: no write lowered its replicas since its create', () => {
    // Made at 3 (rv 10), the Pod created at rv 12 and deleted at rv 30.
    const kept = history([10, 3]);
    kept.newestRv = 40;
    assert.equal(replicasKeptBetween(kept, 12, 30), true);
    const scaledUp = history([10, 1], [20, 3]);
    scaledUp.newestRv = 40;
    assert.equal(replicasKeptBetween(scaledUp, 12, 30), true);
    // A scale-down between its create and its delete: the controller's delete.
    const scaledDown = history([10, 3], [25, 2]);
    scaledDown.newestRv = 40;
    assert.equal(replicasKeptBetween(scaledDown, 12, 30), false);
    // Lowered only after the delete: still wanted when it went.
    assert.equal(replicasKeptBetween(scaledDown, 12, 24), true);
    // Nothing known that old, or that new: no say.
    assert.equal(replicasKeptBetween(scaledDown, 5, 24), false);
    assert.equal(replicasKeptBetween(scaledDown, 12, 41), false);
    assert.equal(replicasKeptBetween(undefined, 12, 30), false);
    // Deleted before the write it is compared from (a Pod listed while being deleted).
    assert.equal(replicasKeptBetween(kept, 30, 12), false);
  });

  it('reads the replicas a scaling step asks for', () => {
    assert.equal(stepTarget('Scaled up replica set web-5d5 from 1 to 2'), 2);
    assert.equal(stepTarget('Scaled down replica set web-5d5 to 0'), 0);
    assert.equal(stepTarget('Created pod: web-5d5-abc'), undefined);
  });

  it('reads both sizes of a scaling step, when its note has them', () => {
    assert.deepEqual(stepSizes('Scaled up replica set web-5d5 from 1 to 2'), { from: 1, to: 2 });
    assert.deepEqual(stepSizes('Scaled down replica set web-5d5 from 3 to 0'), { from: 3, to: 0 });
    assert.equal(stepSizes('Scaled down replica set web-5d5 to 0'), undefined);
  });

  it('finds the writes that took an object from one size to another', () => {
    // Created at rv 10 asking for 1, then 2, 3, down to 1 and up to 2 again.
    const h = history([10, 1], [20, 2], [30, 3], [40, 1], [50, 2]);
    assert.deepEqual(
      stepWrites(h, 10, 0, 1).map((w) => w.rv),
      [10],
    );
    assert.deepEqual(
      stepWrites(h, 10, 1, 2).map((w) => w.rv),
      [20, 50],
    );
    assert.deepEqual(
      stepWrites(h, 10, 2, 3).map((w) => w.rv),
      [30],
    );
    assert.deepEqual(
      stepWrites(h, 10, 3, 1).map((w) => w.rv),
      [40],
    );
    assert.deepEqual(stepWrites(h, 10, 2, 1), []);
    // Whose create is not on record: its first write recorded is no step from 0.
    assert.deepEqual(stepWrites(h, undefined, 0, 1), []);
    assert.deepEqual(stepWrites(undefined, 10, 0, 1), []);
  });
});
