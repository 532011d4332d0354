import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keepEarliest } from '../../src/normalise/keep-earliest.js';
import type { IssueSink } from '../../src/normalise/narrow.js';
import { normaliseEvent } from '../../src/normalise/normalise-event.js';
import { projectObject } from '../../src/normalise/project-object.js';
import { isWholeSecond, refineTime, sameSecond } from '../../src/normalise/refine-time.js';
import { isRejected } from '../../src/normalise/rejection.js';

const SECOND = Date.parse('2026-11-22T04:25:09Z');
const quiet: IssueSink = { issue: () => {} };

describe('refineTime', () => {
  it('uses the observation time within the stamp’s second', () => {
    assert.equal(refineTime(SECOND, SECOND + 482), SECOND + 482);
  });

  it('never moves a stamp before itself', () => {
    assert.equal(refineTime(SECOND, SECOND - 5_000), SECOND);
  });

  it('never leaves the second: a late observation gives the last millisecond of it', () => {
    assert.equal(refineTime(SECOND, SECOND + 3_000), SECOND + 999);
  });

  it('keeps sub-second stamps (MicroTime) as they are', () => {
    assert.equal(refineTime(SECOND + 338, SECOND + 351), SECOND + 338);
    assert.equal(isWholeSecond(SECOND + 338), false);
  });

  it('tells refinements of one second apart from the next second', () => {
    assert.equal(sameSecond(SECOND + 1, SECOND + 999), true);
    assert.equal(sameSecond(SECOND + 999, SECOND + 1_000), false);
  });
});

function pod(extra: Record<string, unknown>, status?: Record<string, unknown>): unknown {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: {
      name: 'web-1',
      namespace: 'ns',
      uid: 'p-1',
      creationTimestamp: '2026-11-22T04:25:09Z',
      ...extra,
    },
    ...(status === undefined ? {} : { status }),
  };
}

function project(raw: unknown, observedAt: number) {
  const p = projectObject(raw, quiet, observedAt);
  assert.ok(!isRejected(p));
  return p;
}

describe('projectObject with an observation time', () => {
  it('refines creation, condition transitions and the deletion request, not the grace period', () => {
    const p = project(
      pod(
        { deletionTimestamp: '2026-11-22T04:25:39Z', deletionGracePeriodSeconds: 30 },
        { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-11-22T04:25:09Z' }] },
      ),
      SECOND + 670,
    );
    assert.equal(p.creationTimestamp, SECOND + 670);
    assert.equal(p.conditions[0]?.lastTransitionTime, SECOND + 670);
    // The request (deletionTimestamp less the grace period) is what was observed.
    assert.equal((p.deletionTimestamp ?? 0) - 30_000, SECOND + 670);
  });

  it('keeps the scale subresource writer, which v1.37 leaves without a time, next to the newest timed one', () => {
    const p = project(
      {
        kind: 'Deployment',
        metadata: {
          name: 'web',
          uid: 'd-1',
          generation: 2,
          managedFields: [
            { manager: 'kubectl', operation: 'Update', subresource: 'scale', fieldsV1: { 'f:spec': {} } },
            {
              manager: 'kubectl-client-side-apply',
              operation: 'Update',
              time: '2026-11-22T04:25:09Z',
              fieldsV1: { 'f:spec': {} },
            },
          ],
        },
      },
      SECOND + 482,
    );
    assert.equal(p.specChange?.manager, 'kubectl-client-side-apply');
    assert.equal(p.specChange?.time, SECOND + 482);
    assert.deepEqual(p.specChange?.untimed, { manager: 'kubectl', operation: 'Update' });
  });

  it('breaks equal spec times by list order, the last entry winning, and refines the time', () => {
    const entry = (manager: string) => ({
      manager,
      operation: 'Update',
      time: '2026-11-22T04:25:09Z',
      fieldsV1: { 'f:spec': {} },
    });
    const p = project(
      { kind: 'Deployment', metadata: { name: 'web', uid: 'd-1', managedFields: [entry('a'), entry('b')] } },
      SECOND + 817,
    );
    assert.equal(p.specChange?.manager, 'b');
    assert.equal(p.specChange?.time, SECOND + 817);
  });
});

describe('keepEarliest', () => {
  it('keeps the stamps of the delta that showed them first, in any order', () => {
    const early = project(
      pod({ deletionTimestamp: '2026-11-22T04:25:39Z', deletionGracePeriodSeconds: 30 }),
      SECOND + 670,
    );
    const late = project(
      pod({ deletionTimestamp: '2026-11-22T04:25:09Z', deletionGracePeriodSeconds: 0 }),
      SECOND + 689,
    );
    const merged = keepEarliest(late, early);
    assert.equal(merged.creationTimestamp, SECOND + 670);
    assert.equal(
      (merged.deletionTimestamp ?? 0) - (merged.deletionGracePeriodSeconds ?? 0) * 1000,
      SECOND + 670,
    );
    assert.equal(keepEarliest(early, late), early, 'nothing earlier: the same object');
  });

  it('does not merge stamps of different seconds', () => {
    const a = project(pod({}), SECOND + 100);
    const b = project(pod({ creationTimestamp: '2026-11-22T04:25:10Z' }), SECOND + 1_100);
    assert.equal(keepEarliest(b, a).creationTimestamp, SECOND + 1_100);
  });
});

describe('normaliseEvent refines core/v1 stamps with its delta’s time', () => {
  it('refines lastTimestamp, keeps eventTime', () => {
    const raw = {
      kind: 'Event',
      metadata: { uid: 'e-1', namespace: 'ns', name: 'web.1' },
      involvedObject: { kind: 'Deployment', name: 'web', namespace: 'ns', uid: 'd-1' },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-1 from 0 to 3',
      firstTimestamp: '2026-11-22T04:25:09Z',
      lastTimestamp: '2026-11-22T04:25:09Z',
      count: 1,
    };
    const ev = normaliseEvent(raw, SECOND + 322, quiet);
    assert.ok(!isRejected(ev));
    assert.equal(ev.firstTime, SECOND + 322);
    assert.equal(ev.lastTime, SECOND + 322);
    const micro = normaliseEvent(
      { ...raw, firstTimestamp: null, lastTimestamp: null, eventTime: '2026-11-22T04:25:09.338197Z' },
      SECOND + 351,
      quiet,
    );
    assert.ok(!isRejected(micro));
    assert.equal(micro.firstTime, SECOND + 338);
  });
});
