import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ChangeContext, decideChange } from '../../src/causality/change-trigger.js';
import { ObjectGraph } from '../../src/graph/object-graph.js';
import { ManualClock } from '../../src/model/clock.js';
import type { ObjectProjection } from '../../src/model/projection.js';
import { projectObject } from '../../src/normalise/project-object.js';
import { isRejected } from '../../src/normalise/rejection.js';

// The pure decision of issue 9 point 3: which changes under a root are intents of
// their own (a user's delete, an eviction, a Node joining), which the consequence
// of another.

const T0 = Date.parse('2026-11-30T09:00:00Z');
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();
const at = (s: number): number => T0 + s * 1000;

function project(raw: unknown): ObjectProjection {
  const p = projectObject(raw, { issue: () => undefined });
  if (isRejected(p)) throw new Error(`rejected: ${p.rejected}`);
  return p;
}

const deployment = project({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'ns', uid: 'dep', generation: 1, creationTimestamp: iso(0) },
});
const replicaSet = (extra: Record<string, unknown> = {}): ObjectProjection =>
  project({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-1',
      namespace: 'ns',
      uid: 'rs',
      creationTimestamp: iso(0),
      ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'dep', controller: true }],
      ...extra,
    },
  });
const daemonSet = project({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'agent', namespace: 'ns', uid: 'ds', generation: 1, creationTimestamp: iso(0) },
});

function pod(opts: {
  uid?: string;
  owner?: { kind: string; name: string; uid: string };
  deleted?: number;
  disruption?: { reason: string; at: number };
  nodeName?: string;
  created?: number;
}): ObjectProjection {
  const owner = opts.owner ?? { kind: 'ReplicaSet', name: 'web-1', uid: 'rs' };
  return project({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `p-${opts.uid ?? 'pod'}`,
      namespace: 'ns',
      uid: opts.uid ?? 'pod',
      creationTimestamp: iso(opts.created ?? 1),
      ownerReferences: [{ ...owner, controller: true }],
      ...(opts.deleted === undefined
        ? {}
        : { deletionTimestamp: iso(opts.deleted + 30), deletionGracePeriodSeconds: 30 }),
    },
    spec: opts.nodeName === undefined ? {} : { nodeName: opts.nodeName },
    status: {
      phase: 'Running',
      conditions:
        opts.disruption === undefined
          ? []
          : [
              {
                type: 'DisruptionTarget',
                status: 'True',
                reason: opts.disruption.reason,
                lastTransitionTime: iso(opts.disruption.at),
              },
            ],
    },
  });
}

const node = (created: number): ObjectProjection =>
  project({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n-new', uid: 'node', creationTimestamp: iso(created) },
  });

function graphOf(...objects: ObjectProjection[]): ObjectGraph {
  const g = new ObjectGraph({
    clock: new ManualClock(T0),
    maxObjects: 100,
    maxTombstones: 100,
    tombstoneTtlMs: 600_000,
  });
  for (const o of objects) g.upsert(o);
  return g;
}

function ctx(
  graph: ObjectGraph,
  opts: {
    rootUid?: string;
    controllerDeletes?: number[];
    spec?: { start: number; end: number | undefined };
    /** Per uid: the resourceVersion of the first write that showed it deleted. */
    goingRv?: Record<string, number>;
    /** Per uid: when its DELETED was observed (seconds after T0). */
    deletedAt?: Record<string, number>;
  } = {},
): ChangeContext {
  return {
    graph,
    rootUid: opts.rootUid ?? 'dep',
    deletedAt: (uid) => {
      const d = opts.deletedAt?.[uid];
      return d === undefined ? undefined : at(d);
    },
    goingRv: (uid) => opts.goingRv?.[uid],
    deletedByController: (_kind, _ns, _name, t) =>
      (opts.controllerDeletes ?? []).some((d) => Math.abs(at(d) - t) <= 10_000),
    specStartAt: (t) => {
      const start = at(opts.spec?.start ?? 0);
      return start <= t ? start : undefined;
    },
  };
}

