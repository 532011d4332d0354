import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import { eventOccurrenceSpanIdOf, eventSpanIdOf } from '../../src/model/ids.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { loadRecording } from '../scenarios/evaluate.js';
import { listedAfter, restartCheck } from './restart-cut.js';

// A restart in the middle of a StatefulSet's rolling update: its controller
// deletes each Pod and makes it again under its name, and reports each create
// with the same Event ("create Pod db-1 in StatefulSet db successful"), its count
// raised. The list shows that Event once, at its count then; a live run hangs a
// Pod the rollout made under that occurrence, hash(event uid, count), in the
// rollout's trace.

interface Meta {
  uid?: string;
  name?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
}
const meta = (d: Delta): Meta => (d.object as { metadata?: Meta }).metadata ?? {};
const kindOf = (d: Delta): string | undefined => (d.object as { kind?: string }).kind;
const noteOf = (d: Delta): string | undefined => (d.object as { note?: string }).note;

/** The uid of the Event whose note is `note`. */
function eventUid(deltas: readonly Delta[], note: string): string {
  const found = deltas.find((d) => kindOf(d) === 'Event' && noteOf(d) === note);
  const uid = found === undefined ? undefined : meta(found).uid;
  assert.ok(uid !== undefined, note);
  return uid;
}

/** The cut (1-based) right after the delta that first shows the StatefulSet at `generation`. */
function cutAtGeneration(deltas: readonly Delta[], generation: number): number {
  const i = deltas.findIndex(
    (d) =>
      kindOf(d) === 'StatefulSet' &&
      (d.object as { metadata?: { generation?: number } }).metadata?.generation === generation,
  );
  assert.ok(i >= 0);
  return i + 1;
}

const lifecycleOf = (records: readonly TraceRecord[], uid: string): { r: TraceRecord; s: SpanRecord } => {
  for (const r of records)
    for (const s of r.spans)
      if (s.name === 'Pod.Lifecycle' && s.attributes['k8s.pod.uid'] === uid) return { r, s };
  assert.fail(`no lifecycle of ${uid}`);
};

/** The uids of the Pods of `name`, in the order their ADDED came. */
const podsNamed = (deltas: readonly Delta[], name: string): string[] => [
  ...new Set(
    deltas
      .filter((d) => kindOf(d) === 'Pod' && d.type === 'ADDED' && meta(d).name === name)
      .map((d) => String(meta(d).uid)),
  ),
];

describe('a restart right after a StatefulSet rollout was written (statefulset-rollout)', () => {
  const deltas = loadRecording('test/fixtures/live/statefulset-rollout.jsonl');
  const live = replay(deltas);
  const cut = cutAtGeneration(deltas, 2);

  it('hangs each Pod made again after the list under the occurrence of the rollout, a span sent as live', () => {
    const restarted = replay(listedAfter(deltas, cut), { listIsHistory: true });
    for (const name of ['db-0', 'db-1']) {
      const [, remade] = podsNamed(deltas, name);
      assert.ok(remade !== undefined, name);
      const occurrence = eventOccurrenceSpanIdOf(
        eventUid(deltas, `Create Pod ${name} in StatefulSet db successful`),
        2,
      );
      const mine = lifecycleOf(restarted, remade);
      const theirs = lifecycleOf(live, remade);
      assert.equal(mine.s.parentSpanId, occurrence, name);
      assert.equal(mine.s.parentSpanId, theirs.s.parentSpanId, name);
      assert.equal(mine.r.traceId, theirs.r.traceId, name);
      const action = mine.r.spans.find((s) => s.spanId === occurrence);
      assert.equal(action?.attributes['kubetrail.trace.partial'], true, name);
    }
    assert.deepEqual(restartCheck(deltas, cut, live).wrong, []);
  });

  it("takes the listed Pod's revision as the proof: labelled at the rollout's update revision, the occurrence is no span of its own", () => {
    // The listed Pods as if the rollout had made them: nothing then says that the occurrence that
    // made each (count 1) was an intent before the rollout, so the list does not tell where count 2 begins.
    const relabelled = listedAfter(deltas, cut).map((d): Delta => {
      if (d.initial !== true || kindOf(d) !== 'Pod') return d;
      const m = meta(d);
      const labels = { ...m.labels, 'controller-revision-hash': 'db-749b956d74' };
      return { ...d, object: { ...(d.object as object), metadata: { ...m, labels } } };
    });
    const occurrence = eventOccurrenceSpanIdOf(
      eventUid(deltas, 'Create Pod db-1 in StatefulSet db successful'),
      2,
    );
    const sends = (list: Delta[]): boolean =>
      replay(list, { listIsHistory: true }).some((r) => r.spans.some((s) => s.spanId === occurrence));
    assert.equal(sends(listedAfter(deltas, cut)), true);
    assert.equal(sends(relabelled), false);
  });
});

