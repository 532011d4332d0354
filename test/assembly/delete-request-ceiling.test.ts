import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ClockSample } from '../../src/model/clock-sample.js';
import type { Delta } from '../../src/model/delta.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { lagged } from '../scenarios/clock-skew.js';
import { Forest, replayWithEngine, repoRoot } from './trees.js';

// Deployment api deleted in the background: its DELETED (rv 1005) has no stamp of its own, and
// neither has its ReplicaSet's (rv 1006). The garbage collector's delete requests of its Pods,
// written after both (rv 1007-1008), are stamped 10:00:00 (deletionTimestamp less the grace
// period), so both DELETEDs were written by 10:00:00.999, however late they are seen. The
// recording carries its startup's clock readings: the offset is known, the lag is not.
const FILE = 'test/fixtures/owner-deleted-late-events.jsonl';
const clockSamples: ClockSample[] = [];
const deltas = parseRecording(readFileSync(path.join(repoRoot(), FILE), 'utf8'), FILE, {
  onClock: (sample) => clockSamples.push(sample),
});
const REQUESTS_STAMPED_BY = Date.parse('2026-11-22T10:00:00.999Z');

/** The deltas with the DELETED of `kind` seen `lateMs` later, delivered in time order. */
function deletedLate(kind: string, lateMs: number): Delta[] {
  return deltas
    .map((d) =>
      d.type === 'DELETED' && (d.object as { kind?: string }).kind === kind
        ? { ...d, time: d.time + lateMs }
        : d,
    )
    .sort((a, b) => a.time - b.time);
}

function deleteTrace(input: readonly Delta[]) {
  const forest = new Forest(replayWithEngine(input, { clockSamples }).records);
  assert.equal(forest.traces.length, 1);
  const trace = forest.traces[0];
  assert.ok(trace !== undefined && trace.root.name === 'Deployment.Delete');
  return trace;
}

describe('a DELETED with no stamp of its own, seen late, before a delete request written after it', () => {
  it('starts the Delete root no later than the second that request stamped', () => {
    const inOrder = deleteTrace(deltas).root.startTime;
    assert.equal(
      inOrder,
      Date.parse('2026-11-22T10:00:00.000Z') - 3,
      'as recorded (the readings: 3 ms round trip)',
    );
    const late = deleteTrace(deletedLate('Deployment', 1_900)).root.startTime;
    assert.ok(late <= REQUESTS_STAMPED_BY, `seen 1.9 s late: ${new Date(late).toISOString()}`);
  });

  it("ends the ReplicaSet's termination no later than that second either", () => {
    const rs = deleteTrace(deletedLate('ReplicaSet', 1_900)).spans.find(
      (s) => s.name === 'ReplicaSet.Termination',
    );
    assert.ok(rs !== undefined);
    assert.ok(rs.endTime <= REQUESTS_STAMPED_BY, `seen 1.9 s late: ${new Date(rs.endTime).toISOString()}`);
  });
});

// The live suite's background delete (test/fixtures/live/deployment-deleted.jsonl, recorded from
// the local stack): `kubectl delete deployment/web` after its rollout. Its DELETED (rv 345) and its
// ReplicaSet's (rv 346) carry no stamp of their own; the garbage collector's delete requests of
// the three Pods (rv 347-349) are stamped in the next second, and kwok's grace-0 cuts end them.
const LIVE = 'test/fixtures/live/deployment-deleted.jsonl';
const liveSamples: ClockSample[] = [];
const live = parseRecording(readFileSync(path.join(repoRoot(), LIVE), 'utf8'), LIVE, {
  onClock: (sample) => liveSamples.push(sample),
});

describe('a background delete recorded live, each delta lagged 0–2 s', () => {
  it('lasts as in order, within a second, for 40 seeds', () => {
    const rootOf = (input: readonly Delta[]) => {
      const forest = new Forest(replayWithEngine(input, { clockSamples: liveSamples }).records);
      const root = forest.traces.find((t) => t.root.name === 'Deployment.Delete')?.root;
      assert.ok(root !== undefined);
      return root.endTime - root.startTime;
    };
    const inOrder = rootOf(live);
    for (let seed = 1; seed <= 40; seed++) {
      const lasts = rootOf(lagged(live, seed));
      assert.ok(Math.abs(lasts - inOrder) <= 1_000, `seed ${seed}: ${lasts} ms, in order ${inOrder} ms`);
    }
  });
});
