import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClockOffset, SETTLE_MS } from '../../src/model/clock-offset.js';

const T = Date.UTC(2026, 10, 22, 10, 0, 0);

describe('ClockOffset', () => {
  it('reports the tightest bound seen, and converts nothing before one has settled', () => {
    const c = new ClockOffset();
    assert.equal(c.offsetMs, undefined);
    assert.equal(c.toCluster(T), undefined);
    c.sample(T + 300, T);
    assert.equal(c.offsetMs, 300);
    assert.equal(c.toCluster(T + 300), undefined, 'not settled before SETTLE_MS');
    assert.equal(c.toCluster(T + 300 + SETTLE_MS), T + SETTLE_MS);
  });

  it('settles each bound SETTLE_MS after its observation, keeping the tightest', () => {
    const c = new ClockOffset();
    c.sample(T + 700, T); // 700
    c.sample(T + 1_250, T + 1_000); // 250
    c.sample(T + 1_900, T + 1_000); // 900: not tighter
    assert.equal(c.settledAt(T + 699 + SETTLE_MS), undefined);
    assert.equal(c.settledAt(T + 700 + SETTLE_MS), 700);
    assert.equal(c.settledAt(T + 1_249 + SETTLE_MS), 700);
    assert.equal(c.settledAt(T + 1_250 + SETTLE_MS), 250);
    assert.equal(c.settledAt(T + 60_000), 250);
    assert.equal(c.toCluster(T + 10_000), T + 10_000 - 250);
    assert.equal(c.offsetMs, 250);
  });

  it('follows a watcher clock behind the cluster (negative offset)', () => {
    const c = new ClockOffset();
    c.sample(T - 60_000 + 40, T);
    assert.equal(c.offsetMs, -59_960);
    assert.equal(c.toCluster(T - 50_000), T - 50_000 + 59_960);
  });

  it('tightens a conversion with the delta’s own bound, never loosens it', () => {
    const c = new ClockOffset();
    c.sample(T + 500, T);
    // Own bound 100 is tighter than 500: the converted time is its stamp's.
    assert.equal(c.toCluster(T + 10_100, T + 10_000), T + 10_000);
    // Own bound 900 is looser: the estimate stands.
    assert.equal(c.toCluster(T + 10_900, T + 10_000), T + 10_400);
    // Before anything settled, the own bound alone.
    assert.equal(new ClockOffset().toCluster(T + 10_900, T + 10_000), T + 10_000);
  });

  it('converts a delta the same whatever order deltas observed within SETTLE_MS of each other arrived in', () => {
    const samples: readonly (readonly [number, number])[] = [
      [T + 640, T],
      [T + 120, T],
      [T + 2_480, T + 2_000],
      [T + 2_030, T + 2_000],
      [T + 3_900, T + 3_000],
      [T + 4_100, T + 4_000],
    ];
    // Each delta is converted right after it arrives, as the engine does.
    const conversions = (order: readonly (readonly [number, number])[]): Map<number, number | undefined> => {
      const c = new ClockOffset();
      const out = new Map<number, number | undefined>();
      for (const [observed, stamp] of order) {
        c.sample(observed, stamp);
        out.set(observed, c.toCluster(observed));
      }
      return out;
    };
    const forward = conversions(samples);
    assert.equal(forward.get(T + 2_480), T + 2_480 - 120);
    assert.equal(forward.get(T + 4_100), T + 4_100 - 30);
    // Swapped pairs, each within SETTLE_MS.
    const swapped = [samples[1], samples[0], samples[3], samples[2], samples[5], samples[4]].filter(
      (x): x is readonly [number, number] => x !== undefined,
    );
    assert.deepEqual(conversions(swapped), forward);
  });

  it('a constant shift of every observation shifts the estimate by exactly that much', () => {
    const run = (shift: number): number | undefined => {
      const c = new ClockOffset();
      for (const [observed, stamp] of [
        [T + 640, T],
        [T + 2_010, T + 2_000],
        [T + 5_300, T + 5_000],
      ] as const) {
        c.sample(observed + shift, stamp);
      }
      return c.offsetMs;
    };
    assert.equal(run(0), 10);
    for (const s of [-60_000, -3_000, 3_000, 60_000]) assert.equal(run(s), 10 + s);
  });

  it('ignores bounds that are not finite', () => {
    const c = new ClockOffset();
    c.sample(Number.NaN, T);
    c.sample(T, Number.POSITIVE_INFINITY);
    assert.equal(c.offsetMs, undefined);
    assert.equal(c.toCluster(T + 60_000), undefined);
  });
});