describe('a restart after a StatefulSet Pod was made again, before the Pod was scheduled (statefulset-same-second)', () => {
  const deltas = loadRecording('test/fixtures/live/statefulset-same-second.jsonl');
  const live = replay(deltas);
  // The list shows db-1 made again, its "Delete Pod db-1" and "Create Pod db-1" count 2; its Scheduled comes after.
  const created = deltas.findIndex(
    (d) =>
      kindOf(d) === 'Event' &&
      noteOf(d) === 'Create Pod db-1 in StatefulSet db successful' &&
      d.type === 'MODIFIED',
  );
  const cut = created + 1;

  it("hangs the Pod's Scheduled under its lifecycle in the rollout's trace, not under the listed delete of the Pod before it", () => {
    assert.ok(created > 0);
    const restarted = replay(listedAfter(deltas, cut), { listIsHistory: true });
    const [, remade] = podsNamed(deltas, 'db-1');
    assert.ok(remade !== undefined);
    const scheduled = restarted
      .flatMap((r) => r.spans)
      .find((s) => s.name === 'Pod.Scheduled' && s.attributes['k8s.pod.uid'] === remade);
    const theirs = lifecycleOf(live, remade);
    assert.equal(scheduled?.parentSpanId, theirs.s.spanId);
    assert.notEqual(
      scheduled?.parentSpanId,
      eventSpanIdOf(eventUid(deltas, 'Delete Pod db-1 in StatefulSet db successful')),
    );
    assert.deepEqual(restartCheck(deltas, cut, live).wrong, []);
  });
});

describe('a restart right after the rollout deleted a StatefulSet Pod, before it made it again (statefulset-rollout)', () => {
  const deltas = loadRecording('test/fixtures/live/statefulset-rollout.jsonl');
  const live = replay(deltas);
  const [listedPod, remade] = podsNamed(deltas, 'db-1');
  // The list shows db-1 gone, "Create Pod db-1" at count 1 and the "Delete Pod db-1" written after it.
  const cut = deltas.findIndex((d) => d.type === 'DELETED' && meta(d).uid === listedPod) + 1;
  const deleteNote = 'Delete Pod db-1 in StatefulSet db successful';
  const occurrence = eventOccurrenceSpanIdOf(
    eventUid(deltas, 'Create Pod db-1 in StatefulSet db successful'),
    2,
  );
  const sends = (list: readonly Delta[]): boolean =>
    replay(list, { listIsHistory: true }).some((r) => r.spans.some((s) => s.spanId === occurrence));

  it('takes the listed delete, written after the listed create, for the proof that the create was of an intent before', () => {
    assert.ok(cut > 0 && remade !== undefined);
    const list = listedAfter(deltas, cut);
    assert.ok(!list.some((d) => d.initial === true && meta(d).uid === listedPod), 'db-1 is gone by the list');
    assert.ok(list.some((d) => d.initial === true && noteOf(d) === deleteNote));
    const restarted = replay(list, { listIsHistory: true });
    const mine = lifecycleOf(restarted, remade);
    const theirs = lifecycleOf(live, remade);
    assert.equal(mine.s.parentSpanId, occurrence);
    assert.equal(mine.s.parentSpanId, theirs.s.parentSpanId);
    assert.equal(mine.r.traceId, theirs.r.traceId);
    assert.deepEqual(restartCheck(deltas, cut, live).wrong, []);
  });

  it('does not without that delete, nor when the list reports the Pod recreated as failed', () => {
    const list = listedAfter(deltas, cut);
    const withoutDelete = list.filter((d) => d.initial !== true || noteOf(d) !== deleteNote);
    const listedDelete = list.find((d) => d.initial === true && noteOf(d) === deleteNote);
    assert.ok(listedDelete !== undefined);
    const m = meta(listedDelete);
    const failed: Delta = {
      ...listedDelete,
      object: {
        ...(listedDelete.object as object),
        metadata: { ...m, uid: `${String(m.uid)}-failed`, name: `${String(m.name)}-failed` },
        reason: 'RecreatingFailedPod',
        type: 'Warning',
        note: 'StatefulSet rec-sts/db is recreating failed Pod db-1',
      },
    };
    assert.equal(sends(list), true);
    assert.equal(sends(withoutDelete), false);
    // Listed after the StatefulSet it is about, as the delete is.
    const at = list.indexOf(listedDelete);
    assert.equal(sends([...list.slice(0, at), failed, ...list.slice(at)]), false);
  });
});
