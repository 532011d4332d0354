// Readings of the apiserver's clock (HTTP Date, a recording's CLOCK lines) on
// real recordings: with a lower bound of the offset, a lagged watch no longer
// moves Events between intents nor lengthens a root by more than a second.
// Every recording here was made with the apiserver on the same machine, so the
// true offset is 0.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeTraceRecords } from '../../src/assembly/merge-records.js';
import { replay } from '../../src/assembly/replay.js';
import type { TraceEngine } from '../../src/assembly/trace-engine.js';
import { compareVariant, lagged, skewed, skewedSamples } from '../scenarios/clock-skew.js';
import { loadClockSamples, loadRecording } from '../scenarios/evaluate.js';

describe('five-image-changes.jsonl, lagged by 0–2 s, with the clock readings it was recorded with', () => {
  const file = 'test/fixtures/live/five-image-changes.jsonl';
  const deltas = loadRecording(file);
  const readings = loadClockSamples(file);

  it('has a burst of readings', () => {
    assert.equal(readings.length, 23);
  });

  it('without them (stamps alone), lag seed 1 moves Events of the sixth generation to the fifth', () => {
    const diff = compareVariant(replay(deltas), replay(lagged(deltas, 1)));
    assert.ok(diff.length > 0);
    assert.ok(
      diff.every((d) => d.startsWith('placement ')),
      diff.join('\n'),
    );
  });

  it('with them every Event stays where it was and every root lasts within a second of unlagged', () => {
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
});

describe('tap/untimed-scale.jsonl, lagged by 0–2 s, with and without the clock readings it was recorded with', () => {
  const file = 'test/fixtures/tap/untimed-scale.jsonl';
  const deltas = loadRecording(file);
  const readings = loadClockSamples(file);

  it('has the readings of a burst cut short (the apiserver restarted for its tracing during it)', () => {
    assert.equal(readings.length, 16);
  });

  it('without them (stamps alone), lag seed 37 shortens the Create root by more than a second', () => {
    // Its ADDED, 1.5 s late, refines to the end of its creation second (21.999); its done status
    // write, 0.2 s late, is converted with the estimate the lagged stamps allow, 298 ms, to the
    // start of its second (26.000): 4.0 s, not 5.1 s. With the readings' 14 ms it ends at 26.284.
    const diff = compareVariant(replay(deltas), replay(lagged(deltas, 37)));
    assert.equal(diff.length, 1, diff.join('\n'));
    assert.match(diff[0] ?? '', /^root Deployment\.Create \w+ lasts \d+ ms, not \d+ ms \(-10\d\d ms\)$/);
  });

  it('with them every root lasts within a second of unlagged (the readings bound the offset, whatever the lag)', () => {
    const original = replay(deltas, { clockSamples: readings });
    for (const seed of [1, 2, 3, 37]) {
      const diff = compareVariant(original, replay(lagged(deltas, seed), { clockSamples: readings }));
      assert.deepEqual(diff, [], `seed ${seed}`);
    }
  });
});

describe('the engine’s offset with the readings of deployment-rollout.jsonl', () => {
  const file = 'test/fixtures/live/deployment-rollout.jsonl';
  const deltas = loadRecording(file);
  const readings = loadClockSamples(file);
  const statsOf = (skew: number) => {
    let engine: TraceEngine | undefined;
    replay(skewed(deltas, skew), {
      clockSamples: skewedSamples(readings, skew),
      onEngine: (e) => {
        engine = e;
      },
    });
    return engine?.stats();
  };

  it('is the tightest upper bound, with the readings’ lower bound giving its uncertainty, for any skew', () => {
    // Readings: [−30, 33] ms (one sent 20:53:06.970, Date :06; one received 20:53:07.033, Date :07). The
    // tightest stamp bound is 7 ms (a Scheduled eventTime): [−30, 7], so 7 ms, uncertain by 37 ms; the
    // true offset, 0, inside.
    for (const skew of [0, 10_000, -60_000]) {
      const stats = statsOf(skew);
      assert.equal(stats?.clockOffsetMs, 7 + skew, `skew ${skew}`);
      assert.equal(stats?.clockOffsetUncertaintyMs, 37, `skew ${skew}`);
    }
  });
});

describe('no span starts before its parent on deployment-rollout.jsonl, with its readings', () => {
  // An estimate below the true offset (the middle of the bounds, −11.5 ms here) converts a refined
  // stamp later than its write can have been: three Pods' creates came after their Scheduled Events
  // (exact eventTimes), by up to 18 ms. The upper bound (7 ms) errs the other way. A stamp refined by
  // a watch's own delivery lag can still come late (five-image-changes, recorded with 50 ms read
  // windows, has nine such spans, by up to 16 ms; fifteen, by up to 43 ms, with the middle).
  for (const file of ['test/fixtures/live/deployment-rollout.jsonl']) {
    it(file, () => {
      const records = replay(loadRecording(file), { clockSamples: loadClockSamples(file) });
      const late: string[] = [];
      for (const t of mergeTraceRecords(records)) {
        const byId = new Map(t.spans.map((s) => [s.spanId, s]));
        for (const s of t.spans) {
          const parent = byId.get(s.parentSpanId ?? '');
          if (parent !== undefined && s.startTime < parent.startTime) {
            late.push(
              `${s.name} starts ${parent.startTime - s.startTime} ms before its parent ${parent.name}`,
            );
          }
        }
      }
      assert.deepEqual(late, []);
    });
  }
});
