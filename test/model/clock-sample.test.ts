import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockSampleProblem, combinedBounds, sampleBounds } from '../../src/model/clock-sample.js';

const T = Date.UTC(2026, 10, 30, 8, 0, 0);

describe('clock samples (HTTP Date readings)', () => {
  it('one reading bounds the offset by its send time less the end of the Date second, and its receive time less the Date', () => {
    // Sent at T + 400, answered at T + 410, Date T − 1 s: the server read [T − 1 s, T) meanwhile.
    assert.deepEqual(sampleBounds({ sentAt: T + 400, receivedAt: T + 410, serverDate: T - 1_000 }), {
      lower: 400,
      upper: 1_410,
    });
  });

  it('readings across a Date boundary pin the offset to their spacing plus a round trip', () => {
    const b = combinedBounds([
      { sentAt: T + 950, receivedAt: T + 953, serverDate: T },
      { sentAt: T + 1_000, receivedAt: T + 1_003, serverDate: T + 1_000 },
      { sentAt: T + 1_050, receivedAt: T + 1_053, serverDate: T + 1_000 },
    ]);
    assert.deepEqual(b, { lower: -50, upper: 3 });
  });

  it('names what makes a reading unusable; combining skips those', () => {
    assert.equal(clockSampleProblem({ sentAt: T, receivedAt: T + 1, serverDate: T }), undefined);
    assert.equal(
      clockSampleProblem({ sentAt: T + 2, receivedAt: T + 1, serverDate: T }),
      'received before it was sent',
    );
    assert.equal(
      clockSampleProblem({ sentAt: T, receivedAt: T + 1, serverDate: T + 1 }),
      'the server date must be a whole second',
    );
    assert.equal(
      clockSampleProblem({ sentAt: Number.NaN, receivedAt: T, serverDate: T }),
      'times must be finite',
    );
    assert.equal(combinedBounds([]), undefined);
    assert.equal(combinedBounds([{ sentAt: T + 2, receivedAt: T + 1, serverDate: T }]), undefined);
  });
});
