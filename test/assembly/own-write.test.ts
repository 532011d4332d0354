// Issue 9 point 1: which writes set a stamp of their own, and how one bounds a later DELETED.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  deletedNoLaterThan,
  OWN_WRITE_MAX_EXCESS_MS,
  type OwnWrite,
  ownWriteStamp,
  recordOwnWrite,
} from '../../src/assembly/own-write.js';
import type { ObjectProjection } from '../../src/model/projection.js';
import { deletionRequestedAt, projectObject } from '../../src/normalise/project-object.js';
import { isRejected } from '../../src/normalise/rejection.js';

const sink = { issue: () => {} };

/**
 * A Pod (created at `created`) being deleted, as a delta shows it at `rv`: its
 * deletionTimestamp and grace period.
 */
function deletingPod(created: string) {
  return (rv: number, deletion: string, grace: number) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      uid: 'p-1',
      name: 'web-1',
      namespace: 'ns',
      resourceVersion: String(rv),
      creationTimestamp: created,
      deletionTimestamp: deletion,
      deletionGracePeriodSeconds: grace,
    },
    status: { phase: 'Running' },
  });
}

/** The projection of `raw` (observed at `seen`, after `prior`), which must not be rejected. */
function projected(raw: unknown, seen?: number, prior?: ObjectProjection): ObjectProjection {
  const p = projectObject(raw, sink, seen, prior);
  if (isRejected(p)) throw new Error(p.rejected);
  return p;
}

/** A Deployment's projection: its status stamp and numbers, its deletion request. */
function deployment(
  rv: number,
  opts: { status?: string; ready?: number; deletion?: string; generation?: number } = {},
): ObjectProjection {
  const managedFields: Record<string, unknown>[] = [
    {
      manager: 'kubectl',
      operation: 'Update',
      time: '2026-11-22T04:25:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': {} },
    },
  ];
  if (opts.status !== undefined)
    managedFields.push({
      manager: 'kube-controller-manager',
      operation: 'Update',
      time: opts.status,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': {} },
      subresource: 'status',
    });
  return projected({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      uid: 'd-1',
      name: 'web',
      namespace: 'ns',
      resourceVersion: String(rv),
      generation: opts.generation ?? 1,
      creationTimestamp: '2026-11-22T04:25:00Z',
      ...(opts.deletion === undefined
        ? {}
        : { deletionTimestamp: opts.deletion, deletionGracePeriodSeconds: 0 }),
      managedFields,
    },
    spec: { replicas: 2 },
    status: { observedGeneration: opts.generation ?? 1, readyReplicas: opts.ready ?? 2 },
  });
}

const at = (iso: string): number => Date.parse(iso);

