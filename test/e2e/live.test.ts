// kubetrail live against the real control plane, exporting over OTLP gRPC to
// the real Jaeger. Every scenario fetches its trace back from Jaeger's API and
// checks services, parent relations, durations, one trace per intent and ERROR
// where the cluster failed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { packageVersion } from '../../src/cli/version.js';
import {
  descendsFrom,
  e2eSkipReason,
  ensureCluster,
  eventually,
  type JaegerSpan,
  jaegerSpansByTag,
  jaegerTracesByTag,
  type LocalCluster,
} from '../cluster/cluster.js';
import { type KubetrailProcess, startKubetrail } from './kubetrail-process.js';
import { createNamespace, deployment } from './workloads.js';

const skip = e2eSkipReason();
const OTLP = 'http://127.0.0.1:4317';
const kubetrailUserAgent = `kubetrail/${packageVersion()}`;
/** Figures measured along the way, printed at the end for the README. */
export const figures: Record<string, number | string> = {};

/** Every trace in Jaeger with a span in namespace `ns`, found through `service`. */
async function tracesIn(
  cluster: LocalCluster,
  service: string,
  ns: string,
  since: Date,
): Promise<JaegerSpan[][]> {
  return jaegerTracesByTag(cluster.jaegerUrl, service, 'k8s.namespace.name', ns, since);
}

/** The running kubetrail's log lines, quoted when a wait times out. */
let kubetrailLogs: readonly string[] = [];

/** Waits for a trace whose root is `rootName` about `name` in `ns`, and that satisfies `complete`. */
async function traceOf(
  cluster: LocalCluster,
  opts: {
    service: string;
    ns: string;
    rootName: string;
    since: Date;
    complete?: (t: JaegerSpan[]) => boolean;
  },
  timeoutMs = 120_000,
): Promise<JaegerSpan[]> {
  let seen: JaegerSpan[][] = [];
  try {
    return await eventually(`a ${opts.rootName} trace in ${opts.ns}`, timeoutMs, async () => {
      seen = await tracesIn(cluster, opts.service, opts.ns, opts.since);
      return seen.find((t) => rootOf(t)?.name === opts.rootName && (opts.complete?.(t) ?? true));
    });
  } catch (err) {
    // What Jaeger held instead, and kubetrail's last words: enough to tell a
    // missing trace from a split or an incomplete one without re-running.
    const held = seen.map((t) => `  ${describeTrace(t)}`).join('\n') || '  (none)';
    const tail = `\nkubetrail's last log lines:\n${kubetrailLogs.slice(-20).join('\n')}`;
    throw new Error(
      `${(err as Error).message}\ntraces in ${opts.ns} through ${opts.service}:\n${held}${tail}`,
    );
  }
}

/** One line per trace: its roots, then how many spans of each name. */
function describeTrace(trace: readonly JaegerSpan[]): string {
  const roots = trace.filter((s) => s.parentSpanId === '').map((s) => s.name);
  const counts = new Map<string, number>();
  for (const s of trace) counts.set(s.name, (counts.get(s.name) ?? 0) + 1);
  const names = [...counts].map(([name, n]) => `${name}×${n}`).join(' ');
  return `${trace[0]?.traceId ?? '?'} roots [${roots.join(', ')}]: ${names}`;
}

function rootOf(trace: readonly JaegerSpan[]): JaegerSpan | undefined {
  const roots = trace.filter((s) => s.parentSpanId === '');
  return roots.length === 1 ? roots[0] : undefined;
}

const durationMs = (s: JaegerSpan): number => Number(s.endNs - s.startNs) / 1e6;
const named = (t: readonly JaegerSpan[], name: string): JaegerSpan[] => t.filter((s) => s.name === name);

