import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import { ATTR_KUBETRAIL_SPAN_OPEN } from '../../src/model/attributes.js';
import type { Delta } from '../../src/model/delta.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { repoRoot } from './trees.js';

// A Pod's delete or eviction ends once what its controller made again runs: with a kubelet that
// takes its time (a grace period, a Node that is gone), the Pod may still be terminating then.
// Its trace waits for it to be gone, so that its termination goes out with its real end.
function load(file: string): Delta[] {
  return parseRecording(readFileSync(path.join(repoRoot(), file), 'utf8'), file);
}

function evictions(records: readonly TraceRecord[]) {
  return records
    .filter((r) => r.root.name === 'Pod.Evict' && r.late !== true)
    .map((r) => {
      const t = r.spans.find((s) => s.name === 'Pod.Termination');
      assert.ok(t, 'the eviction trace holds its Pod termination');
      return {
        end: r.end,
        terminationMs: t.endTime - t.startTime,
        open: t.attributes[ATTR_KUBETRAIL_SPAN_OPEN] === true,
      };
    });
}

describe('a trace waits for the Pods it terminates to be gone', () => {
  it("a rollout whose old Pods' DELETEDs come 20 s late (a kubelet's grace period) sends no termination open", () => {
    const deltas = load('test/fixtures/live/deployment-rollout.jsonl');
    const isPodDeleted = (d: Delta) => d.type === 'DELETED' && (d.object as { kind?: string }).kind === 'Pod';
    const late = deltas
      .map((d) => (isPodDeleted(d) ? { ...d, time: d.time + 20_000 } : d))
      .sort((a, b) => a.time - b.time);
    const terminations = (records: readonly TraceRecord[]) =>
      records
        .filter((r) => r.late !== true)
        .flatMap((r) => r.spans.filter((s) => s.name === 'Pod.Termination'))
        .map((s) => ({
          id: s.spanId,
          open: s.attributes[ATTR_KUBETRAIL_SPAN_OPEN] === true,
          end: s.endTime,
        }));
    const inOrder = terminations(replay(deltas));
    const lagged = terminations(replay(late));
    assert.ok(inOrder.length >= 3, `${inOrder.length} terminations`);
    assert.deepEqual(lagged.map((t) => [t.id, t.open]).sort(), inOrder.map((t) => [t.id, false]).sort());
    // Each ends in the second its kubelet's delete stamped, as in order.
    const byId = new Map(inOrder.map((t) => [t.id, t.end]));
    for (const t of lagged) assert.equal(Math.floor(t.end / 1000), Math.floor((byId.get(t.id) ?? 0) / 1000));
  });
});

describe('a Pod eviction waits for the Pod to be gone', () => {
  it('with 2 s of quiet, the Pods force-deleted 5 s after their replacements ran end at that delete', () => {
    const out = evictions(
      replay(load('test/fixtures/live/stuck-pods-force-deleted.jsonl'), { settleMs: 2_000 }),
    );
    assert.equal(out.length, 2);
    for (const e of out) {
      assert.equal(e.end, 'converged');
      assert.equal(e.open, false);
      assert.ok(e.terminationMs > 5_000, `${e.terminationMs} ms`);
    }
  });

  it('is cut off at --max-trace-ms, its termination open, when the Pod never goes', () => {
    // node-notready's evicted Pods stay Terminating: nothing confirms their end. The watch goes
    // on (the last delta seen again, 200 s on) past the 60 s cut-off.
    const deltas = load('test/fixtures/live/node-notready.jsonl');
    const last = deltas[deltas.length - 1] as Delta;
    const out = evictions(
      replay([...deltas, { ...last, time: last.time + 200_000 }], { maxTraceMs: 60_000 }),
    );
    assert.equal(out.length, 2);
    for (const e of out) assert.deepEqual({ end: e.end, open: e.open }, { end: 'cut-off', open: true });
  });
});
