import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { repoRoot } from './trees.js';

// The recorded NotReady Node: its two Pods tolerate it 20 s (more than --settle-ms), so the
// node controller's NodeNotReady Events come 20 s before the taint manager evicts the Pods.
const FILE = 'test/fixtures/live/stuck-pods-force-deleted.jsonl';
const deltas = parseRecording(readFileSync(path.join(repoRoot(), FILE), 'utf8'), FILE);

type PodLike = { kind?: string; status?: { conditions?: { type?: string }[] }; metadata?: { name?: string } };
const evicted = (d: Delta): boolean =>
  (d.object as PodLike).kind === 'Pod' &&
  ((d.object as PodLike).status?.conditions ?? []).some((c) => c.type === 'DisruptionTarget');
/** The deltas before the first eviction: the Node went NotReady, and nothing evicted its Pods yet. */
const beforeEviction = deltas.slice(0, deltas.findIndex(evicted));

/** Where the NodeNotReady spans went: their trace's root name and whether they came in a late record. */
function notReadySpans(records: readonly TraceRecord[]): { root: string; late: boolean; parent: string }[] {
  return records.flatMap((r) =>
    r.spans
      .filter((s) => s.name === 'Pod.NodeNotReady')
      .map((s) => ({
        root: r.root.name,
        late: r.late === true,
        parent: s.parentSpanId === r.root.spanId ? 'root' : 'other',
      })),
  );
}

describe('a NodeNotReady Event waits for its Pod eviction', () => {
  it('starts the eviction trace that comes 20 s later, not a late record of the converged Create trace', () => {
    assert.ok(beforeEviction.length > 0 && beforeEviction.length < deltas.length);
    const records = replay(deltas);
    assert.deepEqual(notReadySpans(records), [
      { root: 'Pod.Evict', late: false, parent: 'root' },
      { root: 'Pod.Evict', late: false, parent: 'root' },
    ]);
    for (const r of records.filter((x) => x.root.name === 'Pod.Evict')) {
      const notReady = r.spans.find((s) => s.name === 'Pod.NodeNotReady');
      assert.ok(notReady, 'each eviction trace holds its Pod NodeNotReady');
      assert.equal(r.root.startTime, notReady.startTime, 'the eviction trace starts with it');
    }
  });

  it("its Pod's termination lasts from the eviction to the forced delete 5 s later", () => {
    // The forced delete (grace 0) stamps its deletionTimestamp anew; the deletion began at the eviction.
    const records = replay(deltas);
    const terminations = records.flatMap((r) => r.spans.filter((s) => s.name === 'Pod.Termination'));
    assert.equal(terminations.length, 2);
    for (const t of terminations) assert.ok(t.endTime - t.startTime > 5_000, `${t.endTime - t.startTime} ms`);
  });

  it('is let go of into the workload trace 310 s after it when no eviction comes', () => {
    // The watch goes on (a later delta, here the last one seen again, 400 s on): the Pods are
    // never evicted (their Node came back, or they tolerate it forever).
    const last = beforeEviction[beforeEviction.length - 1] as Delta;
    const records = replay([...beforeEviction, { ...last, time: last.time + 400_000 }]);
    assert.deepEqual(notReadySpans(records), [
      { root: 'Deployment.Create', late: true, parent: 'other' },
      { root: 'Deployment.Create', late: true, parent: 'other' },
    ]);
  });

  it('is not sent at shutdown within those 310 s: the next instance, whose list shows it, sends it', () => {
    assert.deepEqual(notReadySpans(replay(beforeEviction)), []);
  });
});
