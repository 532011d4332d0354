import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRfc3339 } from '../../src/normalise/rfc3339.js';

describe('parseRfc3339', () => {
  it('reads RFC 3339 in UTC and with offsets, the fraction truncated to milliseconds', () => {
    const cases: [string, string][] = [
      ['2026-11-22T10:00:00Z', '2026-11-22T10:00:00.000Z'],
      ['2026-11-22T10:00:00.123456789Z', '2026-11-22T10:00:00.123Z'],
      ['2026-11-22t10:00:00.5z', '2026-11-22T10:00:00.500Z'],
      ['2026-11-22T11:30:00+01:30', '2026-11-22T10:00:00.000Z'],
      ['2026-11-22T05:00:00.25-05:00', '2026-11-22T10:00:00.250Z'],
      ['2028-02-29T00:00:00Z', '2028-02-29T00:00:00.000Z'],
      ['2000-02-29T23:59:59.999999Z', '2000-02-29T23:59:59.999Z'],
      ['2026-11-22T10:00:00.1234567890123Z', '2026-11-22T10:00:00.123Z'],
    ];
    for (const [input, iso] of cases) assert.equal(parseRfc3339(input), Date.parse(iso), input);
  });

  it('reads the years 0–99 as themselves', () => {
    const t = parseRfc3339('0001-01-01T00:00:00Z');
    assert.ok(t !== undefined);
    assert.equal(new Date(t).getUTCFullYear(), 1);
  });

  it('rejects what Date.parse accepts but RFC 3339 does not', () => {
    for (const s of [
      '1',
      'Nov 22 2026',
      'Sun Nov 22 2026 10:00:00 GMT+0000',
      '2026-11-22',
      '2026-11-22T10:00:00',
      '2026-11-22 10:00:00Z',
      '2026-02-30T10:00:00Z',
      '2026-02-29T10:00:00Z',
      '1900-02-29T10:00:00Z',
      '2026-04-31T10:00:00Z',
      '2026-11-22T24:00:00Z',
      '2026-11-22T10:60:00Z',
      '2026-11-22T10:00:60Z',
      '2026-11-22T10:00:00.Z',
      '2026-11-22T10:00:00+24:00',
      '2026-11-22T10:00:00+01',
      '+002026-11-22T10:00:00Z',
      ' 2026-11-22T10:00:00Z',
      '2026-11-22T10:00:00Z ',
      '',
    ]) {
      assert.equal(parseRfc3339(s), undefined, s);
    }
  });

  it('agrees with Date.parse on random valid stamps', () => {
    let seed = 11;
    const rnd = (lo: number, hi: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return lo + (seed % (hi - lo + 1));
    };
    const pad = (v: number, w: number): string => String(v).padStart(w, '0');
    for (let i = 0; i < 5_000; i++) {
      let s = `${pad(rnd(1970, 2999), 4)}-${pad(rnd(1, 12), 2)}-${pad(rnd(1, 28), 2)}T${pad(rnd(0, 23), 2)}:${pad(rnd(0, 59), 2)}:${pad(rnd(0, 59), 2)}`;
      const digits = rnd(0, 9);
      if (digits > 0) s += `.${Array.from({ length: digits }, () => rnd(0, 9)).join('')}`;
      s +=
        rnd(0, 1) === 0 ? 'Z' : `${rnd(0, 1) === 0 ? '+' : '-'}${pad(rnd(0, 14), 2)}:${pad(rnd(0, 59), 2)}`;
      assert.equal(parseRfc3339(s), Date.parse(s), s);
    }
  });
});
