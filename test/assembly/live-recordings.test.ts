import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { MergedTrace } from '../../src/assembly/merge-records.js';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { Forest, repoRoot, shuffleWithinWindows, treeSignature } from './trees.js';

/**
 * Real recordings made with `kubetrail --record` against a v1.37 control plane
 * with kwok nodes: every stamp is to the second and a rollout takes well under
 * one, so only the observation times tell the intents and the actions apart.
 */
const LIVE = path.join(repoRoot(), 'test/fixtures/live');
const SHUFFLES = 20;

function load(name: string): Delta[] {
  return parseRecording(readFileSync(path.join(LIVE, name), 'utf8'), name);
}

/** The traces, by root start. */
function tracesOf(records: readonly TraceRecord[]): MergedTrace[] {
  const forest = new Forest(records);
  assert.deepEqual(
    forest.orphans().map((s) => s.name),
    [],
    'every parent id names a span of its trace',
  );
  return [...forest.traces].sort((a, b) => a.root.startTime - b.root.startTime);
}

const note = (s: SpanRecord): string => String(s.attributes['k8s.event.note'] ?? '');
const named = (t: MergedTrace, name: string): SpanRecord[] => t.spans.filter((s) => s.name === name);
const byStart = (a: SpanRecord, b: SpanRecord): number => a.startTime - b.startTime;

function descendants(t: MergedTrace, of: SpanRecord): SpanRecord[] {
  const out: SpanRecord[] = [];
  const queue = [of.spanId];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    for (const s of t.spans) {
      if (s.parentSpanId === id) {
        out.push(s);
        queue.push(s.spanId);
      }
    }
  }
  return out;
}

function ancestors(t: MergedTrace, of: SpanRecord): SpanRecord[] {
  const byId = new Map(t.spans.map((s) => [s.spanId, s]));
  const out: SpanRecord[] = [];
  for (let p = byId.get(of.parentSpanId ?? ''); p !== undefined; p = byId.get(p.parentSpanId ?? '')) {
    out.push(p);
    if (out.length > 100) break;
  }
  return out;
}

/** Each create action has exactly one pod lifecycle under it, with the pod's Scheduled event under that. */
function assertCreatesPods(t: MergedTrace, creates: readonly SpanRecord[]): void {
  for (const c of creates) {
    const below = descendants(t, c);
    assert.equal(below.filter((s) => s.name === 'Pod.Lifecycle').length, 1, `one pod under "${note(c)}"`);
    assert.equal(below.filter((s) => s.name === 'Pod.Scheduled').length, 1, `Scheduled under "${note(c)}"`);
  }
}

function assertTimes(records: readonly TraceRecord[]): void {
  for (const r of records) {
    for (const s of r.spans) {
      assert.ok(s.endTime >= s.startTime, `${s.name} ends before it starts`);
      if (s.name === 'Pod.Lifecycle') {
        assert.ok(s.endTime > s.startTime, `Pod.Lifecycle ${s.attributes['k8s.pod.name']} has a duration`);
      }
    }
  }
}

function assertSameUnderShuffles(deltas: readonly Delta[], records: readonly TraceRecord[]): void {
  const expected = treeSignature(records);
  for (let seed = 1; seed <= SHUFFLES; seed++) {
    const out = replay(shuffleWithinWindows(deltas, seed * 104729));
    assert.equal(treeSignature(out), expected, `seed ${seed}: the same tree as in file order`);
  }
}