describe('decideChange', () => {
  it("a Pod deleted after its owner's intent ended, with no controller's delete, is a user's delete", () => {
    const p = pod({ deleted: 60, nodeName: 'n0' });
    const change = decideChange('pod', ctx(graphOf(deployment, replicaSet(), p)));
    assert.equal(change?.kind, 'delete');
    assert.equal(change?.subject.uid, 'pod');
    assert.equal(change?.start, at(60), 'the delete request: deletionTimestamp less the grace period');
    assert.equal(change?.manager, 'unknown');
    assert.equal(change?.nodeName, 'n0');
  });

  it("a Pod the ReplicaSet controller deleted (its Deleted pod Event) is that controller's, not a trace of its own", () => {
    const p = pod({ deleted: 60 });
    assert.equal(
      decideChange('pod', ctx(graphOf(deployment, replicaSet(), p), { controllerDeletes: [60] })),
      undefined,
    );
  });

  it('a Pod deleted while its owner is being deleted is the cascade of that delete', () => {
    const p = pod({ deleted: 60 });
    const rs = replicaSet({ deletionTimestamp: iso(59), deletionGracePeriodSeconds: 0 });
    assert.equal(decideChange('pod', ctx(graphOf(deployment, rs, p))), undefined);
  });

  it("a ReplicaSet deleted after its Deployment's delete was written is the cascade, however late either was seen", () => {
    // A Deployment deleted in the background goes straight to DELETED; the garbage collector then
    // deletes its ReplicaSet. Lagged watches put the ReplicaSet's DELETED 1.5 s before the Deployment's.
    const g = graphOf(deployment, replicaSet());
    const seen = { dep: 61.5, rs: 60 };
    assert.equal(
      decideChange('rs', ctx(g, { deletedAt: seen, goingRv: { dep: 1005, rs: 1006 } })),
      undefined,
    );
    // Without resourceVersions, time decides: 1.5 s apart is no cascade.
    assert.equal(decideChange('rs', ctx(g, { deletedAt: seen }))?.kind, 'delete');
  });

  it("a ReplicaSet deleted before its Deployment's delete was written is a delete of its own, however close in time", () => {
    const g = graphOf(deployment, replicaSet());
    const seen = { dep: 60.2, rs: 60 };
    assert.equal(decideChange('rs', ctx(g, { deletedAt: seen }))?.kind, undefined, 'by time: the cascade');
    assert.equal(
      decideChange('rs', ctx(g, { deletedAt: seen, goingRv: { dep: 1006, rs: 1005 } }))?.kind,
      'delete',
    );
  });

  it('a Pod deleted during an open intent is still a delete here: causality keeps it only with a replacement', () => {
    const p = pod({ deleted: 60 });
    const change = decideChange(
      'pod',
      ctx(graphOf(deployment, replicaSet(), p), { spec: { start: 50, end: 70 } }),
    );
    assert.equal(change?.kind, 'delete');
  });

  it('a ReplicaSet a user deleted is its own trace, even while the Deployment looked busy', () => {
    const rs = replicaSet({ deletionTimestamp: iso(60), deletionGracePeriodSeconds: 0 });
    const change = decideChange('rs', ctx(graphOf(deployment, rs), { spec: { start: 50, end: 70 } }));
    assert.equal(change?.kind, 'delete');
    assert.equal(change?.subject.kind, 'ReplicaSet');
    assert.equal(change?.nodeName, undefined);
  });

  it('a Pod with the DisruptionTarget condition is evicted, whoever asked, also during an open intent', () => {
    const p = pod({ disruption: { reason: 'EvictionByEvictionAPI', at: 60 }, deleted: 61, nodeName: 'n0' });
    const change = decideChange(
      'pod',
      ctx(graphOf(deployment, replicaSet(), p), { spec: { start: 50, end: undefined } }),
    );
    assert.equal(change?.kind, 'evict');
    assert.equal(change?.start, at(60), 'the condition came before the delete');
    assert.equal(change?.reason, 'EvictionByEvictionAPI');
    assert.equal(change?.manager, 'unknown', 'the Eviction API does not say who called it');
    assert.equal(change?.nodeName, 'n0');
  });

  it('an eviction by the taint manager (a Node NotReady) names that controller as the manager', () => {
    const p = pod({ disruption: { reason: 'DeletionByTaintManager', at: 90 } });
    const change = decideChange('pod', ctx(graphOf(deployment, replicaSet(), p)));
    assert.equal(change?.kind, 'evict');
    assert.equal(change?.manager, 'taint-eviction-controller');
    assert.equal(change?.reason, 'DeletionByTaintManager');
  });

  it("a DaemonSet's Pod placed on a Node created after the DaemonSet's last change is that Node's join", () => {
    const p = pod({ owner: { kind: 'DaemonSet', name: 'agent', uid: 'ds' }, nodeName: 'n-new', created: 40 });
    const change = decideChange('pod', ctx(graphOf(daemonSet, node(39), p), { rootUid: 'ds' }));
    assert.equal(change?.kind, 'join');
    assert.equal(change?.subject.kind, 'Node');
    assert.equal(change?.subject.uid, 'node');
    assert.equal(change?.changed.uid, 'pod');
    assert.equal(change?.start, at(39), "the Node's creation");
  });

  it("a DaemonSet's Pod on a Node older than the DaemonSet's change is that change's", () => {
    const p = pod({ owner: { kind: 'DaemonSet', name: 'agent', uid: 'ds' }, nodeName: 'n-new', created: 40 });
    assert.equal(
      decideChange(
        'pod',
        ctx(graphOf(daemonSet, node(39), p), { rootUid: 'ds', spec: { start: 39.5, end: 41 } }),
      ),
      undefined,
    );
  });

  it('a Pod on an unknown Node, or not yet placed, is no join', () => {
    const placed = pod({
      owner: { kind: 'DaemonSet', name: 'agent', uid: 'ds' },
      nodeName: 'n-new',
      created: 40,
    });
    assert.equal(decideChange('pod', ctx(graphOf(daemonSet, placed), { rootUid: 'ds' })), undefined);
    const unplaced = pod({ owner: { kind: 'DaemonSet', name: 'agent', uid: 'ds' }, created: 40 });
    assert.equal(
      decideChange('pod', ctx(graphOf(daemonSet, node(39), unplaced), { rootUid: 'ds' })),
      undefined,
    );
  });

  const cronJob = project({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'tick', namespace: 'ns', uid: 'cron', generation: 1, creationTimestamp: iso(0) },
  });
  const job = (created: number, extra: Record<string, unknown> = {}): ObjectProjection =>
    project({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: `tick-${created}`,
        namespace: 'ns',
        uid: `job-${created}`,
        creationTimestamp: iso(created),
        ownerReferences: [{ kind: 'CronJob', name: 'tick', uid: 'cron', controller: true }],
        ...extra,
      },
    });

  it("a CronJob's Job made after its spec change's quiet time is a scheduled run of its own", () => {
    const change = decideChange('job-60', ctx(graphOf(cronJob, job(60)), { rootUid: 'cron' }));
    assert.equal(change?.kind, 'run');
    assert.equal(change?.subject.uid, 'cron', 'rooted at the CronJob');
    assert.equal(change?.changed.uid, 'job-60');
    assert.equal(change?.start, at(60), "the Job's creation");
    assert.equal(change?.manager, 'cronjob-controller');
  });

  it("a CronJob's Job made within 30 s of its spec change is that change's (the first run of a Create)", () => {
    assert.equal(decideChange('job-29', ctx(graphOf(cronJob, job(29)), { rootUid: 'cron' })), undefined);
    // An update at 100 s: the Job at 110 s is the update's, the one at 131 s a run.
    const afterUpdate = { rootUid: 'cron', spec: { start: 100, end: undefined } };
    assert.equal(decideChange('job-110', ctx(graphOf(cronJob, job(110)), afterUpdate)), undefined);
    assert.equal(decideChange('job-131', ctx(graphOf(cronJob, job(131)), afterUpdate))?.kind, 'run');
  });

  it("a run's Job deleted later (the history limit) is still its run; a Job no CronJob made is no run", () => {
    const deleted = job(60, { deletionTimestamp: iso(300), deletionGracePeriodSeconds: 0 });
    assert.equal(decideChange('job-60', ctx(graphOf(cronJob, deleted), { rootUid: 'cron' }))?.kind, 'run');
    const bare = project({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once', namespace: 'ns', uid: 'once', generation: 1, creationTimestamp: iso(60) },
    });
    assert.equal(decideChange('once', ctx(graphOf(bare), { rootUid: 'once' })), undefined);
  });

  it('an object the graph does not hold, or the root itself, is no change', () => {
    assert.equal(decideChange('nope', ctx(graphOf(deployment))), undefined);
    assert.equal(decideChange('dep', ctx(graphOf(deployment))), undefined);
  });
});
