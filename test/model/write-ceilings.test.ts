// A DELETED has no stamp of its own; the creates written after it (one etcd revision orders
// every write of a cluster) bound how late it can have been made.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOOKAHEAD_MS } from '../../src/model/clock-offset.js';
import { SCAN_WRITES, WriteCeilings } from '../../src/model/write-ceilings.js';

describe('WriteCeilings', () => {
  it('bounds a write by the end of the second of the earliest create above it', () => {
    const c = new WriteCeilings();
    c.recordStampedWrite(120, 22_000, 22_500);
    c.recordStampedWrite(110, 21_000, 22_600);
    c.recordStampedWrite(90, 20_000, 22_700);
    assert.equal(c.ceilingOf(100, 22_400), 21_999);
    assert.equal(c.ceilingOf(115, 22_400), 22_999);
    assert.equal(c.ceilingOf(120, 22_400), undefined, 'nothing above it');
  });

  it('keeps a sub-second stamp as it is', () => {
    const c = new WriteCeilings();
    c.recordStampedWrite(5, 1_234, 2_000);
    assert.equal(c.ceilingOf(4, 2_000), 1_234);
  });

  it('counts only creates observed by the lookahead after the write, whatever their arrival order', () => {
    const c = new WriteCeilings();
    c.recordStampedWrite(12, 30_000, 10_000 + LOOKAHEAD_MS + 1);
    c.recordStampedWrite(11, 40_000, 10_000 + LOOKAHEAD_MS);
    assert.equal(c.ceilingOf(10, 10_000), 40_999);
  });

  it('forgets the lowest resourceVersions beyond its bound, 1,024 at a time', () => {
    const c = new WriteCeilings();
    for (let rv = 1; rv <= 5_120; rv++) c.recordStampedWrite(rv, rv * 1000, 0);
    assert.equal(c.ceilingOf(0, 0), 1999, '4,096 and a batch of 1,024 are kept');
    c.recordStampedWrite(5_121, 5_121_000, 0);
    assert.equal(c.ceilingOf(0, 0), 1_025_999, 'the lowest 1,024 are forgotten');
  });

  it('looks only at the creates written next after the write', () => {
    const c = new WriteCeilings();
    for (let rv = 11; rv <= 10 + SCAN_WRITES; rv++) c.recordStampedWrite(rv, 50_000, 0);
    c.recordStampedWrite(11 + SCAN_WRITES, 20_000, 0);
    assert.equal(c.ceilingOf(10, 0), 50_999, 'a create further on is not looked at');
    assert.equal(c.ceilingOf(11, 0), 20_999);
  });

  it('takes creates out of order, as watches of several resources deliver them', () => {
    const c = new WriteCeilings();
    for (const rv of [30, 10, 20, 40, 25]) c.recordStampedWrite(rv, rv * 1000, 0);
    assert.equal(c.ceilingOf(15, 0), 20_999);
    assert.equal(c.ceilingOf(21, 0), 25_999);
    assert.equal(c.ceilingOf(35, 0), 40_999);
  });
});