describe('live recording deployment-scale.jsonl (apply 3, scale 5, scale 2, delete)', () => {
  const deltas = load('deployment-scale.jsonl');
  const records = replay(deltas);
  const traces = tracesOf(records);

  it('gives four traces: Create, two Updates by kubectl scale, Delete', () => {
    assert.deepEqual(
      traces.map((t) => t.root.name),
      ['Deployment.Create', 'Deployment.Update', 'Deployment.Update', 'Deployment.Delete'],
    );
    assert.deepEqual(
      traces.map((t) => t.root.attributes['kubetrail.intent.manager']),
      ['kubectl-client-side-apply', 'kubectl', 'kubectl', 'unknown'],
    );
  });

  it('puts the rollout to 3 in the Create trace', () => {
    const t = traces[0];
    assert.ok(t !== undefined);
    assert.deepEqual(named(t, 'Deployment.ScalingReplicaSet').map(note), [
      'Scaled up replica set web-575b656585 from 0 to 3',
    ]);
    const creates = named(t, 'ReplicaSet.SuccessfulCreate');
    assert.equal(creates.length, 3);
    assertCreatesPods(t, creates);
    assert.equal(named(t, 'ReplicaSet.SuccessfulDelete').length, 0);
  });

  it('puts the scale to 5 in the first Update trace', () => {
    const t = traces[1];
    assert.ok(t !== undefined);
    assert.deepEqual(named(t, 'Deployment.ScalingReplicaSet').map(note), [
      'Scaled up replica set web-575b656585 from 3 to 5',
    ]);
    const creates = named(t, 'ReplicaSet.SuccessfulCreate');
    assert.equal(creates.length, 2);
    assertCreatesPods(t, creates);
    assert.equal(named(t, 'ReplicaSet.SuccessfulDelete').length, 0);
  });

  it('puts the scale to 2 in the second Update trace, each pod termination under its delete', () => {
    const t = traces[2];
    assert.ok(t !== undefined);
    assert.deepEqual(named(t, 'Deployment.ScalingReplicaSet').map(note), [
      'Scaled down replica set web-575b656585 from 5 to 2',
    ]);
    const deletes = named(t, 'ReplicaSet.SuccessfulDelete');
    assert.equal(deletes.length, 3);
    for (const d of deletes) {
      const below: SpanRecord[] = descendants(t, d).filter((s) => s.name === 'Pod.Termination');
      assert.equal(below.length, 1, `a termination under "${note(d)}"`);
      assert.equal(`Deleted pod: ${below[0]?.attributes['k8s.pod.name']}`, note(d));
    }
    assert.equal(named(t, 'ReplicaSet.SuccessfulCreate').length, 0);
  });

  it("keeps the Delete trace to the cascade: the ReplicaSet and its last 2 pods, not the scale-down's deletes", () => {
    const t = traces[3];
    assert.ok(t !== undefined);
    assert.equal(named(t, 'ReplicaSet.Termination').length, 1);
    assert.equal(named(t, 'Pod.Termination').length, 2);
    assert.equal(named(t, 'ReplicaSet.SuccessfulDelete').length, 0);
    assert.equal(t.spans.filter((s) => s.attributes['k8s.event.uid'] !== undefined).length, 0);
  });

  it('gives every span a real time: the scaling events are apart, pods take time to be ready', () => {
    assertTimes(records);
    const scaling = traces.flatMap((t) => named(t, 'Deployment.ScalingReplicaSet')).sort(byStart);
    for (let i = 1; i < scaling.length; i++) {
      assert.ok((scaling[i]?.startTime ?? 0) > (scaling[i - 1]?.startTime ?? 0), 'distinct times');
    }
    const create = traces[0];
    assert.ok(create !== undefined);
    assert.ok(create.root.endTime > create.root.startTime);
  });

  it('gives the same trees with deltas shuffled within 2 s windows', () => {
    assertSameUnderShuffles(deltas, records);
  });
});

