import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClockOffset, SETTLE_MS } from '../../src/model/clock-offset.js';

const T = Date.UTC(2026, 10, 22, 10, 0, 0);

describe('ClockOffset', () => {
  it('converts nothing until a bound has counted, and reports the tightest bound seen', () => {
    const c = new ClockOffset();
    assert.equal(c.offsetMs, undefined);
    assert.equal(c.toCluster(T), undefined);
    c.sample(T + 300, T);
    assert.equal(c.toCluster(T + 300), undefined, 'not counted before the settle period');
    assert.equal(c.settledOffsetMs, undefined);
    assert.equal(c.offsetMs, 300);
  });

  it('counts a bound once the watcher clock is SETTLE_MS past its observation, and keeps the tightest', () => {
    const c = new ClockOffset();
    c.sample(T + 700, T); // 700
    c.sample(T + 1_250, T + 1_000); // 250
    c.sample(T + 1_900, T + 1_000); // 900: not tighter
    c.toCluster(T + 700 + SETTLE_MS);
    assert.equal(c.settledOffsetMs, 700);
    assert.equal(c.toCluster(T + 1_250 + SETTLE_MS), T + 1_250 + SETTLE_MS - 250);
    assert.equal(c.settledOffsetMs, 250);
  });

  it('follows a watcher clock behind the cluster (negative offset)', () => {
    const c = new ClockOffset();
    c.sample(T - 60_000 + 40, T);
    c.settle(T + SETTLE_MS);
    assert.equal(c.offsetMs, -59_960);
    assert.equal(c.toCluster(T - 59_000), T - 59_000 + 59_960);
  });

  it('tightens a conversion with the delta’s own bound, never loosens it', () => {
    const c = new ClockOffset();
    c.sample(T + 500, T);
    c.settle(T + 500 + SETTLE_MS);
    // Own bound 100 is tighter than 500: the converted time is its stamp's.
    assert.equal(c.toCluster(T + 10_100, T + 10_000), T + 10_000);
    // Own bound 900 is looser: the estimate stands.
    assert.equal(c.toCluster(T + 10_900, T + 10_000), T + 10_400);
  });

  it('gives the same estimate whatever order a stretch shorter than SETTLE_MS arrived in', () => {
    const samples = [
      [T + 640, T],
      [T + 120, T],
      [T + 1_480, T + 1_000],
      [T + 1_030, T + 1_000],
      [T + 1_900, T + 1_000],
    ] as const;
    const estimates = (order: readonly (readonly [number, number])[]): (number | undefined)[] => {
      const c = new ClockOffset();
      const out: (number | undefined)[] = [];
      for (const [observed, stamp] of order) {
        c.sample(observed, stamp);
        c.settle(observed);
        out.push(c.settledOffsetMs);
      }
      c.settle(T + 10_000);
      out.push(c.settledOffsetMs);
      return out;
    };
    const forward = estimates(samples);
    assert.deepEqual(forward, [undefined, undefined, undefined, undefined, undefined, 30]);
    assert.deepEqual(estimates([...samples].reverse()), forward);
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
        c.settle(observed + shift);
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
    c.settle(T + 60_000);
    assert.equal(c.offsetMs, undefined);
    assert.equal(c.settledOffsetMs, undefined);
  });
});
