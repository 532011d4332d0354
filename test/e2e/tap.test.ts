// Tap mode end to end: kube-apiserver → kubetrail's tap (inline) → Jaeger. The
// apiserver is restarted with its TracingConfiguration pointed at the tap, and
// restored afterwards. In Jaeger, `kubectl set image` shows two hops: the
// rollout's root links to the PATCH request, and the request's trace holds
// kubetrail's back-link span, which links to the root.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  e2eSkipReason,
  ensureCluster,
  eventually,
  type JaegerSpan,
  jaegerSpans,
  jaegerTrace,
  jaegerUiWarnings,
  type LocalCluster,
  repoRoot,
  restartMissing,
  run,
  spansFromJsonLines,
  stopComponents,
} from '../cluster/cluster.js';
import { freePort, jsonTracesTo, type KubetrailProcess, startKubetrail } from './kubetrail-process.js';
import { apiserverTracingTo, linkKind, REQUEST, tapScenario } from './tap-stack.js';
import { createNamespace } from './workloads.js';

const skip = e2eSkipReason();

describe('tap mode: apiserver → kubetrail → Jaeger', { skip, timeout: 10 * 60_000 }, () => {
  let cluster: LocalCluster;
  let kt: KubetrailProcess;
  const ns = `tap-${Date.now().toString(36)}`;
  const since = new Date(Date.now() - 5_000);
  const dir = mkdtempSync(join(tmpdir(), 'kubetrail-tap-'));
  const recording = join(dir, 'recording.jsonl');
  /** Every span of the traces of kubetrail's roots in `ns`, and of the requests they link to. */
  let spans: JaegerSpan[] = [];

  before(async () => {
    cluster = await ensureCluster();
    const tapPort = await freePort();
    kt = await startKubetrail(cluster, [
      '--namespace',
      ns,
      '--tap-listen',
      `127.0.0.1:${tapPort}`,
      '--endpoint',
      '127.0.0.1:4317',
      '--settle-ms',
      '2000',
      '--record',
      recording,
    ]);
    await apiserverTracingTo(`127.0.0.1:${tapPort}`);
    await createNamespace(cluster, ns);
    await tapScenario(cluster, ns, 'web');
    // Roots settle (2 s), wait out the apiserver's batching in the correlator (7 s), then export.
    const managers = ['kubectl-create', 'kubectl-set', 'kubectl', 'tap-e2e'];
    let seen = '';
    spans = await eventually('five linked roots in Jaeger', 120_000, async () => {
      const all = new Map<string, JaegerSpan>();
      for (const m of managers)
        for (const s of (await jaegerSpans(cluster.jaegerUrl, m, since)) ?? []) all.set(s.spanId, s);
      const roots = [...all.values()].filter(
        (s) =>
          /^Deployment\.(Create|Update|Delete)$/.test(s.name) && s.attributes['k8s.namespace.name'] === ns,
      );
      seen = roots.map((r) => `${r.name} by ${r.service}: ${r.links?.length ?? 0} links`).join('; ');
      if (roots.length < 5 || !roots.every((r) => r.links?.some((l) => linkKind(l) === REQUEST)))
        return undefined;
      return [...all.values()];
    }).catch((err: unknown) => {
      throw new Error(
        `${(err as Error).message}; roots seen: ${seen}; kubetrail's last lines:\n${kt.logs.slice(-20).join('\n')}`,
      );
    });
  });

  after(async () => {
    await kt?.stop();
    await apiserverTracingTo(undefined);
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  });

  const inNs = () => spans.filter((s) => s.attributes['k8s.namespace.name'] === ns);
  const roots = () => inNs().filter((s) => /^Deployment\.(Create|Update|Delete)$/.test(s.name));

  it('kubectl set image: the root links to the PATCH, whose trace holds the back-link to the root', async () => {
    const root = roots().find((r) => r.service === 'kubectl-set');
    assert.ok(root, 'the set image root');
    const links = root.links?.filter((l) => linkKind(l) === REQUEST) ?? [];
    assert.equal(links.length, 1);
    const link = links[0];
    assert.ok(link);
    assert.equal(link.attributes['kubetrail.link.ambiguous'], undefined);
    const requestTrace = await eventually('the request trace in Jaeger', 60_000, () =>
      jaegerTrace(cluster.jaegerUrl, link.traceId),
    );
    const handler = requestTrace.find((s) => s.spanId === link.spanId);
    assert.ok(handler, 'the linked span is in the request trace');
    assert.equal(handler.service, 'apiserver');
    assert.equal(handler.name, 'Patch');
    assert.deepEqual(
      [
        handler.attributes.resource,
        handler.attributes.namespace,
        handler.attributes.name,
        handler.attributes.verb,
      ],
      ['deployments', ns, 'web', 'PATCH'],
    );
    const back = await eventually('the back-link span', 60_000, async () =>
      (await jaegerTrace(cluster.jaegerUrl, link.traceId))?.find((s) => s.service === 'kubetrail'),
    );
    assert.equal(back.parentSpanId, handler.spanId);
    assert.equal(back.name, 'kubetrail Deployment.Update');
    assert.deepEqual(
      back.links?.map((l) => [l.traceId, l.spanId, linkKind(l)]),
      [[root.traceId, root.spanId, 'kubetrail.root']],
    );
    // Inside its handler span, so Jaeger's UI shows no Warnings on it (clock skew, parent, link, tags).
    assert.ok(back.startNs >= handler.startNs && back.endNs <= handler.endNs, 'inside the handler span');
    assert.deepEqual(await jaegerUiWarnings(cluster.jaegerUrl, link.traceId, back.spanId), []);
  });

  it('every root links to the request for the same object and verb; the Delete root names the deleter', async () => {
    const want: Record<string, string> = {
      'kubectl-create': 'POST',
      'kubectl-set': 'PATCH',
      kubectl: 'PATCH',
      'tap-e2e': 'APPLY',
    };
    const rs = roots();
    assert.deepEqual(rs.map((r) => r.name).sort(), [
      'Deployment.Create',
      'Deployment.Delete',
      'Deployment.Update',
      'Deployment.Update',
      'Deployment.Update',
    ]);
    for (const r of rs) {
      const link = r.links?.find((l) => linkKind(l) === REQUEST);
      assert.ok(link, r.name);
      const handler = (await jaegerTrace(cluster.jaegerUrl, link.traceId))?.find(
        (s) => s.spanId === link.spanId,
      );
      assert.ok(handler, `${r.name}: linked span in Jaeger`);
      const verb = r.name === 'Deployment.Delete' ? 'DELETE' : want[r.service];
      assert.equal(handler.attributes.verb, verb, `${r.name} by ${r.service}`);
      assert.equal(handler.attributes.resource, 'deployments');
      assert.equal(handler.attributes.namespace, ns);
    }
    assert.equal(rs.find((r) => r.name === 'Deployment.Delete')?.service, 'kubectl');
  });

  it("links at least 95 % of Created pod, Scheduled and Deleted pod to exactly their request, and none to another object's", async () => {
    const actions = inNs().filter((s) =>
      ['ReplicaSet.SuccessfulCreate', 'ReplicaSet.SuccessfulDelete', 'Pod.Scheduled'].includes(s.name),
    );
    assert.ok(actions.length >= 10, `${actions.length} actions`);
    let exact = 0;
    for (const a of actions) {
      const links = a.links?.filter((l) => linkKind(l) === REQUEST) ?? [];
      if (links.length !== 1) continue;
      const link = links[0];
      assert.ok(link);
      const trace = (await jaegerTrace(cluster.jaegerUrl, link.traceId)) ?? [];
      const handler = trace.find((s) => s.spanId === link.spanId);
      // A create has no name in its URL: the storage key of its `Create etcd3` child names it.
      const key = trace.find((s) => s.parentSpanId === link.spanId && s.name === 'Create etcd3')?.attributes
        .key;
      const name =
        handler?.attributes.name ||
        String(key ?? '')
          .split('/')
          .pop();
      const target = a.attributes['k8s.event.acted_on.name'] ?? a.attributes['k8s.pod.name'];
      assert.equal(name, target, `${a.name} linked to a request for another object`);
      exact += 1;
    }
    assert.ok(exact / actions.length >= 0.95, `${exact} of ${actions.length} exactly linked`);
  });

  it('passes every span through: received = forwarded + dropped, with no drops while Jaeger is up', async () => {
    // One scrape, taken when nothing is queued or in flight, so the three counters agree.
    const sample = (text: string, name: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith(name))
        .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    const text = await eventually('an idle forwarding queue', 30_000, async () => {
      const t = await kt.metrics();
      const received = sample(t, 'kubetrail_tap_spans_received_total');
      const done =
        sample(t, 'kubetrail_tap_spans_forwarded_total') + sample(t, 'kubetrail_tap_spans_dropped_total');
      return received === done ? t : undefined;
    });
    assert.ok(sample(text, 'kubetrail_tap_spans_received_total') > 1_000);
    assert.equal(sample(text, 'kubetrail_tap_spans_dropped_total'), 0);
    assert.equal(sample(text, 'kubetrail_tap_requests_total{result="malformed"}'), 0);
  });

  it('--record keeps the spans the links came from: a replay of the recording makes the same links', async () => {
    // The recording is still being written: replay its complete lines.
    const text = readFileSync(recording, 'utf8');
    const complete = join(dir, 'complete.jsonl');
    writeFileSync(complete, text.slice(0, text.lastIndexOf('\n') + 1));
    const out = join(dir, 'replay.json');
    await run(
      process.execPath,
      [join(repoRoot, 'dist/src/cli/main.js'), 'replay', complete, ...jsonTracesTo(out)],
      process.env,
    );
    const linksOf = (list: readonly JaegerSpan[]) =>
      list
        .filter(
          (s) =>
            /^Deployment\.(Create|Update|Delete)$/.test(s.name) && s.attributes['k8s.namespace.name'] === ns,
        )
        .map((s) => `${s.traceId}/${s.spanId} ${s.service} ${(s.links ?? []).map((l) => l.spanId).join(',')}`)
        .sort();
    const replayed = linksOf(spansFromJsonLines(readFileSync(out, 'utf8')));
    assert.equal(replayed.length, 5);
    assert.deepEqual(replayed, linksOf(roots()));
  });

  it('Jaeger stopped and restarted: the apiserver is unaffected, requests wait in the queue, forwarding resumes', async () => {
    const queued = () => kt.metric('kubetrail_tap_queue', 'unit="requests"');
    const forwarded = () => kt.metric('kubetrail_tap_spans_forwarded_total');
    await stopComponents('jaeger');
    try {
      const t0 = performance.now();
      await cluster.kubectl(['-n', ns, 'create', 'configmap', 'while-jaeger-is-down', '--from-literal=a=b']);
      assert.ok(performance.now() - t0 < 5_000, 'the apiserver answered at once');
      await eventually('the tap holding requests for the backend', 60_000, async () =>
        kt.logs.some((l) => l.includes('backend is unreachable')) && (await queued()) > 0 ? true : undefined,
      );
    } finally {
      await restartMissing();
    }
    const before = await forwarded();
    await eventually('forwarding resumed and the queue drained', 90_000, async () =>
      kt.logs.some((l) => l.includes('reachable again')) &&
      (await queued()) === 0 &&
      (await forwarded()) > before
        ? true
        : undefined,
    );
    assert.equal(
      kt.logs.filter((l) => l.includes('backend is unreachable')).length,
      1,
      'one line per outage',
    );
    assert.equal(kt.child.exitCode, null);
  });
});
