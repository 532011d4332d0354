// kubetrail stopped (SIGTERM) and started again on the real control plane while
// a rollout is in flight, both instances exporting to the real Jaeger: every
// span id is in Jaeger once, no trace mixes generations, and the rollout's
// trace holds the spans of both instances, the second's marked partial.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { traceIdOf } from '../../src/model/ids.js';
import {
  e2eSkipReason,
  ensureCluster,
  eventually,
  type JaegerSpan,
  jaegerSpans,
  jaegerTrace,
  type LocalCluster,
} from '../cluster/cluster.js';
import { type KubetrailProcess, startKubetrail } from './kubetrail-process.js';
import { createNamespace, deployment } from './workloads.js';

const skip = e2eSkipReason();
const OTLP = 'http://127.0.0.1:4317';
/** Each new Pod must be ready this long before the rollout goes on: the restart fits in the gap. */
const MIN_READY_SECONDS = 10;

const note = (s: JaegerSpan): string => String(s.attributes['k8s.event.note'] ?? '');

describe('a restart in the middle of a rollout, on the real stack', { skip, timeout: 5 * 60_000 }, () => {
  let cluster: LocalCluster;
  const ns = `restart-${Date.now().toString(36)}`;
  const since = new Date(Date.now() - 5_000);
  const running: KubetrailProcess[] = [];

  async function kubetrail(): Promise<KubetrailProcess> {
    const kt = await startKubetrail(cluster, ['--namespace', ns, '--settle-ms', '1000'], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: OTLP },
    });
    running.push(kt);
    return kt;
  }

  async function kubectl(...args: string[]): Promise<string> {
    return cluster.kubectl(['-n', ns, ...args]);
  }

  /** Every trace Jaeger holds with a span in the namespace, each with all its spans. */
  async function traces(): Promise<Map<string, JaegerSpan[]>> {
    const ids = new Set<string>();
    for (const service of [
      'deployment-controller',
      'replicaset-controller',
      'default-scheduler',
      'kubelet',
    ]) {
      for (const s of (await jaegerSpans(cluster.jaegerUrl, service, since)) ?? []) {
        if (s.attributes['k8s.namespace.name'] === ns) ids.add(s.traceId);
      }
    }
    const out = new Map<string, JaegerSpan[]>();
    for (const id of ids) out.set(id, (await jaegerTrace(cluster.jaegerUrl, id)) ?? []);
    return out;
  }

  before(async () => {
    cluster = await ensureCluster();
    await createNamespace(cluster, ns);
  });

  after(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  });

  it('every span id once, one generation per trace, the in-flight rollout continued and marked partial', async () => {
    const first = await kubetrail();
    const slow = { strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } };
    await cluster.kubectl(
      ['apply', '-n', ns, '-f', '-'],
      deployment('web', 2, 'kubetrail.invalid/web:1', slow),
    );
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    await kubectl('set', 'image', 'deployment/web', 'app=kubetrail.invalid/web:2');
    await kubectl('rollout', 'status', 'deployment/web', '--timeout=60s');
    const uid = await kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.metadata.uid}');
    const traceOf = (gen: number): string => traceIdOf(uid, gen);
    // The first instance exported the finished Create and Update.
    await eventually('the Update trace in Jaeger', 30_000, async () =>
      (await jaegerTrace(cluster.jaegerUrl, traceOf(2)))?.some((s) => s.parentSpanId === '')
        ? true
        : undefined,
    );

    // Generation 3: a rollout that waits MIN_READY_SECONDS after each new Pod.
    await kubectl(
      'patch',
      'deployment/web',
      '--type',
      'merge',
      '-p',
      JSON.stringify({
        spec: {
          minReadySeconds: MIN_READY_SECONDS,
          template: { spec: { containers: [{ name: 'app', image: 'kubetrail.invalid/web:3' }] } },
        },
      }),
    );
    const newRs = await eventually('the new ReplicaSet with a ready Pod', 30_000, async () => {
      const out = await kubectl(
        'get',
        'replicasets',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name} {.metadata.annotations.deployment\\.kubernetes\\.io/revision} {.status.readyReplicas}{"\\n"}{end}',
      );
      const line = out.split('\n').find((l) => l.split(' ')[1] === '3' && Number(l.split(' ')[2]) >= 1);
      return line?.split(' ')[0];
    });
    // Stopped in the middle of the rollout: the first new Pod is ready, the second not yet created.
    assert.equal(await first.stop(), 0, 'the first instance exits cleanly on SIGTERM');
    const second = await kubetrail();
    await kubectl('rollout', 'status', 'deployment/web', `--timeout=${4 * MIN_READY_SECONDS + 30}s`);
    const pods = (await kubectl('get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ');
    assert.equal(pods.filter((p) => p.startsWith(`${newRs}-`)).length, 2);

    // The second instance sends what it saw of generation 3 once the rollout is quiet.
    const rollout = await eventually('the second Pod of the rollout in Jaeger', 60_000, async () => {
      const t = await jaegerTrace(cluster.jaegerUrl, traceOf(3));
      const created = t?.filter((s) => s.name === 'ReplicaSet.SuccessfulCreate') ?? [];
      return created.length === 2 &&
        t?.some((s) => s.name === 'Deployment.ScalingReplicaSet' && /to 0$/.test(note(s)))
        ? t
        : undefined;
    });
    assert.equal(await second.stop(), 0, 'the second instance exits cleanly');
    const all = await traces();

    // Every span id once, across every trace of the namespace.
    const seen = new Map<string, number>();
    for (const spans of all.values())
      for (const s of spans) seen.set(s.spanId, (seen.get(s.spanId) ?? 0) + 1);
    const twice = [...seen].filter(([, n]) => n > 1);
    assert.deepEqual(twice, [], 'span ids in Jaeger more than once');

    // One trace per generation, each with one root, its own ReplicaSet's creations only.
    assert.deepEqual([...all.keys()].sort(), [traceOf(1), traceOf(2), traceOf(3)].sort());
    const revisionRs = new Map<number, string>();
    for (const line of (
      await kubectl(
        'get',
        'replicasets',
        '-o',
        'jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision} {.metadata.name}{"\\n"}{end}',
      )
    ).split('\n')) {
      const [rev, name] = line.split(' ');
      if (rev && name) revisionRs.set(Number(rev), name);
    }
    for (const gen of [1, 2, 3]) {
      const spans = all.get(traceOf(gen)) ?? [];
      const roots = spans.filter((s) => s.parentSpanId === '');
      assert.equal(roots.length, 1, `generation ${gen}: one root`);
      assert.equal(roots[0]?.attributes['kubetrail.intent.generation'], gen);
      const rs = revisionRs.get(gen);
      for (const s of spans.filter((x) => x.name === 'ReplicaSet.SuccessfulCreate')) {
        assert.ok(
          note(s).startsWith(`Created pod: ${rs}-`),
          `generation ${gen} creates Pods of ${rs}: ${note(s)}`,
        );
      }
      for (const s of spans.filter(
        (x) => x.name === 'Deployment.ScalingReplicaSet' && /Scaled up/.test(note(x)),
      )) {
        assert.ok(note(s).includes(`replica set ${rs} `), `generation ${gen} scales up ${rs}: ${note(s)}`);
      }
      const ids = new Set(spans.map((s) => s.spanId));
      for (const s of spans)
        if (s.parentSpanId !== '') assert.ok(ids.has(s.parentSpanId), `${s.name}'s parent is in its trace`);
    }

    // The rollout in flight: its root and first Pod from the first instance, the rest from the second, marked partial.
    const root = rollout.find((s) => s.parentSpanId === '');
    assert.equal(root?.attributes['kubetrail.trace.partial'], false, 'the first instance saw it begin');
    assert.equal(
      root?.attributes['kubetrail.trace.end'],
      'shutdown',
      'and exported it open, at its shutdown',
    );
    const later = rollout.filter((s) => s.attributes['kubetrail.trace.partial'] === true);
    const earlier = rollout.filter(
      (s) => s !== root && s.attributes['kubetrail.trace.partial'] === undefined,
    );
    assert.ok(
      earlier.some((s) => s.name === 'ReplicaSet.SuccessfulCreate'),
      'the first Pod, from the first instance',
    );
    assert.ok(
      later.some((s) => s.name === 'ReplicaSet.SuccessfulCreate'),
      'the second Pod, from the second instance',
    );
    assert.ok(
      later.some((s) => s.name === 'Pod.Termination'),
      'the old Pods going, from the second instance',
    );
  });
});
