import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUtcStamp } from '../../src/normalise/rfc3339.js';

describe('parseUtcStamp', () => {
  it('agrees with Date.parse on the stamps it reads', () => {
    for (const s of [
      '2026-11-22T09:00:05Z',
      '2026-11-22T10:00:01.6Z',
      '2026-11-22T10:00:01.69Z',
      '2026-11-22T10:00:01.692Z',
      '2026-11-22T10:00:01.692923Z',
      '2026-11-22T10:00:01.999999999Z',
      '1970-01-01T00:00:00Z',
      '9999-12-28T23:59:59.5Z',
    ]) {
      assert.equal(parseUtcStamp(s), Date.parse(s), s);
    }
  });

  it('counts days as Date.parse does on the first and last day it reads of every month, 1970–9999', () => {
    // The day count is plain arithmetic: leap years (1972, 2000 but not 2100) and eras must agree.
    const pad = (v: number, w: number): string => String(v).padStart(w, '0');
    for (let year = 1970; year <= 9999; year++) {
      for (let month = 1; month <= 12; month++) {
        for (const day of [1, 28]) {
          const s = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T23:59:59.999Z`;
          const fast = parseUtcStamp(s);
          if (fast !== Date.parse(s)) assert.equal(fast, Date.parse(s), s);
        }
      }
    }
  });

  it('leaves everything else to Date.parse', () => {
    for (const s of [
      '2026-02-29T10:00:01Z',
      '2026-11-22T24:00:00Z',
      '1969-12-31T23:59:59Z',
      '2026-11-22T10:00:01.Z',
      '2026-11-22T10:00:01.1234567890Z',
      '2026-11-22T10:00:01+00:00',
      '2026-11-22t10:00:01z',
      '2026-11-22T1x:00:01Z',
      '2026-13-22T10:00:01Z',
      '',
    ]) {
      assert.equal(parseUtcStamp(s), undefined, s);
    }
  });

  it('agrees with Date.parse on random and corrupted stamps', () => {
    let seed = 7;
    const rnd = (lo: number, hi: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return lo + (seed % (hi - lo + 1));
    };
    const pad = (v: number, w: number): string => String(v).padStart(w, '0');
    for (let i = 0; i < 20_000; i++) {
      let s = `${pad(rnd(1960, 9999), 4)}-${pad(rnd(0, 13), 2)}-${pad(rnd(0, 32), 2)}T${pad(rnd(0, 25), 2)}:${pad(rnd(0, 60), 2)}:${pad(rnd(0, 61), 2)}`;
      const digits = rnd(0, 10);
      if (digits > 0) s += `.${Array.from({ length: digits - 1 }, () => rnd(0, 9)).join('')}`;
      s += 'Z';
      if (rnd(0, 9) === 0) {
        const k = rnd(0, s.length - 1);
        s = s.slice(0, k) + String.fromCharCode(rnd(32, 126)) + s.slice(k + 1);
      }
      const fast = parseUtcStamp(s);
      if (fast !== undefined) assert.equal(fast, Date.parse(s), s);
    }
  });
});