describe('live recording deployment-rollout.jsonl (apply 3, kubectl set image)', () => {
  const deltas = load('deployment-rollout.jsonl');
  const records = replay(deltas);
  const traces = tracesOf(records);

  it('gives a Create and an Update by kubectl-set', () => {
    assert.deepEqual(
      traces.map((t) => t.root.name),
      ['Deployment.Create', 'Deployment.Update'],
    );
    assert.equal(traces[1]?.root.attributes['kubetrail.intent.manager'], 'kubectl-set');
  });

  it('has the 3 first pods in the Create trace, each Scheduled under its Created pod', () => {
    const t = traces[0];
    assert.ok(t !== undefined);
    const creates = named(t, 'ReplicaSet.SuccessfulCreate');
    assert.equal(creates.length, 3);
    assertCreatesPods(t, creates);
  });

  it('puts each Created pod of the new ReplicaSet under the scale-up that made it, in order', () => {
    const t = traces[1];
    assert.ok(t !== undefined);
    const ups = named(t, 'Deployment.ScalingReplicaSet')
      .filter((s) => note(s).startsWith('Scaled up replica set web-596b6d847b'))
      .sort(byStart);
    assert.deepEqual(
      ups.map((s) => note(s).replace(/^.* from /, 'from ')),
      ['from 0 to 1', 'from 1 to 2', 'from 2 to 3'],
    );
    const creates = named(t, 'ReplicaSet.SuccessfulCreate').sort(byStart);
    assert.equal(creates.length, 3);
    assertCreatesPods(t, creates);
    ups.forEach((up, i) => {
      const under = descendants(t, up).filter((s) => s.name === 'ReplicaSet.SuccessfulCreate');
      assert.deepEqual(under.map(note), [note(creates[i] as SpanRecord)], `under "${note(up)}"`);
    });
  });

  it("puts the old ReplicaSet's deletes under its scale-downs", () => {
    const t = traces[1];
    assert.ok(t !== undefined);
    const deletes = named(t, 'ReplicaSet.SuccessfulDelete');
    assert.equal(deletes.length, 3);
    for (const d of deletes) {
      const up = ancestors(t, d).find((s) => s.name === 'Deployment.ScalingReplicaSet');
      assert.match(
        note(up ?? d),
        /^Scaled down replica set web-575b656585/,
        `"${note(d)}" under a scale-down`,
      );
    }
  });

  it('gives every span a real time and the same trees under shuffles', () => {
    assertTimes(records);
    assertSameUnderShuffles(deltas, records);
  });
});

describe('live recording statefulset-rollout.jsonl (apply 2 replicas, kubectl set image)', () => {
  const deltas = load('statefulset-rollout.jsonl');
  const records = replay(deltas);
  const traces = tracesOf(records);

  it('gives a Create with the 2 initial pods and an Update with 2 deletes and 2 re-creates', () => {
    assert.deepEqual(
      traces.map((t) => t.root.name),
      ['StatefulSet.Create', 'StatefulSet.Update'],
    );
    const [create, update] = traces;
    assert.ok(create !== undefined && update !== undefined);
    const first = named(create, 'StatefulSet.SuccessfulCreate');
    assert.deepEqual(first.map(note).sort(), [
      'Create Pod db-0 in StatefulSet db successful',
      'Create Pod db-1 in StatefulSet db successful',
    ]);
    assertCreatesPods(create, first);
    assert.equal(named(update, 'StatefulSet.SuccessfulDelete').length, 2);
    const again = named(update, 'StatefulSet.SuccessfulCreate');
    assert.equal(again.length, 2);
    assertCreatesPods(update, again);
    const oldUids = new Set(named(create, 'Pod.Lifecycle').map((s) => s.attributes['k8s.pod.uid']));
    for (const s of named(update, 'Pod.Lifecycle')) {
      assert.ok(!oldUids.has(s.attributes['k8s.pod.uid']), 'the re-created pods are new objects');
    }
    for (const d of named(update, 'StatefulSet.SuccessfulDelete')) {
      assert.equal(descendants(update, d).filter((s) => s.name === 'Pod.Termination').length, 1);
    }
  });

  it('reads the acted-on pod from "Create Pod …" as from "create Pod …"', () => {
    for (const t of traces) {
      for (const s of t.spans.filter((x) => x.name.startsWith('StatefulSet.Successful'))) {
        assert.match(String(s.attributes['k8s.event.acted_on.name'] ?? ''), /^db-[01]$/);
      }
    }
  });

  it('gives every span a real time and the same trees under shuffles', () => {
    assertTimes(records);
    assertSameUnderShuffles(deltas, records);
  });
});

/** The traces whose root is named `name`. */
function rootedAt(traces: readonly MergedTrace[], name: string): MergedTrace[] {
  return traces.filter((t) => t.root.name === name);
}

