import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import { loadRecording } from '../scenarios/evaluate.js';
import { assertEvictionsContinuedUnder, listedAfter, restartCheck } from './restart-cut.js';

// A restart while a PodDisruptionBudget holds a drain back
// (test/fixtures/live/node-drain-pdb.jsonl: the cordon at 02:33:11, the
// evictions 10 and 15 s later): the new instance lists the Node cordoned. The
// instance before sent the cordon's root at its stop; the new one continues the
// drain, its evictions under that root, as the live run has them.

const deltas = loadRecording('test/fixtures/live/node-drain-pdb.jsonl');
const kindOf = (d: Delta): string | undefined => (d.object as { kind?: string }).kind;
const unschedulable = (d: Delta): boolean =>
  kindOf(d) === 'Node' && (d.object as { spec?: { unschedulable?: boolean } }).spec?.unschedulable === true;
/** Deltas seen by the stopped instance: up to the cordon's first delta, none of the evictions. */
const cut = deltas.findIndex(unschedulable) + 1;

describe('a restart between a cordon and the evictions a PodDisruptionBudget held back', () => {
  const live = replay(deltas);
  const drain = live.find((r) => r.root.name === 'Node.Cordon');

  it('the evictions after the restart are children of the cordon sent before it, marked partial; its root is not sent again', () => {
    assert.ok(cut > 0);
    assert.ok(drain !== undefined);
    assertEvictionsContinuedUnder(replay(listedAfter(deltas, cut), { listIsHistory: true }), drain, 2);
  });

  it('sends what the live run sent, and no span twice', () => {
    assert.deepEqual(restartCheck(deltas, cut, live).wrong, []);
  });
});

// The same drain restarted after its first eviction (the Pod listed with
// `DisruptionTarget`, not yet deleted): the instance before sent that Pod.Evict in
// the cordon's trace (at its stop, if not before); the new one continues it there.
describe('a restart right after an eviction of a drain', () => {
  const live = replay(deltas);
  const evictedAt = deltas.findIndex(
    (d) =>
      kindOf(d) === 'Pod' &&
      (d.object as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions?.some(
        (c) => c.type === 'DisruptionTarget' && c.status === 'True',
      ) === true,
  );
  const evictedCut = evictedAt + 1;
  const pod = (deltas[evictedAt]?.object as { metadata?: { name?: string } } | undefined)?.metadata?.name;
  const liveEvict = live
    .flatMap((r) => r.spans.map((s) => ({ r, s })))
    .find(({ s }) => s.name === 'Pod.Evict' && s.attributes['k8s.pod.name'] === pod);

  it('its eviction is not opened again: its termination and its replacement go under it, in the cordon’s trace, marked partial', () => {
    assert.ok(evictedAt > 0 && liveEvict !== undefined);
    const restarted = replay(listedAfter(deltas, evictedCut), { listIsHistory: true });
    const spans = restarted.flatMap((r) => r.spans.map((s) => ({ r, s })));
    assert.deepEqual(
      spans.filter(({ s }) => s.name === 'Pod.Evict' && s.attributes['k8s.pod.name'] === pod),
      [],
      'its Pod.Evict not sent again',
    );
    const under = spans.filter(({ s }) => s.parentSpanId === liveEvict.s.spanId);
    assert.deepEqual(under.map(({ s }) => s.name).sort(), ['Pod.Termination', 'ReplicaSet.SuccessfulCreate']);
    for (const { r, s } of under) {
      assert.equal(r.traceId, liveEvict.r.traceId);
      assert.equal(s.attributes['kubetrail.trace.partial'], true);
    }
  });

  it('sends what the live run sent, and no span twice', () => {
    assert.deepEqual(restartCheck(deltas, evictedCut, live).wrong, []);
  });
});
