import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import { loadRecording } from '../scenarios/evaluate.js';
import { listedAfter, restartCheck } from './restart-cut.js';

// A restart while a NotReady Node's Pods are being evicted
// (test/fixtures/live/node-notready.jsonl: the taint manager marks both Pods of
// kwok-node-lost with `DisruptionTarget` and deletes them at 11:50:14, and the
// ReplicaSet makes two replacements). The new instance lists both Pods evicted,
// being deleted; no delta of them follows (the Node is gone before they are). The
// instance before sent their Pod.Evict traces (at its stop, if not before); the new
// one continues them: each replacement goes to its eviction's trace, as live.

const deltas = loadRecording('test/fixtures/live/node-notready.jsonl');
const pod = (d: Delta) =>
  d.object as { kind?: string; status?: { conditions?: { type: string; status: string }[] } };
const evicted = (d: Delta): boolean =>
  pod(d).kind === 'Pod' &&
  pod(d).status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.status === 'True') === true;
const firstEviction = deltas.findIndex(evicted);
/** Deltas seen by the stopped instance: both evictions and deletes, none of the replacements. */
const cut = deltas.findIndex((d, i) => i > firstEviction && d.type === 'ADDED' && pod(d).kind === 'Pod');

describe('a restart between a NotReady Node’s evictions and their replacements', () => {
  const live = replay(deltas);
  const evictions = live.filter((r) => r.root.name === 'Pod.Evict');

  it('no Pod.Evict is sent again; each replacement’s Created pod goes under its eviction, marked partial', () => {
    assert.ok(firstEviction > 0 && cut > firstEviction);
    assert.equal(evictions.length, 2);
    const restarted = replay(listedAfter(deltas, cut), { listIsHistory: true });
    const spans = restarted.flatMap((r) => r.spans.map((s) => ({ r, s })));
    assert.deepEqual(
      spans.filter(({ s }) => s.name === 'Pod.Evict').map(({ s }) => s.attributes['k8s.pod.name']),
      [],
    );
    for (const e of evictions) {
      const created = e.spans.find((s) => s.name === 'ReplicaSet.SuccessfulCreate');
      assert.ok(created !== undefined);
      const sent = spans.filter(({ s }) => s.spanId === created.spanId);
      assert.equal(sent.length, 1, `${String(created.attributes['k8s.event.note'])} sent once`);
      assert.equal(sent[0]?.r.traceId, e.traceId);
      assert.equal(sent[0]?.s.parentSpanId, e.root.spanId);
      assert.equal(sent[0]?.s.attributes['kubetrail.trace.partial'], true);
    }
  });

  it('sends what the live run sent, and no span twice', () => {
    assert.deepEqual(restartCheck(deltas, cut, live).wrong, []);
  });
});