describe('own write stamps', () => {
  it('a create sets its creationTimestamp; a later write with no state held before it, nothing that can be told', () => {
    assert.equal(ownWriteStamp(deployment(10), undefined, 'ADDED'), at('2026-11-22T04:25:00Z'));
    assert.equal(ownWriteStamp(deployment(11), undefined, 'MODIFIED'), undefined);
  });

  it('the write that first shows a deletion request set it; one that keeps it did not', () => {
    const before = deployment(10, { status: '2026-11-22T04:25:05Z' });
    const deleting = deployment(11, { status: '2026-11-22T04:25:05Z', deletion: '2026-11-22T04:25:12Z' });
    assert.equal(ownWriteStamp(deleting, before, 'MODIFIED'), at('2026-11-22T04:25:12Z'));
    const again = deployment(12, { status: '2026-11-22T04:25:05Z', deletion: '2026-11-22T04:25:12Z' });
    assert.equal(ownWriteStamp(again, deleting, 'MODIFIED'), undefined);
    // A shorter grace period: that request's write, stamped with its own time or the first one's.
    const graced = {
      ...deleting,
      deletionTimestamp: at('2026-11-22T04:25:42Z'),
      deletionGracePeriodSeconds: 30,
    };
    assert.equal(ownWriteStamp(again, graced, 'MODIFIED'), at('2026-11-22T04:25:12Z'));
    // A later request that stamped its own time (deletionTimestamp less the grace period moved).
    const later = deployment(13, { status: '2026-11-22T04:25:05Z', deletion: '2026-11-22T04:25:14Z' });
    assert.equal(ownWriteStamp(later, again, 'MODIFIED'), at('2026-11-22T04:25:14Z'));
  });

  it("a grace period shortened within the request's second is a write of its own, refined by its own delta", () => {
    // kwok: the garbage collector asks for a 30 s grace (deletionTimestamp 04:25:42), and a moment later
    // the grace is cut to 0, stamped with its own time (deletionTimestamp 04:25:12, grace 0): both
    // requests fall in the second 04:25:12. The projection keeps the request's earliest refinement (its
    // own delta's), and the shortening write's own stamp is refined by the shortening's delta: a Pod
    // watch that delivered it 1.2 s late puts it at the end of its second, not at the request's time.
    const pod = deletingPod('2026-11-22T04:25:00Z');
    const requestSeen = at('2026-11-22T04:25:12.300Z');
    const request = projected(pod(863, '2026-11-22T04:25:42Z', 30), requestSeen);
    const shortenedSeen = at('2026-11-22T04:25:13.500Z');
    const shortened = projected(pod(868, '2026-11-22T04:25:12Z', 0), shortenedSeen, request);
    assert.equal(deletionRequestedAt(shortened), requestSeen, "the request's earliest refinement");
    assert.equal(shortened.deletionGracePeriodSeconds, 0, 'the grace period this write set');
    assert.equal(
      ownWriteStamp(shortened, request, 'MODIFIED', shortenedSeen),
      at('2026-11-22T04:25:12.999Z'),
    );
    // Kept as it was: a write that changes nothing of the request sets no stamp.
    const again = projected(pod(870, '2026-11-22T04:25:12Z', 0), shortenedSeen, shortened);
    assert.equal(ownWriteStamp(again, shortened, 'MODIFIED', shortenedSeen), undefined);
  });

  it('a grace period shortened seconds later keeps the first request, and stamps its own write', () => {
    // A Pod stuck Terminating on a NotReady Node (the taint manager asked at 04:59:03, grace 30), then
    // force-deleted 6 s later: the apiserver stamps now plus the new grace (04:59:09, grace 0). The
    // deletion began at the first request, and the forced delete is a write of its own at 04:59:09.
    const pod = deletingPod('2026-12-01T04:58:10Z');
    const requestSeen = at('2026-12-01T04:59:03.649Z');
    const request = projected(pod(338, '2026-12-01T04:59:33Z', 30), requestSeen);
    const forcedSeen = at('2026-12-01T04:59:09.187Z');
    const forced = projected(pod(359, '2026-12-01T04:59:09Z', 0), forcedSeen, request);
    assert.equal(deletionRequestedAt(forced), requestSeen, 'the deletion began at the first request');
    assert.equal(forced.deletionGracePeriodSeconds, 0);
    assert.equal(
      ownWriteStamp(forced, request, 'MODIFIED', forcedSeen, at('2026-12-01T04:59:09Z')),
      forcedSeen,
      "the forced delete's own stamp, refined by its delta",
    );
  });

  it('a status write sets its status stamp when the status moved or its stamp is newer', () => {
    const before = deployment(10, { status: '2026-11-22T04:25:05Z', ready: 1 });
    const moved = deployment(11, { status: '2026-11-22T04:25:05Z', ready: 2 });
    assert.equal(ownWriteStamp(moved, before, 'MODIFIED'), at('2026-11-22T04:25:05Z'));
    const newer = deployment(12, { status: '2026-11-22T04:25:09Z', ready: 2 });
    assert.equal(ownWriteStamp(newer, moved, 'MODIFIED'), at('2026-11-22T04:25:09Z'));
    // Nothing of the status moved and its stamp is the same: another write (a finalizer, a label).
    const same = deployment(13, { status: '2026-11-22T04:25:09Z', ready: 2 });
    assert.equal(ownWriteStamp(same, newer, 'MODIFIED'), undefined);
    assert.equal(ownWriteStamp(same, newer, 'DELETED'), undefined);
  });

  it('is recorded for the latest write by resourceVersion only', () => {
    const holder: { ownWrite: OwnWrite | undefined } = { ownWrite: undefined };
    recordOwnWrite(holder, 12, at('2026-11-22T04:25:09Z'), 1_000);
    recordOwnWrite(holder, 11, at('2026-11-22T04:25:07Z'), 2_000);
    recordOwnWrite(holder, 13, undefined, 3_000);
    assert.deepEqual(holder.ownWrite, { rv: 12, at: at('2026-11-22T04:25:09Z'), seenAt: 1_000 });
  });
});

describe('a DELETED after an own write', () => {
  it('is no later than the write by the time between their observations', () => {
    // Both seen 1.5 s after the write's second: the watch was late, not the delete.
    const own: OwnWrite = { rv: 5, at: 12_999, seenAt: 14_500 };
    assert.equal(deletedNoLaterThan(own, 14_560), 13_059);
    // Seen before the write (it cannot have been made before it): at the write.
    assert.equal(deletedNoLaterThan(own, 14_000), 12_999);
  });

  it('is not bounded by a write seen too far past its stamp to be sure the stamp was its own', () => {
    const own: OwnWrite = { rv: 5, at: 12_999, seenAt: 12_999 + OWN_WRITE_MAX_EXCESS_MS + 1 };
    assert.equal(deletedNoLaterThan(own, 20_000), undefined);
  });
});
