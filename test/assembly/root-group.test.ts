import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_TRANSITIONS,
  NO_DONE_TIMES,
  NO_TRANSITIONS,
  RootGroup,
  recordDone,
  recordTransitions,
} from '../../src/assembly/root-group.js';
import type { ConditionState, ObjectProjection } from '../../src/model/projection.js';

function condition(type: string, status: string, time: number): ConditionState {
  return { type, status, reason: undefined, message: undefined, lastTransitionTime: time };
}

function group(): RootGroup {
  return new RootGroup({ uid: 'root', kind: 'Deployment' } as ObjectProjection, 0);
}

describe('member facts', () => {
  it('share one empty list until something is recorded, and never change it', () => {
    const g = group();
    const a = g.member('a');
    const b = g.member('b');
    assert.equal(a.transitions, NO_TRANSITIONS);
    assert.equal(b.doneTimes, NO_DONE_TIMES);
    assert.ok(recordTransitions(a, { conditions: [condition('Ready', 'True', 1_000)] }));
    recordDone(a, 2_000);
    assert.deepEqual(
      a.transitions.map((t) => [t.type, t.status, t.time]),
      [['Ready', 'True', 1_000]],
    );
    assert.deepEqual(a.doneTimes, [2_000]);
    assert.equal(b.transitions, NO_TRANSITIONS);
    assert.equal(b.doneTimes, NO_DONE_TIMES);
    assert.equal(NO_TRANSITIONS.length + NO_DONE_TIMES.length, 0);
  });

  it('record nothing twice, the earliest refinement of a stamp, and stay bounded', () => {
    const m = group().member('a');
    assert.ok(recordTransitions(m, { conditions: [condition('Ready', 'True', 1_000.6)] }));
    const held = m.transitions;
    assert.ok(!recordTransitions(m, { conditions: [condition('Ready', 'True', 1_000.6)] }));
    assert.equal(m.transitions, held, 'nothing new: the list is not copied');
    assert.ok(recordTransitions(m, { conditions: [condition('Ready', 'True', 1_000.2)] }));
    assert.deepEqual(
      m.transitions.map((t) => t.time),
      [1_000.2],
    );
    assert.equal(held[0]?.time, 1_000.6, 'a list handed out before is not changed under its reader');
    for (let i = 1; i <= MAX_TRANSITIONS + 3; i++)
      recordTransitions(m, {
        conditions: [condition('Ready', i % 2 === 0 ? 'True' : 'False', 1_000 * (i + 1))],
      });
    assert.equal(m.transitions.length, MAX_TRANSITIONS);
    assert.equal(m.transitions.at(-1)?.time, 1_000 * (MAX_TRANSITIONS + 4));
    for (let i = MAX_TRANSITIONS + 3; i >= 1; i--) recordDone(m, i);
    recordDone(m, 5);
    assert.equal(m.doneTimes.length, MAX_TRANSITIONS);
    assert.equal(m.doneAt, 1);
    assert.equal(m.doneTimes[0], 1);
  });
});
