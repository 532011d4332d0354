import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Delta } from '../../src/model/delta.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { Forest, replayWithEngine, repoRoot } from './trees.js';

// The bare Pod `solo` of the recorded namespace deletion: the namespace controller's delete
// (grace 30), then kwok's grace-0 delete at 02:23:46 (rv 310: deletionTimestamp 46, grace 0,
// no finalizer), then its DELETED (rv 313), 10 ms later. With no finalizer left, the apiserver
// removes a Pod in the grace-0 request itself: the DELETED, however late it is seen, was
// written within the second that request stamped.
const FILE = 'test/fixtures/live/namespace-deleted.jsonl';
const deltas = parseRecording(readFileSync(path.join(repoRoot(), FILE), 'utf8'), FILE);
const SECOND_END = Date.parse('2026-12-01T02:23:46.999Z');

type Meta = { name?: string; finalizers?: string[]; resourceVersion?: string };
const isSoloDeleted = (d: Delta) =>
  d.type === 'DELETED' && (d.object as { metadata?: Meta }).metadata?.name === 'solo';

/** The highest resourceVersion of the recording. */
const lastRv = Math.max(
  ...deltas.map((d) => Number((d.object as { metadata?: Meta }).metadata?.resourceVersion ?? 0) || 0),
);

/**
 * The deltas with solo's DELETED seen `lateMs` later, its object listing `finalizers` if given:
 * then the DELETED is the write that removed the last finalizer, after every write recorded
 * (the writes after it bound it otherwise, see WriteCeilings).
 */
function soloDeletedLate(lateMs: number, finalizers?: string[]): Delta[] {
  return deltas
    .map((d) => {
      if (!isSoloDeleted(d)) return d;
      const o = d.object as { metadata: Meta };
      const object =
        finalizers === undefined
          ? o
          : { ...o, metadata: { ...o.metadata, finalizers, resourceVersion: String(lastRv + 1) } };
      return { ...d, time: d.time + lateMs, object };
    })
    .sort((a, b) => a.time - b.time);
}

function soloDeleteEnd(input: readonly Delta[]): number {
  const forest = new Forest(replayWithEngine(input, {}).records);
  const trace = forest.traces.find(
    (t) => t.root.name === 'Pod.Delete' && t.root.attributes['k8s.pod.name'] === 'solo',
  );
  assert.ok(trace, "solo's Pod.Delete trace");
  return trace.root.endTime;
}

describe('a Pod gone at a grace period of 0 with no finalizer left', () => {
  it('ends no later than the second its grace-0 delete was stamped in, however late its DELETED is seen', () => {
    const prompt = soloDeleteEnd(deltas);
    assert.ok(prompt <= SECOND_END, `as recorded: ${new Date(prompt).toISOString()}`);
    const late = soloDeleteEnd(soloDeletedLate(1_500));
    assert.ok(late <= SECOND_END, `seen 1.5 s late: ${new Date(late).toISOString()}`);
    assert.ok(late >= prompt);
  });

  it('is not bounded so while a finalizer is listed (its removal, a later write, ends it)', () => {
    const late = soloDeleteEnd(soloDeletedLate(1_500, ['example.com/hold']));
    assert.ok(late > SECOND_END, `seen 1.5 s late, a finalizer listed: ${new Date(late).toISOString()}`);
  });
});
