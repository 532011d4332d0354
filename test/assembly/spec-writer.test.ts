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
});
