import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClockOffset, LOOKAHEAD_MS } from '../../src/model/clock-offset.js';

const T = Date.UTC(2026, 10, 22, 10, 0, 0);

describe('ClockOffset', () => {
  it('reports the tightest bound seen; a delta is converted with the bounds observed by LOOKAHEAD_MS after it', () => {
    const c = new ClockOffset();
    assert.equal(c.offsetMs, undefined);
    assert.equal(c.offsetFor(T), undefined);
    c.sample(T + 300, T);
    assert.equal(c.offsetMs, 300);
    assert.equal(c.offsetFor(T + 300 - LOOKAHEAD_MS - 1), undefined, 'observed too long after');
    assert.equal(c.offsetFor(T + 300 - LOOKAHEAD_MS), 300);
    assert.equal(c.offsetFor(T + 60_000), 300);
  });

  it('keeps the tightest bound observed by each time', () => {
    const c = new ClockOffset();
    c.sample(T + 700, T); // 700
    c.sample(T + 1_250, T + 1_000); // 250
    c.sample(T + 1_900, T + 1_000); // 900: not tighter
    assert.equal(c.tightestBy(T + 699), undefined);
    assert.equal(c.tightestBy(T + 700), 700);
    assert.equal(c.tightestBy(T + 1_249), 700);
    assert.equal(c.tightestBy(T + 1_250), 250);
    assert.equal(c.tightestBy(T + 60_000), 250);
    assert.equal(c.offsetMs, 250);
  });

  it('follows a watcher clock behind the cluster (negative offset)', () => {
    const c = new ClockOffset();
    c.sample(T - 60_000 + 40, T);
    assert.equal(c.offsetMs, -59_960);
    assert.equal(c.offsetFor(T - 50_000), -59_960);
  });

  it('tightens an offset with the delta’s own bound, never loosens it', () => {
    const c = new ClockOffset();
    c.sample(T + 500, T);
    // Own bound 100 is tighter than 500.
    assert.equal(c.offsetFor(T + 10_100, T + 10_000), 100);
    // Own bound 900 is looser: the estimate stands.
    assert.equal(c.offsetFor(T + 10_900, T + 10_000), 500);
    // With nothing else, the own bound alone.
    assert.equal(new ClockOffset().offsetFor(T + 10_900, T + 10_000), 900);
  });

  it('gives each delta the same offset whatever order the samples arrived in', () => {
    const samples: readonly (readonly [number, number])[] = [
      [T + 640, T],
      [T + 120, T],
      [T + 2_480, T + 2_000],
      [T + 2_030, T + 2_000],
      [T + 3_900, T + 3_000],
      [T + 4_100, T + 4_000],
    ];
    const offsets = (order: readonly (readonly [number, number])[]): (number | undefined)[] => {
      const c = new ClockOffset();
      for (const [observed, stamp] of order) c.sample(observed, stamp);
      return samples.map(([observed]) => c.offsetFor(observed));
    };
    const forward = offsets(samples);
    assert.deepEqual(forward, [120, 120, 30, 30, 30, 30]);
    const reversed = [...samples].reverse();
    assert.deepEqual(offsets(reversed), forward);
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
    assert.equal(c.offsetFor(T + 60_000), undefined);
  });
});
