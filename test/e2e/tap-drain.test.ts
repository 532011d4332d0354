// A node drain in tap mode, end to end: kube-apiserver → kubetrail's tap
// (inline) → Jaeger. Two Deployments' three Pods run on kwok-node-0, then
// `kubectl drain` cordons the Node and evicts them. In Jaeger the drain is one
// trace: the Node.Cordon root links to kubectl's PATCH of the Node, and each
// Pod.Evict under it to its POST pods/NAME/eviction, named after kubectl from
// the request's user agent; each request's trace holds kubetrail's back-link.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
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
  type LocalCluster,
} from '../cluster/cluster.js';
import { freePort, type KubetrailProcess, startKubetrail } from './kubetrail-process.js';
import { apiserverTracingTo, DRAINED_NODE, drainScenario, linkKind, REQUEST } from './tap-stack.js';
import { createNamespace } from './workloads.js';

const skip = e2eSkipReason();

describe('tap mode: a node drain is one trace linked to its requests', { skip, timeout: 6 * 60_000 }, () => {
  let cluster: LocalCluster;
  let kt: KubetrailProcess;
  const ns = `drain-${Date.now().toString(36)}`;
  /** The namespace of the drain kubetrail is stopped right after (the last test). */
  const nsStopped = `${ns}-stop`;
  const since = new Date(Date.now() - 5_000);
  /** What kubetrail saw, to replay when something fails. */
  const recording = join(mkdtempSync(join(tmpdir(), 'kubetrail-tap-drain-')), 'recording.jsonl');
  /** The drain's trace, as Jaeger returns it. */
  let trace: JaegerSpan[] = [];

  before(async () => {
    cluster = await ensureCluster();
    const tapPort = await freePort();
    kt = await startKubetrail(cluster, [
      '--namespace',
      ns,
      '--namespace',
      nsStopped,
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
    await drainScenario(cluster, ns);
    // The evictions settle (2 s), then the cordon (2 s more), each held 7 s for the apiserver's batching.
    let seen = '';
    trace = await eventually(
      'the drain trace in Jaeger, its cordon and three evictions linked',
      120_000,
      async () => {
        const all = ((await jaegerSpans(cluster.jaegerUrl, 'kubectl', since)) ?? []).filter(
          (s) => s.name === 'Node.Cordon' && s.attributes['k8s.node.name'] === DRAINED_NODE,
        );
        const cordons = all.filter((s) => s.attributes['kubetrail.drain.evictions'] === 3);
        seen = `cordons with ${all.map((c) => c.attributes['kubetrail.drain.evictions']).join(', ') || 'no'} evictions`;
        const cordon = cordons.at(-1);
        if (cordon === undefined) return undefined;
        const spans = (await jaegerTrace(cluster.jaegerUrl, cordon.traceId)) ?? [];
        const evictions = spans.filter((s) => s.name === 'Pod.Evict');
        seen = `cordon ${cordon.links?.length ?? 0} links; evictions: ${evictions.map((e) => `${e.attributes['k8s.pod.name']} by ${e.service}, ${e.links?.length ?? 0} links`).join('; ')}`;
        if (evictions.length < 3) return undefined;
        return spans;
      },
    ).catch((err: unknown) => {
      throw new Error(
        `${(err as Error).message}; seen: ${seen}; recording ${recording}; kubetrail's last lines:\n${kt.logs.slice(-20).join('\n')}`,
      );
    });
  });

  after(async () => {
    await kt?.stop();
    await apiserverTracingTo(undefined);
    for (const n of [ns, nsStopped])
      await cluster?.kubectl(['delete', 'namespace', n, '--wait=false']).catch(() => undefined);
  });

  /** The apiserver span a request link points at, and the kubetrail back-link span in its trace. */
  async function linked(span: JaegerSpan): Promise<{ handler: JaegerSpan; back: JaegerSpan | undefined }> {
    const links = span.links?.filter((l) => linkKind(l) === REQUEST) ?? [];
    assert.equal(links.length, 1, `${span.name} ${span.attributes['k8s.pod.name'] ?? ''}: one request link`);
    const link = links[0];
    assert.ok(link);
    assert.equal(link.attributes['kubetrail.link.ambiguous'], undefined);
    const requestTrace = await eventually('the request trace in Jaeger', 60_000, async () => {
      const t = await jaegerTrace(cluster.jaegerUrl, link.traceId);
      return t?.some((s) => s.service === 'kubetrail') ? t : undefined;
    });
    const handler = requestTrace.find((s) => s.spanId === link.spanId);
    assert.ok(handler, 'the linked span is in the request trace');
    return { handler, back: requestTrace.find((s) => s.service === 'kubetrail') };
  }

  it("the cordon roots the drain's trace and links to kubectl's PATCH of the Node, which links back", async () => {
    const cordon = trace.find((s) => s.name === 'Node.Cordon');
    assert.ok(cordon);
    assert.equal(cordon.parentSpanId, '');
    assert.equal(cordon.service, 'kubectl');
    const { handler, back } = await linked(cordon);
    assert.deepEqual(
      [
        handler.service,
        handler.name,
        handler.attributes.resource,
        handler.attributes.name,
        handler.attributes.verb,
      ],
      ['apiserver', 'Patch', 'nodes', DRAINED_NODE, 'PATCH'],
    );
    assert.match(String(handler.attributes['user-agent']), /^kubectl\//);
    assert.equal(back?.name, 'kubetrail Node.Cordon');
    assert.equal(back?.parentSpanId, handler.spanId);
    assert.deepEqual(
      back?.links?.map((l) => [l.traceId, l.spanId]),
      [[cordon.traceId, cordon.spanId]],
    );
  });

  it('each eviction is a Pod.Evict under the cordon, linked to its POST pods/NAME/eviction and named kubectl', async () => {
    const cordon = trace.find((s) => s.name === 'Node.Cordon');
    assert.ok(cordon);
    const evictions = trace.filter((s) => s.name === 'Pod.Evict');
    assert.deepEqual(evictions.map((e) => String(e.attributes['k8s.pod.name']).split('-')[0]).sort(), [
      'api',
      'web',
      'web',
    ]);
    for (const e of evictions) {
      assert.equal(e.parentSpanId, cordon.spanId);
      assert.equal(e.attributes['k8s.namespace.name'], ns);
      assert.equal(e.attributes['kubetrail.intent.reason'], 'EvictionByEvictionAPI');
      const { handler, back } = await linked(e);
      assert.deepEqual(
        [
          handler.name,
          handler.attributes.resource,
          handler.attributes.subresource,
          handler.attributes.namespace,
          handler.attributes.name,
          handler.attributes.verb,
        ],
        ['Create', 'pods', 'eviction', ns, e.attributes['k8s.pod.name'], 'POST'],
      );
      assert.match(String(handler.attributes['user-agent']), /^kubectl\//);
      assert.equal(e.service, 'kubectl', 'the evictor, from the request');
      assert.equal(e.attributes['kubetrail.intent.manager.source'], 'user-agent');
      assert.equal(back?.name, 'kubetrail Pod.Evict');
    }
  });

  it('stopped as soon as kubectl drain returns, kubetrail still sends the drain trace it flushed, linked', async () => {
    const stoppedAt = new Date();
    await createNamespace(cluster, nsStopped);
    // As soon as kubectl drain returns: the apiserver batches its spans for up to 5 s, so the
    // evictions' have not come yet.
    let code: number | null = null;
    await drainScenario(cluster, nsStopped, async () => {
      code = await kt.stop();
    });
    assert.equal(code, 0);
    assert.ok(
      kt.logs.some((l) => l.includes('"stopped"')),
      `kubetrail stopped cleanly:\n${kt.logs.slice(-5).join('\n')}`,
    );
    const spans = await eventually('the flushed drain trace in Jaeger', 60_000, async () => {
      for (const s of (await jaegerSpans(cluster.jaegerUrl, 'kubectl', stoppedAt)) ?? []) {
        if (s.name !== 'Node.Cordon') continue;
        const t = (await jaegerTrace(cluster.jaegerUrl, s.traceId)) ?? [];
        const evictions = t.filter(
          (e) => e.name === 'Pod.Evict' && e.attributes['k8s.namespace.name'] === nsStopped,
        );
        if (evictions.length === 3) return t;
      }
      return undefined;
    });
    const cordon = spans.find((s) => s.name === 'Node.Cordon');
    assert.ok(cordon);
    assert.equal((await linked(cordon)).handler.attributes.resource, 'nodes');
    for (const e of spans.filter((s) => s.name === 'Pod.Evict')) {
      const { handler } = await linked(e);
      assert.deepEqual(
        [handler.attributes.subresource, handler.attributes.name],
        ['eviction', e.attributes['k8s.pod.name']],
      );
      assert.equal(e.service, 'kubectl');
    }
  });
});
