// Failure on the real stack: the trace backend down while a rollout happens,
// and the apiserver restarted in the middle of a rollout.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { traceIdOf } from '../../src/model/ids.js';
import {
  byTrace,
  e2eSkipReason,
  ensureCluster,
  eventually,
  type JaegerSpan,
  jaegerSpans,
  type LocalCluster,
  restartMissing,
  spansFromJsonLines,
  stopComponents,
} from '../cluster/cluster.js';
import { jsonTracesTo, type KubetrailProcess, startKubetrail } from './kubetrail-process.js';
import { createNamespace, deployment } from './workloads.js';

const skip = e2eSkipReason();

async function rootIn(
  cluster: LocalCluster,
  ns: string,
  rootName: string,
  since: Date,
): Promise<JaegerSpan[] | undefined> {
  const spans = (await jaegerSpans(cluster.jaegerUrl, 'deployment-controller', since)) ?? [];
  return [...byTrace(spans).values()].find((t) =>
    t.some((s) => s.parentSpanId === '' && s.name === rootName && s.attributes['k8s.namespace.name'] === ns),
  );
}

describe('resilience on the real stack', { skip, timeout: 15 * 60_000 }, () => {
  let cluster: LocalCluster;
  const run = Date.now().toString(36);
  const namespaces: string[] = [];
  const running: KubetrailProcess[] = [];

  async function namespace(name: string): Promise<string> {
    const ns = `${name}-${run}`;
    namespaces.push(ns);
    await createNamespace(cluster, ns);
    return ns;
  }

  before(async () => {
    cluster = await ensureCluster();
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await restartMissing();
    for (const ns of namespaces)
      await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  });

  it('the backend down: no crash, one rate-limited line, drops counted, traces again once it is back', async () => {
    await stopComponents('jaeger');
    const kt = await startKubetrail(cluster, ['--settle-ms', '2000'], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317' },
    });
    running.push(kt);
    const nsDown = await namespace('down');
    await cluster.kubectl(
      ['apply', '-n', nsDown, '-f', '-'],
      deployment('web', 2, 'kubetrail.invalid/web:1'),
    );
    await cluster.kubectl(['rollout', 'status', '-n', nsDown, 'deployment/web', '--timeout=120s']);
    const dropped = await eventually('drops counted', 120_000, async () => {
      const n = await kt.metric('kubetrail_spans_dropped_total', 'reason="export"');
      return n > 0 ? n : undefined;
    });
    assert.ok(dropped > 0);
    assert.ok((await kt.metric('kubetrail_export_errors_total')) > 0, 'export errors counted');
    const failing = kt.logs.filter((l) => l.includes('OTLP export failing'));
    assert.ok(
      failing.length >= 1 && failing.length <= 2,
      `one rate-limited line a minute, got ${failing.length}`,
    );
    assert.equal(kt.child.exitCode, null, 'still running');

    const since = new Date();
    await restartMissing();
    const nsUp = await namespace('up');
    await cluster.kubectl(['apply', '-n', nsUp, '-f', '-'], deployment('web', 2, 'kubetrail.invalid/web:1'));
    await cluster.kubectl(['rollout', 'status', '-n', nsUp, 'deployment/web', '--timeout=120s']);
    const trace = await eventually('a trace after recovery', 120_000, () =>
      rootIn(cluster, nsUp, 'Deployment.Create', since),
    );
    assert.ok(trace.length > 3);
    assert.ok(
      kt.logs.some((l) => l.includes('OTLP export recovered')),
      'recovery is logged',
    );
    assert.equal(await kt.stop(), 0);
  });

  it('the apiserver restarted in the middle of a rollout: the watches resume and the trace completes', async () => {
    const kt = await startKubetrail(cluster, ['--settle-ms', '2000'], {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317' },
    });
    running.push(kt);
    const ns = await namespace('restart');
    const slow = { minReadySeconds: 2, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } };
    await cluster.kubectl(
      ['apply', '-n', ns, '-f', '-'],
      deployment('web', 4, 'kubetrail.invalid/web:1', slow),
    );
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    const since = new Date();
    await cluster.kubectl(['set', 'image', '-n', ns, 'deployment/web', 'app=kubetrail.invalid/web:2']);
    await new Promise((r) => setTimeout(r, 1_500));
    await stopComponents('kube-apiserver');
    await new Promise((r) => setTimeout(r, 2_000));
    await restartMissing();
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=180s']);
    const restarts = await eventually('watch restarts counted', 60_000, async () => {
      const n = await kt.metric('kubetrail_watch_restarts_total', 'reason="error"');
      return n > 0 ? n : undefined;
    });
    assert.ok(restarts > 0);
    const trace = await eventually('the rollout trace', 180_000, async () => {
      const t = await rootIn(cluster, ns, 'Deployment.Update', since);
      return t && t.filter((s) => s.name === 'ReplicaSet.SuccessfulCreate').length >= 4 ? t : undefined;
    });
    const root = trace.find((s) => s.parentSpanId === '');
    assert.equal(root?.attributes['kubetrail.trace.end'], 'converged', 'the trace completes');
    assert.equal(kt.child.exitCode, null, 'still running');
  });

  it('started in the middle of a rollout: no history, the rest of the rollout sent under its trace id, marked partial', async () => {
    const ns = await namespace('midway');
    const slow = { minReadySeconds: 5, strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } };
    await cluster.kubectl(
      ['apply', '-n', ns, '-f', '-'],
      deployment('web', 3, 'kubetrail.invalid/web:1', slow),
    );
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    await cluster.kubectl(['set', 'image', '-n', ns, 'deployment/web', 'app=kubetrail.invalid/web:2']);
    await new Promise((r) => setTimeout(r, 2_000));
    const uid = await cluster.kubectl(['get', '-n', ns, 'deployment/web', '-o', 'jsonpath={.metadata.uid}']);
    const out = join(await mkdtemp(join(tmpdir(), 'kubetrail-midway-')), 'spans.jsonl');
    writeFileSync(out, '');
    const kt = await startKubetrail(cluster, ['--namespace', ns, ...jsonTracesTo(out)]);
    running.push(kt);
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=180s']);
    // Its last step (the old ReplicaSet scaled to 0) comes two minReadySeconds after kubetrail started.
    const spans = await eventually('the rest of the in-flight rollout exported', 120_000, async () => {
      const all = spansFromJsonLines(readFileSync(out, 'utf8'));
      return all.some(
        (s) =>
          s.name === 'Deployment.ScalingReplicaSet' && / to 0$/.test(String(s.attributes['k8s.event.note'])),
      )
        ? all
        : undefined;
    });
    assert.ok(
      spans.some((s) => s.name === 'ReplicaSet.SuccessfulCreate'),
      'a Pod the rollout created after the start',
    );
    // The instance that would have run before sent the root (at its shutdown) and what it saw.
    assert.deepEqual(
      spans.filter((s) => s.parentSpanId === '').map((s) => s.name),
      [],
      'no root: not the Create that finished before startup, nor the Update begun before it',
    );
    assert.deepEqual([...new Set(spans.map((s) => s.traceId))], [traceIdOf(uid, 2)], "the Update's trace");
    for (const s of spans)
      assert.equal(s.attributes['kubetrail.trace.partial'], true, `${s.name} marked partial`);
    assert.equal(await kt.stop(), 0);
  });
});
