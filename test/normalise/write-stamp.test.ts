import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deletionWriteStamp, shownDeletion } from '../../src/normalise/write-stamp.js';

const AT = Date.parse('2026-11-22T10:00:30Z');
const pod = (deletionTimestamp?: string, grace?: number) => ({
  metadata: { name: 'p', deletionTimestamp, deletionGracePeriodSeconds: grace },
});

describe('shownDeletion', () => {
  it('reads the deletionTimestamp and the grace period, 0 when none is given', () => {
    assert.deepEqual(shownDeletion(pod('2026-11-22T10:00:30Z', 30), AT), { at: AT, grace: 30 });
    assert.deepEqual(shownDeletion(pod('2026-11-22T10:00:30Z'), AT), { at: AT, grace: 0 });
  });

  it('is undefined without a valid deletionTimestamp', () => {
    assert.equal(shownDeletion(pod(), AT), undefined);
    assert.equal(shownDeletion(pod('yesterday', 30), AT), undefined);
    assert.equal(shownDeletion('not an object', AT), undefined);
  });
});

describe('deletionWriteStamp', () => {
  const requested = { at: AT, grace: 30 };

  it('stamps the write that made the request: its deletionTimestamp less the grace period', () => {
    assert.equal(deletionWriteStamp(undefined, requested), AT - 30_000);
  });

  it("stamps a grace period cut to 0 with that request's own time", () => {
    const now = Date.parse('2026-11-22T10:00:02Z');
    assert.equal(deletionWriteStamp(requested, { at: now, grace: 0 }), now);
  });

  it('stamps no other write of an object being deleted', () => {
    // A status update or a finalizer's removal still shows the first request's stamp.
    assert.equal(deletionWriteStamp(requested, requested), undefined);
    // A grace period shortened but not to 0 may keep the request's time (a deadline not yet passed).
    assert.equal(deletionWriteStamp(requested, { at: AT - 20_000, grace: 10 }), undefined);
    // Already at 0: a later write.
    assert.equal(deletionWriteStamp({ at: AT, grace: 0 }, { at: AT, grace: 0 }), undefined);
    assert.equal(deletionWriteStamp(requested, undefined), undefined);
  });
});
