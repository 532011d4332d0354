import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_OWNER_DEPTH, ObjectGraph } from '../../src/graph/object-graph.js';
import { ManualClock } from '../../src/model/clock.js';
import type { ObjectProjection } from '../../src/model/projection.js';
import { ignoreIssues } from '../../src/normalise/narrow.js';
import { projectObject } from '../../src/normalise/project-object.js';
import { isRejected } from '../../src/normalise/rejection.js';

function obj(uid: string, owner?: string, kind = 'Pod', name = uid): ObjectProjection {
  const p = projectObject(
    {
      kind,
      metadata: {
        name,
        namespace: 'ns',
        uid,
        ownerReferences:
          owner === undefined ? undefined : [{ kind: 'X', name: owner, uid: owner, controller: true }],
      },
    },
    ignoreIssues,
  );
  assert.ok(!isRejected(p));
  return p;
}

/** `p` at resourceVersion `rv`. */
function at(p: ObjectProjection, rv: number): ObjectProjection {
  return { ...p, resourceVersion: String(rv) };
}

function graph(clock = new ManualClock(0), maxObjects = 100, evicted: string[] = []): ObjectGraph {
  return new ObjectGraph({
    clock,
    maxObjects,
    maxTombstones: 10,
    tombstoneTtlMs: 1000,
    onEvict: (b) => evicted.push(b),
  });
}

describe('ObjectGraph', () => {
  it('walks controller owners by uid to the root', () => {
    const g = graph();
    g.upsert(obj('deploy'));
    g.upsert(obj('rs', 'deploy'));
    g.upsert(obj('pod', 'rs'));
    const r = g.resolveRoot(obj('pod', 'rs'));
    assert.equal(r.status, 'root');
    assert.equal(r.status === 'root' ? r.root.uid : '', 'deploy');
  });

  it('reports the missing owner to wait for', () => {
    const g = graph();
    g.upsert(obj('pod', 'rs'));
    const r = g.resolveRoot(obj('pod', 'rs'));
    assert.equal(r.status, 'missing');
    assert.equal(r.status === 'missing' ? r.missingUid : '', 'rs');
  });

  it('survives an owner cycle, and every member agrees on one root', () => {
    const g = graph();
    g.upsert(obj('a', 'b'));
    g.upsert(obj('b', 'a'));
    const ra = g.resolveRoot(obj('a', 'b'));
    const rb = g.resolveRoot(obj('b', 'a'));
    assert.equal(ra.status, 'cycle');
    assert.equal(rb.status, 'cycle');
    assert.equal(ra.status === 'cycle' ? ra.topmost.uid : '', 'a');
    assert.equal(rb.status === 'cycle' ? rb.topmost.uid : '', 'a');
  });

  it('stops a 1,000-deep owner chain quickly', () => {
    const g = graph(new ManualClock(0), 2000);
    for (let i = 0; i < 1000; i++) g.upsert(obj(`n${i}`, i === 999 ? undefined : `n${i + 1}`));
    const started = performance.now();
    const r = g.resolveRoot(obj('n0', 'n1'));
    assert.equal(r.status, 'too-deep');
    assert.equal(r.status === 'too-deep' ? r.topmost.uid : '', `n${MAX_OWNER_DEPTH}`);
    assert.ok(performance.now() - started < 50);
  });

  it('indexes the current uid by kind, namespace and name; a re-created object replaces it', () => {
    const g = graph();
    g.upsert(obj('old', undefined, 'Pod', 'db-0'));
    assert.equal(g.uidByName('Pod', 'ns', 'db-0'), 'old');
    g.remove(obj('old', undefined, 'Pod', 'db-0'), 5);
    assert.equal(g.uidByName('Pod', 'ns', 'db-0'), undefined);
    g.upsert(obj('new', undefined, 'Pod', 'db-0'));
    assert.equal(g.uidByName('Pod', 'ns', 'db-0'), 'new');
    assert.equal(g.get('old')?.uid, 'old', 'the tombstone still resolves');
  });

  it('keeps tombstones for their TTL on the injected clock', () => {
    const t0 = Date.parse('2026-11-22T10:00:00Z');
    const clock = new ManualClock(t0);
    const g = graph(clock);
    g.upsert(obj('rs'));
    g.remove(obj('rs'), t0);
    assert.equal(g.isLive('rs'), false);
    assert.equal(g.tombstone('rs')?.deletedAt, t0);
    clock.advanceTo(t0 + 999);
    assert.ok(g.get('rs') !== undefined);
    clock.advanceTo(t0 + 1001);
    assert.equal(g.get('rs'), undefined);
  });

  it('evicts the least recently used object at its bound and counts it', () => {
    const evicted: string[] = [];
    const g = graph(new ManualClock(0), 3, evicted);
    for (const uid of ['a', 'b', 'c', 'd']) g.upsert(obj(uid));
    assert.equal(g.size, 3);
    assert.equal(g.get('a'), undefined);
    assert.deepEqual(evicted, ['objects']);
    assert.equal(g.uidByName('Pod', 'ns', 'a'), undefined, 'the name index forgets it too');
  });

  it('follows the owner an object had at the write asked about, once its owner changed (orphaned, adopted)', () => {
    const g = graph();
    g.upsert(obj('d1'));
    g.upsert(obj('d2'));
    const owned = at(obj('rs', 'd1', 'ReplicaSet'), 10);
    const orphaned = at(obj('rs', undefined, 'ReplicaSet'), 20);
    const adopted = at(obj('rs', 'd2', 'ReplicaSet'), 30);
    // Arrival order: the orphaned state first, then the older owned one, then the adoption.
    g.upsert(orphaned);
    // The older state does not replace the newer one (the engine keeps the newest).
    g.recordOwner(owned, orphaned);
    g.recordOwner(adopted, orphaned);
    g.upsert(adopted);
    const pod = obj('pod', 'rs');
    const rootAt = (rv: number): string => {
      const r = g.resolveRoot(pod, rv);
      assert.equal(r.status, 'root');
      return r.status === 'root' ? r.root.uid : '';
    };
    assert.equal(rootAt(5), 'd1', 'before every state remembered: the earliest owner');
    assert.equal(rootAt(15), 'd1');
    assert.equal(rootAt(25), 'rs', 'orphaned: a root of its own');
    assert.equal(rootAt(35), 'd2');
    // Without a write to ask about: the current state's owner.
    const r = g.resolveRoot(pod);
    assert.equal(r.status === 'root' ? r.root.uid : '', 'd2');
  });

  it('remembers nothing for an object whose owner never changed', () => {
    const g = graph();
    g.upsert(obj('d1'));
    const first = at(obj('rs', 'd1', 'ReplicaSet'), 10);
    g.upsert(first);
    g.recordOwner(at(obj('rs', 'd1', 'ReplicaSet'), 20), first);
    assert.equal(
      g.ownerAsOf(at(obj('rs', undefined, 'ReplicaSet'), 30), 15),
      undefined,
      "the object's own owner",
    );
  });
});
