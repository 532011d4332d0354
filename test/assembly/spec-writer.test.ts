import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { specWriterOf } from '../../src/assembly/spec-writer.js';
import type { ObjectProjection } from '../../src/model/projection.js';
import { ignoreIssues } from '../../src/normalise/narrow.js';
import { projectObject } from '../../src/normalise/project-object.js';
import { isRejected } from '../../src/normalise/rejection.js';

const T = Date.parse('2026-11-22T04:25:09Z');

const scale = { manager: 'kubectl', operation: 'Update', subresource: 'scale', fieldsV1: { 'f:spec': {} } };
const timed = (manager: string, time: string) => ({
  manager,
  operation: 'Update',
  time,
  fieldsV1: { 'f:spec': {} },
});

function deployment(generation: number, managedFields: unknown[], observedAt: number): ObjectProjection {
  const p = projectObject(
    { kind: 'Deployment', metadata: { name: 'web', uid: 'd-1', generation, managedFields } },
    ignoreIssues,
    observedAt,
  );
  assert.ok(!isRejected(p));
  return p;
}

describe('specWriterOf', () => {
  const applied = deployment(1, [timed('kubectl-client-side-apply', '2026-11-22T04:25:09Z')], T + 309);

  it('is the timed writer when there is no untimed entry', () => {
    assert.deepEqual(specWriterOf(applied, undefined), {
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      time: T + 309,
      untimed: undefined,
      peers: undefined,
    });
  });

  it('is `kubectl scale` when its untimed entry appears and the timed one is unchanged', () => {
    const scaled = deployment(
      2,
      [scale, timed('kubectl-client-side-apply', '2026-11-22T04:25:09Z')],
      T + 482,
    );
    const w = specWriterOf(scaled, applied);
    assert.equal(w.manager, 'kubectl');
    assert.equal(w.time, undefined, 'no time: the intent starts at the observation');
    assert.equal(specWriterOf(scaled, undefined).manager, 'kubectl', 'nothing to compare with');
  });

  it('is the later timed writer when an old scale entry is still there (set image after scale)', () => {
    const scaled = deployment(
      2,
      [scale, timed('kubectl-client-side-apply', '2026-11-22T04:25:09Z')],
      T + 482,
    );
    const setImage = deployment(
      3,
      [
        scale,
        timed('kubectl-client-side-apply', '2026-11-22T04:25:09Z'),
        timed('kubectl-set', '2026-11-22T04:26:00Z'),
      ],
      T + 51_200,
    );
    const w = specWriterOf(setImage, scaled);
    assert.equal(w.manager, 'kubectl-set');
    assert.equal(w.time, T + 51_200);
  });

  describe('several writers stamped in one second (the list is sorted by operation, time, manager)', () => {
    const S = '2026-11-22T04:25:09Z';
    const apply = { manager: 'tap-e2e', operation: 'Apply', time: S, fieldsV1: { 'f:spec': {} } };
    const setImage = deployment(2, [timed('kubectl-create', S), timed('kubectl-set', S)], T + 300);
    // The server-side apply took kubectl-set's fields: its entry comes first, kubectl-create's stays.
    const applied = deployment(3, [apply, timed('kubectl-create', S)], T + 700);

    it('is the one that is new against the earlier state, wherever it sits in the list', () => {
      assert.deepEqual(
        [specWriterOf(applied, setImage).manager, specWriterOf(applied, setImage).operation],
        ['tap-e2e', 'Apply'],
      );
      assert.equal(specWriterOf(applied, setImage).time, T + 700);
      const created = deployment(1, [timed('kubectl-create', S)], T + 100);
      assert.equal(specWriterOf(setImage, created).manager, 'kubectl-set');
    });

    it('is the later in the list when the earlier state is unknown, later, or in another second', () => {
      assert.equal(specWriterOf(applied, undefined).manager, 'kubectl-create');
      const deleted = deployment(4, [apply, timed('kubectl-create', S)], T + 900);
      assert.equal(specWriterOf(applied, deleted).manager, 'kubectl-create');
      const before = deployment(2, [timed('kubectl-create', '2026-11-22T04:25:08Z')], T - 300);
      assert.equal(specWriterOf(applied, before).manager, 'kubectl-create', 'both are new: no telling');
    });

    it('keeps `kubectl scale` when no timed writer is new (set image, then scale, in one second)', () => {
      const scaled = deployment(3, [scale, timed('kubectl-create', S), timed('kubectl-set', S)], T + 500);
      assert.equal(specWriterOf(scaled, setImage).manager, 'kubectl');
      assert.equal(specWriterOf(scaled, setImage).time, undefined);
    });
  });
});
