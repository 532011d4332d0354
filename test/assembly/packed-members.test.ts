import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PackedMembers } from '../../src/assembly/packed-members.js';
import { type MemberFact, NO_DONE_TIMES, NO_TRANSITIONS, RootGroup } from '../../src/assembly/root-group.js';
import { newReplicasHistory } from '../../src/causality/replicas-history.js';
import type { ObjectProjection } from '../../src/model/projection.js';

function member(uid: string, rest: Partial<MemberFact> = {}): MemberFact {
  return {
    uid,
    transitions: NO_TRANSITIONS,
    doneAt: undefined,
    doneTimes: NO_DONE_TIMES,
    deletedAt: undefined,
    listed: false,
    deletingWhenListed: false,
    replicas: undefined,
    addedRv: undefined,
    goingRv: undefined,
    ownWrite: undefined,
    ...rest,
  };
}

describe('PackedMembers', () => {
  it('gives back the same members, in their order', () => {
    const facts = [
      member('pod-a', {
        deletedAt: 1_764_000_000_123.5,
        addedRv: 17,
        goingRv: 4_000_000_000,
        listed: true,
        ownWrite: { rv: 4_000_000_001, at: 1_764_000_000_100.25, seenAt: 1_764_000_000_300 },
      }),
      member('root', {
        transitions: [{ type: 'Available', status: 'True', reason: undefined, message: undefined, time: 5 }],
      }),
      member('pod-b', { deletingWhenListed: true, listed: true }),
      member('rs', { replicas: newReplicasHistory(3) }),
      member('pod-c', { doneTimes: [7] }),
      member('pod-d'),
    ];
    const map = new Map(facts.map((m) => [m.uid, m]));
    const packed = PackedMembers.pack(map);
    assert.ok(packed !== undefined);
    assert.equal(packed.size, 6);
    const back = packed.unpack();
    assert.deepEqual([...back.keys()], [...map.keys()]);
    assert.deepEqual([...back.values()], [...map.values()]);
    // Kept whole: the fact itself; made again: the shared empty lists.
    assert.equal(back.get('root'), facts[1]);
    assert.equal(back.get('rs'), facts[3]);
    assert.equal(back.get('pod-a')?.transitions, NO_TRANSITIONS);
    assert.equal(back.get('pod-d')?.doneTimes, NO_DONE_TIMES);
    assert.equal(PackedMembers.pack(new Map([['other', member('pod-a')]])), undefined);
  });

  it('unpack on first use in a root group, and a member added after is kept', () => {
    const g = new RootGroup({ uid: 'root', kind: 'Deployment' } as ObjectProjection, 0);
    g.member('a').deletedAt = 10;
    g.member('b');
    g.packMembers();
    assert.ok(g.membersPacked);
    assert.equal(g.memberCount, 2);
    assert.equal(g.member('c').uid, 'c');
    assert.ok(!g.membersPacked);
    assert.deepEqual([...g.members.keys()], ['a', 'b', 'c']);
    assert.equal(g.members.get('a')?.deletedAt, 10);
  });
});
