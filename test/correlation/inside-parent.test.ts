import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insideParent } from '../../src/correlation/inside-parent.js';
import { msToNanosString } from '../../src/export/time.js';

/** Epoch nanoseconds as the tap holds them: a float of the wire's integer, in milliseconds. */
const asReceived = (ns: bigint) => Number(ns) / 1e6;
const exported = (ms: number) => BigInt(msToNanosString(ms));

describe('insideParent', () => {
  it('exports inside the parent to the nanosecond, whichever way its times would round', () => {
    // 11:52:12.039731400 (would round down, before the parent) for 3.369 ms, then a sweep of offsets.
    const base = 1_796_039_532_039_731_400n;
    for (let i = 0n; i < 2_000n; i++) {
      const start = base + i * 613n;
      const end = start + 3_369_000n + i * 257n;
      const t = insideParent(asReceived(start), asReceived(end));
      const from = exported(t.startTime);
      const to = exported(t.endTime);
      assert.ok(from >= start, `start ${from} before the parent's ${start}`);
      assert.ok(to <= end, `end ${to} after the parent's ${end}`);
      assert.ok(from <= to, `start ${from} after end ${to}`);
      // Whole microseconds, at most 2.5 µs inside each end (margin, rounding to µs, float error).
      assert.equal(from % 1_000n, 0n);
      assert.ok(from - start <= 2_500n && end - to <= 2_500n, `${start}..${end} → ${from}..${to}`);
    }
  });

  it('gives the middle of a parent too short for the margins', () => {
    const start = 1_796_039_532_039_731_400n;
    const t = insideParent(asReceived(start), asReceived(start + 1_200n));
    assert.equal(t.startTime, t.endTime);
    assert.equal(exported(t.startTime), start + 600n);
  });

  it('treats an end before the start as the start', () => {
    const t = insideParent(1_000.5, 999);
    assert.equal(t.startTime, t.endTime);
    assert.equal(t.startTime, 1_000.5);
  });
});