/** What every trace must be: one root, every parent present, no span ending before it starts, real durations. */
function assertWellFormed(trace: readonly JaegerSpan[]): JaegerSpan {
  const root = rootOf(trace);
  assert.ok(root, `exactly one root in ${trace.map((s) => s.name).join(', ')}`);
  const ids = new Set(trace.map((s) => s.spanId));
  for (const s of trace) {
    if (s !== root) assert.ok(ids.has(s.parentSpanId), `${s.name}'s parent is in the trace`);
    assert.ok(s.endNs >= s.startNs, `${s.name} ends after it starts`);
    assert.ok(s.service, `${s.name} names the component that acted`);
  }
  assert.ok(durationMs(root) > 0, `root ${root.name} has a real duration`);
  for (const s of trace.filter((x) => x.name.endsWith('.Lifecycle'))) {
    assert.ok(durationMs(s) > 0, `${s.name} ${s.attributes['k8s.pod.name'] ?? ''} has a real duration`);
  }
  return root;
}

describe('live: kubetrail → OTLP → Jaeger on the real control plane', { skip, timeout: 30 * 60_000 }, () => {
  let cluster: LocalCluster;
  let kt: KubetrailProcess;
  const run = Date.now().toString(36);
  const namespaces: string[] = [];
  const since = new Date(Date.now() - 5_000);

  async function namespace(name: string): Promise<string> {
    const ns = `${name}-${run}`;
    namespaces.push(ns);
    await createNamespace(cluster, ns);
    return ns;
  }

  let ktStarted = new Date();

  before(async () => {
    cluster = await ensureCluster();
    ktStarted = new Date();
    const record = process.env.KUBETRAIL_E2E_RECORD;
    kt = await startKubetrail(
      cluster,
      ['--settle-ms', '2000', '--max-trace-ms', '90000', ...(record ? ['--record', record] : [])],
      {
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: OTLP },
      },
    );
    kubetrailLogs = kt.logs;
  });

  after(async () => {
    if (kt) {
      const pid = kt.child.pid;
      const stat = pid ? await readProc(pid) : undefined;
      if (stat) {
        figures.kubetrailCpuSeconds = stat.cpuSeconds;
        figures.kubetrailPeakRssMiB = stat.peakRssMiB;
      }
      figures.exitCode = String(await kt.stop());
    }
    for (const ns of namespaces)
      await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
    console.log(`# figures ${JSON.stringify(figures)}`);
  });

  it('a Deployment created: one trace from kubectl apply to Ready Pods, next to the apiserver span', async () => {
    const ns = await namespace('create');
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], deployment('web', 2, 'kubetrail.invalid/web:1'));
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    const available = Date.now();
    const trace = await traceOf(cluster, {
      service: 'deployment-controller',
      ns,
      rootName: 'Deployment.Create',
      since,
      complete: (t) => named(t, 'Pod.Scheduled').length === 2,
    });
    figures.availableToQueryableMs = Date.now() - available;
    const root = assertWellFormed(trace);
    assert.equal(root.service, 'kubectl-client-side-apply');
    assert.equal(root.attributes['kubetrail.intent.manager'], 'kubectl-client-side-apply');
    assert.equal(root.attributes['k8s.deployment.name'], 'web');
    const services = new Set(trace.map((s) => s.service));
    for (const svc of ['deployment-controller', 'replicaset-controller', 'default-scheduler'])
      assert.ok(services.has(svc), svc);
    const created = named(trace, 'ReplicaSet.SuccessfulCreate');
    assert.equal(created.length, 2);
    for (const scheduled of named(trace, 'Pod.Scheduled')) {
      assert.ok(
        created.some((c) => descendsFrom(trace, scheduled, c)),
        'Pod.Scheduled under its Created pod',
      );
    }

    // The apiserver's own span for the same create sits in the same backend with the same object.
    // Searched by its path: every apiserver request is a trace, and a search by
    // service alone returns only the newest 1,000 (a namespace deletion alone
    // makes hundreds).
    const path = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const apiserver = await eventually('the apiserver POST span', 60_000, async () =>
      (await jaegerSpansByTag(cluster.jaegerUrl, 'apiserver', 'url.path', path, since)).find((s) =>
        s.name.startsWith('POST'),
      ),
    );
    assert.equal(root.attributes['k8s.namespace.name'], ns);
    assert.match(
      String(apiserver.attributes['http.target']),
      new RegExp(`fieldManager=${root.attributes['kubetrail.intent.manager']}`),
    );
    // managedFields time has second precision: the root starts within a second of the request.
    assert.ok(Math.abs(Number(root.startNs - apiserver.startNs)) / 1e6 < 1_500, 'root starts at the request');
  });

  it('a rollout of 3 replicas after an image change: one trace with the 3 new Pods, each Scheduled under its Created pod', async () => {
    const ns = await namespace('rollout');
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], deployment('web', 3, 'kubetrail.invalid/web:1'));
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    await cluster.kubectl(['set', 'image', '-n', ns, 'deployment/web', 'app=kubetrail.invalid/web:2']);
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    const newPods = (
      await cluster.kubectl(['get', 'pods', '-n', ns, '-o', 'jsonpath={.items[*].metadata.name}'])
    )
      .split(' ')
      .filter(Boolean);
    assert.equal(newPods.length, 3);
    const trace = await traceOf(cluster, {
      service: 'deployment-controller',
      ns,
      rootName: 'Deployment.Update',
      since,
      complete: (t) => named(t, 'Pod.Scheduled').length >= 3,
    });
    const root = assertWellFormed(trace);
    assert.equal(root.service, 'kubectl-set');
    for (const pod of newPods) {
      const created = trace.find(
        (s) =>
          s.name === 'ReplicaSet.SuccessfulCreate' &&
          s.attributes['k8s.event.note'] === `Created pod: ${pod}`,
      );
      assert.ok(created, `"Created pod: ${pod}" in the trace`);
      const scheduled = trace.find((s) => s.name === 'Pod.Scheduled' && s.attributes['k8s.pod.name'] === pod);
      assert.ok(scheduled, `Pod.Scheduled of ${pod}, with k8s.pod.name`);
      assert.ok(descendsFrom(trace, scheduled, created), `${pod}: Scheduled under Created pod`);
    }
    // One trace per intent: the update is not split, and the create is a trace of its own.
    const updates = (await tracesIn(cluster, 'deployment-controller', ns, since)).filter(
      (t) => rootOf(t)?.name === 'Deployment.Update',
    );
    assert.equal(updates.length, 1, 'exactly one trace for the image change');
    assert.equal(named(trace, 'Deployment.Create').length, 0);
  });

  it('a scale up and a scale down: a trace each', async () => {
    const ns = await namespace('scale');
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], deployment('web', 1, 'kubetrail.invalid/web:1'));
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    await cluster.kubectl(['scale', '-n', ns, 'deployment/web', '--replicas=3']);
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    const up = await traceOf(cluster, {
      service: 'replicaset-controller',
      ns,
      rootName: 'Deployment.Update',
      since,
      complete: (t) => named(t, 'ReplicaSet.SuccessfulCreate').length === 2,
    });
    assertWellFormed(up);
    await cluster.kubectl(['scale', '-n', ns, 'deployment/web', '--replicas=1']);
    const down = await traceOf(cluster, {
      service: 'replicaset-controller',
      ns,
      rootName: 'Deployment.Update',
      since,
      complete: (t) => named(t, 'ReplicaSet.SuccessfulDelete').length === 2,
    });
    assertWellFormed(down);
    assert.notEqual(up[0]?.traceId, down[0]?.traceId);
    assert.equal(
      named(down, 'ReplicaSet.SuccessfulCreate').length,
      0,
      'no scale-up spans in the scale-down trace',
    );
  });

  it('a StatefulSet rollout', async () => {
    const ns = await namespace('sts');
    const sts = (image: string) =>
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db' },
        spec: {
          replicas: 2,
          serviceName: 'db',
          selector: { matchLabels: { app: 'db' } },
          template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image }] } },
        },
      });
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], sts('kubetrail.invalid/db:1'));
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'statefulset/db', '--timeout=120s']);
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], sts('kubetrail.invalid/db:2'));
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'statefulset/db', '--timeout=120s']);
    const trace = await traceOf(cluster, {
      service: 'statefulset-controller',
      ns,
      rootName: 'StatefulSet.Update',
      since,
      complete: (t) => named(t, 'StatefulSet.SuccessfulCreate').length === 2,
    });
    assertWellFormed(trace);
    assert.equal(named(trace, 'StatefulSet.SuccessfulDelete').length, 2);
    for (const created of named(trace, 'StatefulSet.SuccessfulCreate')) {
      const pod = /create Pod (\S+) in StatefulSet/i.exec(String(created.attributes['k8s.event.note']))?.[1];
      const scheduled = trace.find((s) => s.name === 'Pod.Scheduled' && s.attributes['k8s.pod.name'] === pod);
      assert.ok(scheduled && descendsFrom(trace, scheduled, created), `${pod}: Scheduled under its create`);
    }
  });

  it('a DaemonSet: one Pod per node', async () => {
    const ns = await namespace('ds');
    await cluster.kubectl(
      ['apply', '-n', ns, '-f', '-'],
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent' },
        spec: {
          selector: { matchLabels: { app: 'agent' } },
          template: {
            metadata: { labels: { app: 'agent' } },
            spec: { containers: [{ name: 'a', image: 'kubetrail.invalid/agent:1' }] },
          },
        },
      }),
    );
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'daemonset/agent', '--timeout=120s']);
    const trace = await traceOf(cluster, {
      service: 'daemonset-controller',
      ns,
      rootName: 'DaemonSet.Create',
      since,
      complete: (t) => named(t, 'DaemonSet.SuccessfulCreate').length === 3,
    });
    const root = assertWellFormed(trace);
    assert.equal(root.attributes['k8s.daemonset.name'], 'agent');
  });

  it('a Job to completion, and a CronJob whose scheduled run is a CronJob.Run trace', async () => {
    const ns = await namespace('jobs');
    await cluster.kubectl(['create', 'job', '-n', ns, 'once', '--image=kubetrail.invalid/job:1']);
    const job = await traceOf(cluster, {
      service: 'job-controller',
      ns,
      rootName: 'Job.Create',
      since,
      complete: (t) => named(t, 'Job.Completed').length === 1,
    });
    assertWellFormed(job);
    assert.equal(named(job, 'Job.SuccessfulCreate').length, 1);
    assert.equal(rootOf(job)?.statusCode === 2, false, 'a completed Job is not an error');

    await cluster.kubectl([
      'create',
      'cronjob',
      '-n',
      ns,
      'tick',
      '--image=kubetrail.invalid/job:1',
      '--schedule=* * * * *',
    ]);
    // The schedule is every minute: a run within 30 s of the create is the Create's, a later
    // one (the next, at the latest) a CronJob.Run trace of its own.
    const run = await traceOf(
      cluster,
      {
        service: 'cronjob-controller',
        ns,
        rootName: 'CronJob.Run',
        since,
        complete: (t) =>
          named(t, 'CronJob.SuccessfulCreate').length >= 1 &&
          named(t, 'Job.SuccessfulCreate').length >= 1 &&
          named(t, 'CronJob.SawCompletedJob').length >= 1,
      },
      180_000,
    );
    const runRoot = assertWellFormed(run);
    assert.equal(runRoot.attributes['kubetrail.intent'], 'run');
    assert.equal(runRoot.attributes['k8s.cronjob.name'], 'tick');
    const createdJob = named(run, 'CronJob.SuccessfulCreate');
    assert.equal(createdJob.length, 1, 'one run per trace');
    assert.equal(createdJob[0]?.attributes['k8s.event.acted_on.name'], runRoot.attributes['k8s.job.name']);
    const createdPod = named(run, 'Job.SuccessfulCreate')[0];
    assert.ok(
      createdJob[0] && createdPod && descendsFrom(run, createdPod, createdJob[0]),
      'the Job\'s pod under "Created job"',
    );
    // The CronJob's Create holds at most the first run, never a later one.
    // Without the first run it is its root alone, of no duration: one root is all there is to check.
    const create = await traceOf(cluster, {
      service: 'kubectl-create',
      ns,
      rootName: 'CronJob.Create',
      since,
    });
    assert.ok(named(create, 'CronJob.SuccessfulCreate').length <= 1, 'no later run in the Create');
  });

  it('an unschedulable Pod: FailedScheduling gives ERROR', async () => {
    const ns = await namespace('unsched');
    await cluster.kubectl(
      ['apply', '-n', ns, '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'stuck' },
        spec: {
          nodeSelector: { 'kubetrail.dev/nowhere': 'true' },
          containers: [{ name: 'a', image: 'kubetrail.invalid/a:1' }],
        },
      }),
    );
    const trace = await traceOf(
      cluster,
      {
        service: 'default-scheduler',
        ns,
        rootName: 'Pod.Create',
        since,
        complete: (t) => named(t, 'Pod.FailedScheduling').length > 0,
      },
      150_000,
    );
    const root = assertWellFormed(trace);
    const failed = named(trace, 'Pod.FailedScheduling')[0];
    assert.equal(failed?.statusCode, 2, 'FailedScheduling is ERROR');
    assert.equal(root.statusCode, 2, 'the intent failed');
  });

  it('a Deployment deleted: a Delete trace with the terminations', async () => {
    const ns = await namespace('delete');
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], deployment('web', 2, 'kubetrail.invalid/web:1'));
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    await cluster.kubectl([
      'delete',
      '-n',
      ns,
      'deployment/web',
      '--cascade=foreground',
      '--wait=true',
      '--timeout=120s',
    ]);
    // A deletion has no controller Event of its own: the garbage collector and the kubelet did the work.
    const trace = await traceOf(cluster, {
      service: 'garbage-collector',
      ns,
      rootName: 'Deployment.Delete',
      since,
      complete: (t) => named(t, 'Pod.Termination').length === 2,
    });
    const root = assertWellFormed(trace);
    assert.equal(root.attributes['kubetrail.intent'], 'delete');
    const rs = named(trace, 'ReplicaSet.Termination');
    assert.equal(rs.length, 1);
    for (const pod of named(trace, 'Pod.Termination')) {
      assert.ok(rs[0] && descendsFrom(trace, pod, rs[0]), "each Pod termination under its ReplicaSet's");
      assert.ok(durationMs(pod) > 0, 'termination has a real duration');
    }
    assert.equal(
      named(trace, 'ReplicaSet.SuccessfulCreate').length,
      0,
      'nothing of the create in the delete',
    );
  });

  it("made only list and watch requests (and discovery), as the apiserver's own spans show", async () => {
    const mine = await jaegerSpansByTag(
      cluster.jaegerUrl,
      'apiserver',
      'user_agent.original',
      kubetrailUserAgent,
      ktStarted,
    );
    assert.ok(mine.length > 0, "the apiserver traced kubetrail's requests");
    const verbs = new Map<string, number>();
    for (const s of mine) {
      const target = String(s.attributes['http.target'] ?? '');
      const verb = s.name.startsWith('GET')
        ? target.includes('watch=true')
          ? 'watch'
          : 'get/list'
        : (s.name.split(' ')[0] ?? '');
      verbs.set(verb, (verbs.get(verb) ?? 0) + 1);
    }
    figures.apiserverRequests = JSON.stringify(Object.fromEntries(verbs));
    assert.deepEqual(
      [...verbs.keys()].filter((v) => v !== 'watch' && v !== 'get/list'),
      [],
      'reads only',
    );
  });
});

/** CPU seconds and peak RSS of a live process, from /proc. */
async function readProc(pid: number): Promise<{ cpuSeconds: number; peakRssMiB: number } | undefined> {
  const { readFileSync } = await import('node:fs');
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(stat[11]) + Number(stat[12]);
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return { cpuSeconds: ticks / 100, peakRssMiB: Math.round(Number(hwm) / 1024) };
  } catch {
    return undefined;
  }
}
