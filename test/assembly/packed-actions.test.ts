import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PackedActions } from '../../src/assembly/packed-actions.js';
import { SettledEvent, SettledRef } from '../../src/assembly/settled-event.js';
import { type ActionFact, actionKeyOf } from '../../src/causality/action-fact.js';
import type { RuleMatch } from '../../src/causality/causality-rule.js';
import { eventOccurrenceSpanIdOf, eventSpanIdOf } from '../../src/model/ids.js';
import type { NormalEvent } from '../../src/model/projection.js';

const SHARED: RuleMatch = { verb: 'observe', actedOnKind: 'Pod', actedOnName: undefined, stuck: true };

function settled(uid: string, occurrence: number | undefined, rv: string | undefined): SettledEvent {
  return new SettledEvent(
    {
      uid,
      namespace: 'shop',
      reason: 'SuccessfulCreate',
      type: 'Normal',
      occurrence,
      controller: 'replicaset-controller',
    },
    new SettledRef('ReplicaSet', 'shop', 'web-1', `rs-${uid}`, rv),
  );
}

function fact(event: NormalEvent, rest: Partial<ActionFact> = {}): ActionFact {
  return {
    event,
    match: undefined,
    start: 1_764_000_000_123.25,
    lastTime: 1_764_000_001_000,
    count: 1,
    minCount: 1,
    occurrences: undefined,
    spanId: undefined,
    listed: false,
    ...rest,
  };
}

describe('PackedActions', () => {
  it('gives back the same actions, in their order, with the same keys', () => {
    const whole = {
      uid: 'ev-whole',
      occurrence: undefined,
      name: 'web.1',
      involved: {},
    } as unknown as NormalEvent;
    const facts: ActionFact[] = [
      fact(settled('ev-a', undefined, '17'), {
        match: { verb: 'create', actedOnKind: 'Pod', actedOnName: 'web-1-abcde', stuck: false },
        spanId: eventSpanIdOf('ev-a'),
        listed: true,
        count: 3,
        minCount: 2,
      }),
      fact(whole, { spanId: 'aaaaaaaaaaaaaaaa' }),
      fact(settled('ev-b', 12, undefined), {
        match: SHARED,
        lastTime: 1_764_000_002_000.5,
        spanId: eventOccurrenceSpanIdOf('ev-b', 12),
      }),
      fact(settled('ev-c', undefined, '18'), {
        occurrences: [{ count: 1, time: 5 }],
        spanId: 'bbbbbbbbbbbbbbbb',
      }),
      fact(settled('ev-d', undefined, ''), {
        match: { verb: 'scale-up', actedOnKind: 'ReplicaSet', actedOnName: 'web-1', stuck: true },
      }),
      // resourceVersions that are not plain numbers stay strings.
      fact(settled('ev-e', undefined, '007')),
      fact(settled('ev-f', undefined, '12345678901234567890')),
      fact(settled('ev-g', undefined, 'abc')),
    ];
    const map = new Map(facts.map((f) => [actionKeyOf(f.event), f]));
    const packed = PackedActions.pack(map);
    assert.ok(packed !== undefined);
    assert.equal(packed.size, map.size);
    const back = packed.unpack();
    assert.deepEqual([...back.keys()], [...map.keys()]);
    assert.deepEqual(
      [...back.keys()],
      ['ev-a', 'ev-whole', 'ev-b/12', 'ev-c', 'ev-d', 'ev-e', 'ev-f', 'ev-g'],
    );
    assert.deepEqual([...back.values()], [...map.values()]);
    // Kept whole: the fact itself; a rule's own match: the same object.
    assert.equal(back.get('ev-whole'), facts[1]);
    assert.equal(back.get('ev-c'), facts[3]);
    assert.equal(back.get('ev-b/12')?.match, SHARED);
    assert.ok(back.get('ev-a')?.event instanceof SettledEvent);
    // Unpacked twice: equal again.
    assert.deepEqual([...packed.unpack().values()], [...map.values()]);
  });

  it("keeps a scaling step's message, which names the sizes of the write it reports", () => {
    const step = new SettledEvent(
      {
        uid: 'ev-step',
        namespace: 'shop',
        reason: 'ScalingReplicaSet',
        type: 'Normal',
        occurrence: undefined,
        controller: 'deployment-controller',
      },
      new SettledRef('Deployment', 'shop', 'web', 'dep', undefined),
      'Scaled up replica set web-1 from 0 to 1',
    );
    const map = new Map<string, ActionFact>([
      [
        'ev-step',
        fact(step, {
          match: { verb: 'scale-up', actedOnKind: 'ReplicaSet', actedOnName: 'web-1', stuck: false },
        }),
      ],
      ['ev-a', fact(settled('ev-a', undefined, '1'))],
    ]);
    const packed = PackedActions.pack(map);
    assert.ok(packed !== undefined);
    const back = packed.unpack();
    assert.equal(back.get('ev-step')?.event.message, 'Scaled up replica set web-1 from 0 to 1');
    assert.equal(back.get('ev-a')?.event.message, '');
    assert.deepEqual([...back.values()], [...map.values()]);
  });

  it("packs nothing when a key is not its fact's, a span id not its Event's, or the words too many", () => {
    const f = fact(settled('ev-a', undefined, '1'));
    assert.equal(PackedActions.pack(new Map([['other', f]])), undefined);
    const foreign = fact(settled('ev-a', undefined, '1'), { spanId: eventSpanIdOf('ev-b') });
    assert.equal(PackedActions.pack(new Map([['ev-a', foreign]])), undefined);
    const many = new Map<string, ActionFact>();
    for (let i = 0; i < 70; i++) {
      const event = new SettledEvent(
        {
          uid: `ev-${i}`,
          namespace: `ns-${i}`,
          reason: 'R',
          type: 'Normal',
          occurrence: undefined,
          controller: 'c',
        },
        new SettledRef('Pod', `ns-${i}`, 'p', 'u', '1'),
      );
      many.set(`ev-${i}`, fact(event));
    }
    assert.equal(PackedActions.pack(many), undefined);
    // 55 namespaces, and R, Normal, c, Pod and the empty word: 60.
    for (let i = 55; i < 70; i++) many.delete(`ev-${i}`);
    const packed = PackedActions.pack(many);
    assert.ok(packed !== undefined, 'within the words a group may use');
    assert.deepEqual([...packed.unpack().values()], [...many.values()]);
  });
});
