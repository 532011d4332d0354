// Readings of the apiserver's clock (HTTP Date) on a real recording: with a
// lower bound, a lagged watch no longer lengthens a root by more than a second.
// The recording was made with the apiserver on the same machine, so the true
// offset is 0; the readings are what a burst at the start would have read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { TraceEngine } from '../../src/assembly/trace-engine.js';
import type { ClockSample } from '../../src/model/clock-sample.js';
import { compareVariant, lagged, skewed, skewedSamples } from '../scenarios/clock-skew.js';
import { loadRecording } from '../scenarios/evaluate.js';

const deltas = loadRecording('test/fixtures/live/deployment-rollout.jsonl');

/** A burst of readings (50 ms apart over 1.1 s, 2 ms round trips) just before `start`, by a server on the watcher's clock. */
function burst(start: number): ClockSample[] {
  const out: ClockSample[] = [];
  for (let i = 0; i <= 22; i++) {
    const sentAt = start - 1_200 + i * 50;
    out.push({ sentAt, receivedAt: sentAt + 2, serverDate: Math.floor((sentAt + 1) / 1000) * 1000 });
  }
  return out;
}

describe('clock readings against a lagged watch (deployment-rollout, lag seed 3)', () => {
  const first = deltas[0]?.time ?? 0;
  const readings = burst(first);

  it('without readings the Update root lasts 1.4 s longer than unlagged (the offset estimate errs late)', () => {
    const diff = compareVariant(replay(deltas), replay(lagged(deltas, 3)));
    assert.equal(diff.length, 1, diff.join('\n'));
    assert.match(diff[0] ?? '', /^root Deployment\.Update \w+ lasts \d+ ms, not \d+ ms \(\+14\d\d ms\)$/);
  });

  it('with them every root lasts within a second of unlagged, and the Events stay where they were', () => {
    const original = replay(deltas, { clockSamples: readings });
    for (const seed of [1, 2, 3]) {
      const diff = compareVariant(original, replay(lagged(deltas, seed), { clockSamples: readings }));
      assert.deepEqual(diff, [], `seed ${seed}`);
    }
  });

  it('a watcher clock off by a constant shifts the readings too, and changes nothing', () => {
    const original = replay(deltas, { clockSamples: readings });
    for (const skew of [-60_000, 3_000]) {
      const variant = replay(skewed(deltas, skew), { clockSamples: skewedSamples(readings, skew) });
      assert.deepEqual(compareVariant(original, variant), [], `skew ${skew}`);
    }
  });

  it('the engine reports the offset the readings pin, and how far it can be off', () => {
    let engine: TraceEngine | undefined;
    replay(skewed(deltas, 10_000), {
      clockSamples: skewedSamples(readings, 10_000),
      onEngine: (e) => {
        engine = e;
      },
    });
    const stats = engine?.stats();
    const offset = stats?.clockOffsetMs ?? Number.NaN;
    const uncertainty = stats?.clockOffsetUncertaintyMs ?? Number.NaN;
    // Readings 50 ms apart with 2 ms round trips: within 26 ms of the true 10 s.
    assert.ok(uncertainty > 0 && uncertainty <= 26, `uncertainty ${uncertainty}`);
    assert.ok(Math.abs(offset - 10_000) <= uncertainty, `offset ${offset}`);
  });
});