describe('changes that are not spec changes (issue 9 point 3): each is a trace of its own', () => {
  it("pod-deleted.jsonl: the user's Pod delete holds its termination and its replacement, not the converged Create", () => {
    const deltas = load('pod-deleted.jsonl');
    const records = replay(deltas);
    const traces = tracesOf(records);
    assert.deepEqual(
      traces.map((t) => t.root.name),
      ['Deployment.Create', 'Pod.Delete'],
    );
    const [create, del] = traces;
    assert.ok(create !== undefined && del !== undefined);
    assert.equal(del.root.attributes['kubetrail.intent'], 'delete');
    assert.equal(del.root.attributes['k8s.deployment.name'], 'web');
    const deleted = del.root.attributes['k8s.pod.name'];
    assert.deepEqual(
      named(del, 'Pod.Termination').map((s) => s.attributes['k8s.pod.name']),
      [deleted],
    );
    const replacement = named(del, 'ReplicaSet.SuccessfulCreate');
    assert.equal(replacement.length, 1);
    assert.equal(replacement[0]?.parentSpanId, del.root.spanId);
    assertCreatesPods(del, replacement);
    assert.equal(named(create, 'Pod.Termination').length, 0);
    assert.ok(
      create.spans.every((s) => s.startTime <= create.root.endTime),
      'nothing after the Create converged',
    );
    assertSameUnderShuffles(deltas, records);
  });

  it("replicaset-deleted.jsonl: the ReplicaSet made again, its Pods, and the old Pods' terminations are the delete's", () => {
    const deltas = load('replicaset-deleted.jsonl');
    const records = replay(deltas);
    const [del] = rootedAt(tracesOf(records), 'ReplicaSet.Delete');
    assert.ok(del !== undefined);
    assert.deepEqual(named(del, 'Deployment.ScalingReplicaSet').map(note), [
      'Scaled up replica set web-575b656585 from 0 to 2',
    ]);
    assert.equal(named(del, 'ReplicaSet.Termination').length, 1);
    assert.equal(named(del, 'Pod.Termination').length, 2);
    assertCreatesPods(del, named(del, 'ReplicaSet.SuccessfulCreate'));
    assert.equal(named(del, 'ReplicaSet.SuccessfulCreate').length, 2);
    assertSameUnderShuffles(deltas, records);
  });

  it("node-drain.jsonl: the drain is one trace rooted at kubectl's cordon; the drained Pod's Pod.Evict under it holds its replacement", () => {
    const deltas = load('node-drain.jsonl');
    const records = replay(deltas);
    const traces = tracesOf(records);
    assert.deepEqual(rootedAt(traces, 'Pod.Evict'), [], 'no eviction is a trace of its own');
    const [drain] = rootedAt(traces, 'Node.Cordon');
    assert.ok(drain !== undefined);
    assert.equal(drain.root.service, 'kubectl');
    assert.equal(drain.root.attributes['kubetrail.intent'], 'cordon');
    assert.equal(drain.root.attributes['k8s.node.name'], 'kwok-node-0');
    assert.equal(drain.root.attributes['kubetrail.drain.evictions'], 1);
    const [evict, ...more] = named(drain, 'Pod.Evict');
    assert.ok(evict !== undefined);
    assert.equal(more.length, 0);
    assert.equal(evict.parentSpanId, drain.root.spanId);
    assert.equal(evict.attributes['kubetrail.intent.reason'], 'EvictionByEvictionAPI');
    assert.equal(evict.attributes['k8s.node.name'], 'kwok-node-0');
    const below = descendants(drain, evict);
    assert.equal(below.filter((s) => s.name === 'Pod.Termination').length, 1);
    assertCreatesPods(drain, named(drain, 'ReplicaSet.SuccessfulCreate'));
    // The cordon spans its drain: from kubectl's write to the last eviction's last consequence.
    assert.ok(drain.root.startTime <= evict.startTime);
    assert.equal(drain.root.endTime, evict.endTime);
    assertSameUnderShuffles(deltas, records);
  });

  it('node-drain.jsonl, Nodes only: a cordon with no eviction after it is a Node.Cordon trace of its own', () => {
    const deltas = load('node-drain.jsonl').filter((d) => (d.object as { kind?: string }).kind === 'Node');
    const traces = tracesOf(replay(deltas));
    assert.deepEqual(
      traces.map((t) => [
        t.root.name,
        t.root.service,
        t.root.attributes['kubetrail.drain.evictions'],
        t.spans.length,
      ]),
      [['Node.Cordon', 'kubectl', 0, 1]],
    );
  });

  it('node-drain-pdb.jsonl: evictions a PodDisruptionBudget held back 10 and 15 s after the cordon are still children of it, in one trace', () => {
    const deltas = load('node-drain-pdb.jsonl');
    const records = replay(deltas);
    const traces = tracesOf(records);
    assert.deepEqual(rootedAt(traces, 'Pod.Evict'), [], 'no eviction is a trace of its own');
    const [drain, ...others] = rootedAt(traces, 'Node.Cordon');
    assert.ok(drain !== undefined);
    assert.equal(others.length, 0);
    assert.equal(drain.root.attributes['kubetrail.drain.evictions'], 2);
    const evictions = named(drain, 'Pod.Evict').sort(byStart);
    assert.equal(evictions.length, 2);
    for (const e of evictions) assert.equal(e.parentSpanId, drain.root.spanId);
    // The recording's DisruptionTarget transitions: 02:33:21 and 02:33:26, the cordon 02:33:11.
    assert.deepEqual(
      evictions.map((e) => Math.floor((e.startTime - drain.root.startTime) / 1000)),
      [10, 15],
    );
    assert.equal(drain.root.endTime, Math.max(...evictions.map((e) => e.endTime)));
    assert.equal(
      new Set(records.flatMap((r) => r.spans.map((s) => s.spanId))).size,
      records.flatMap((r) => r.spans).length,
      'no span id sent twice',
    );
    assertSameUnderShuffles(deltas, records);
  });

  it("daemonset-node-added.jsonl: the DaemonSet's Pod for the added Node is in that Node's Node.Join trace", () => {
    const deltas = load('daemonset-node-added.jsonl');
    const records = replay(deltas);
    const traces = tracesOf(records);
    const [join] = rootedAt(traces, 'Node.Join');
    assert.ok(join !== undefined);
    assert.equal(join.root.attributes['k8s.node.name'], 'kwok-node-added');
    assert.equal(join.root.attributes['k8s.daemonset.name'], 'agent');
    assert.equal(join.root.attributes['k8s.namespace.name'], undefined, 'a Node has no namespace');
    const creates = named(join, 'DaemonSet.SuccessfulCreate');
    assert.deepEqual(creates.map(note), ['Created pod: agent-bznpx']);
    assertCreatesPods(join, creates);
    const [create] = rootedAt(traces, 'DaemonSet.Create');
    assert.equal(create && named(create, 'DaemonSet.SuccessfulCreate').length, 3);
    assertSameUnderShuffles(deltas, records);
  });

  it("cronjob-runs.jsonl: each scheduled run after the CronJob's Create is a CronJob.Run trace of its own", () => {
    const deltas = load('cronjob-runs.jsonl');
    const records = replay(deltas);
    const traces = tracesOf(records);
    const [create, ...moreCreates] = rootedAt(traces, 'CronJob.Create');
    assert.ok(create !== undefined);
    assert.equal(moreCreates.length, 0);
    // The first run, 8 s after the create, is the Create's consequence.
    assert.deepEqual(named(create, 'CronJob.SuccessfulCreate').map(note), ['Created job tick-29934686']);
    assert.equal(
      records.filter((r) => r.traceId === create.root.traceId && r.late === true).length,
      0,
      'nothing appended to the converged Create',
    );
    const runs = rootedAt(traces, 'CronJob.Run');
    assert.deepEqual(
      runs.map((t) => [
        t.root.service,
        t.root.attributes['kubetrail.intent'],
        t.root.attributes['k8s.cronjob.name'],
        t.root.attributes['k8s.job.name'],
      ]),
      [
        ['cronjob-controller', 'run', 'tick', 'tick-29934687'],
        ['cronjob-controller', 'run', 'tick', 'tick-29934688'],
      ],
    );
    for (const run of runs) {
      const job = String(run.root.attributes['k8s.job.name']);
      const [created] = named(run, 'CronJob.SuccessfulCreate');
      assert.equal(created && note(created), `Created job ${job}`);
      assert.equal(created?.parentSpanId, run.root.spanId);
      const [life] = named(run, 'Job.Lifecycle');
      assert.equal(life?.parentSpanId, created?.spanId, 'the Job under "Created job"');
      assert.equal(life?.startTime, run.root.startTime, "the run starts at the Job's creation");
      assertCreatesPods(run, named(run, 'Job.SuccessfulCreate'));
      assert.equal(named(run, 'Job.Completed').length, 1);
      const [saw] = named(run, 'CronJob.SawCompletedJob');
      assert.ok(saw !== undefined && life !== undefined && ancestors(run, saw).includes(life));
      assert.ok(
        run.root.endTime >= (saw?.endTime ?? 0),
        'the run lasts until the controller saw its Job complete',
      );
      assert.equal(records.filter((r) => r.traceId === run.root.traceId && r.late === true).length, 0);
    }
    assertSameUnderShuffles(deltas, records);
  });

  it('cronjob-runs.jsonl, its traces let go of between runs: each later run is still traced, the Create not sent again', () => {
    // Retained for 20 s instead of 5 min: the CronJob's group is let go of before its next
    // run, as an hourly CronJob's is, and its root closed for --max-trace-ms.
    const records = replay(load('cronjob-runs.jsonl'), { retainMs: 20_000 });
    const traces = tracesOf(records);
    assert.deepEqual(
      rootedAt(traces, 'CronJob.Run').map((t) => t.root.attributes['k8s.job.name']),
      ['tick-29934687', 'tick-29934688'],
    );
    const creates = records.filter((r) => r.spans.some((s) => s.name === 'CronJob.Create'));
    assert.equal(creates.length, 1, 'the Create root went out once');
    for (const run of rootedAt(traces, 'CronJob.Run')) {
      assert.equal(named(run, 'CronJob.SuccessfulCreate').length, 1);
      assert.equal(named(run, 'Job.Lifecycle').length, 1);
    }
  });

  it("node-notready.jsonl: the outage is one trace rooted at the Node's Node.NotReady, each Pod the taint manager evicted a Pod.Evict under it, from its NodeNotReady", () => {
    const deltas = load('node-notready.jsonl');
    const records = replay(deltas);
    const traces = tracesOf(records);
    assert.deepEqual(rootedAt(traces, 'Pod.Evict'), [], 'no eviction is a trace of its own');
    const [outage, ...others] = rootedAt(traces, 'Node.NotReady');
    assert.ok(outage !== undefined);
    assert.equal(others.length, 0);
    assert.equal(outage.root.service, 'node-controller');
    assert.equal(outage.root.attributes['kubetrail.intent.manager'], 'kube-controller-manager');
    assert.equal(outage.root.attributes['kubetrail.intent'], 'notready');
    assert.equal(outage.root.attributes['kubetrail.intent.reason'], 'NodeStatusUnknown');
    assert.equal(outage.root.attributes['k8s.node.name'], 'kwok-node-lost');
    assert.equal(outage.root.attributes['kubetrail.drain.evictions'], 2);
    // The recording's Ready transition: 11:50:12, the node lifecycle controller's write.
    assert.equal(Math.floor(outage.root.startTime / 1000) * 1000, Date.parse('2026-11-30T11:50:12Z'));
    const evictions = named(outage, 'Pod.Evict');
    assert.equal(evictions.length, 2);
    for (const e of evictions) {
      assert.equal(e.parentSpanId, outage.root.spanId);
      assert.equal(e.service, 'taint-eviction-controller');
      assert.equal(e.attributes['kubetrail.intent.reason'], 'DeletionByTaintManager');
      assert.equal(e.attributes['k8s.node.name'], 'kwok-node-lost');
      const below = descendants(outage, e);
      const notReady = below.filter((s) => s.name === 'Pod.NodeNotReady');
      assert.equal(notReady.length, 1);
      assert.equal(notReady[0]?.parentSpanId, e.spanId);
      assert.equal(notReady[0]?.startTime, e.startTime, 'the eviction begins when the Node went not ready');
      assert.equal(below.filter((s) => s.name === 'Pod.TaintManagerEviction').length, 1);
      assert.equal(below.filter((s) => s.name === 'Pod.Termination').length, 1);
      const creates = below.filter((s) => s.name === 'ReplicaSet.SuccessfulCreate');
      assert.equal(creates.length, 1);
      assertCreatesPods(outage, creates);
      assert.ok(outage.root.startTime <= e.startTime && e.endTime <= outage.root.endTime);
    }
    assert.equal(
      new Set(records.flatMap((r) => r.spans.map((s) => s.spanId))).size,
      records.flatMap((r) => r.spans).length,
      'no span id sent twice',
    );
    for (const t of rootedAt(traces, 'Deployment.Create')) {
      assert.deepEqual(
        t.spans.filter((s) => s.name === 'Pod.NodeNotReady' || s.name === 'Pod.TaintManagerEviction'),
        [],
      );
    }
    assertSameUnderShuffles(deltas, records);
  });
});
