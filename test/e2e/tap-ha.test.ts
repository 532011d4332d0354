// Tap mode with two replicas, against the real control plane: both run leader
// election on a real Lease and listen as taps, and the apiserver's tracing
// points at the standby only. The standby forwards the apiserver's spans to
// Jaeger and relays the ones correlation needs to the leader, whose exported
// rollout links to the PATCH. Then the leader is killed (SIGKILL: no release),
// the standby takes the Lease, and a second rollout gets its link from it.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import yaml from 'js-yaml';
import { resolveConfig } from '../../src/config/resolve-config.js';
import {
  e2eSkipReason,
  ensureCluster,
  eventually,
  type JaegerSpan,
  jaegerSpans,
  jaegerTrace,
  type LocalCluster,
  repoRoot,
} from '../cluster/cluster.js';
import { freePort, type KubetrailProcess, startKubetrail } from './kubetrail-process.js';
import { apiserverTracingTo, linkKind, REQUEST, rolloutStatus } from './tap-stack.js';
import { createNamespace, IMAGE } from './workloads.js';

const skip = e2eSkipReason();

describe('tap HA: spans land on the standby, links appear on the leader; failover', {
  skip,
  timeout: 10 * 60_000,
}, () => {
  let cluster: LocalCluster;
  const ns = `tap-ha-${Date.now().toString(36)}`;
  const since = new Date(Date.now() - 5_000);
  let a: KubetrailProcess | undefined;
  let b: KubetrailProcess | undefined;

  const replica = async (id: string): Promise<KubetrailProcess> => {
    const port = await freePort();
    return startKubetrail(cluster, [
      '--namespace',
      ns,
      '--leader-elect',
      '--lease-namespace',
      ns,
      '--lease-name',
      'tap-ha',
      '--identity',
      id,
      '--tap-listen',
      `127.0.0.1:${port}`,
      '--tap-peer-address',
      `127.0.0.1:${port}`,
      '--endpoint',
      '127.0.0.1:4317',
      '--settle-ms',
      '2000',
    ]).then((p) => Object.assign(p, { tapPort: port }));
  };
  const leading = async (p: KubetrailProcess) => (await p.metric('kubetrail_leader')) === 1;
  const tapPortOf = (p: KubetrailProcess) => (p as KubetrailProcess & { tapPort: number }).tapPort;

  /** The `Deployment.Update` root of generation `gen` of `web` in Jaeger, once it links to its request. */
  const linkedUpdateRoot = (gen: number) =>
    eventually(`the generation ${gen} rollout linked in Jaeger`, 120_000, async () =>
      ((await jaegerSpans(cluster.jaegerUrl, 'kubectl-set', since)) ?? []).find(
        (s) =>
          s.name === 'Deployment.Update' &&
          s.attributes['k8s.namespace.name'] === ns &&
          Number(s.attributes['kubetrail.intent.generation']) === gen &&
          s.links?.some((l) => linkKind(l) === REQUEST),
      ),
    );

  /** The root's one request link names the PATCH of `web` in its namespace, and that trace holds the back-link. */
  const assertLinkedToPatch = async (root: JaegerSpan) => {
    const links = root.links?.filter((l) => linkKind(l) === REQUEST) ?? [];
    assert.equal(links.length, 1);
    const link = links[0];
    assert.ok(link);
    assert.equal(link.attributes['kubetrail.link.ambiguous'], undefined);
    const handler = await eventually('the PATCH in Jaeger', 60_000, async () =>
      (await jaegerTrace(cluster.jaegerUrl, link.traceId))?.find((s) => s.spanId === link.spanId),
    );
    assert.deepEqual(
      [handler.service, handler.name, handler.attributes.resource, handler.attributes.namespace],
      ['apiserver', 'Patch', 'deployments', ns],
    );
    assert.equal(handler.attributes.name, 'web');
    const back = await eventually('the back-link span in the request trace', 60_000, async () =>
      (await jaegerTrace(cluster.jaegerUrl, link.traceId))?.find(
        (s) => s.service === 'kubetrail' && s.parentSpanId === handler.spanId,
      ),
    );
    assert.deepEqual(
      back.links?.map((l) => [l.spanId, linkKind(l)]),
      [[root.spanId, 'kubetrail.root']],
    );
  };

  before(async () => {
    cluster = await ensureCluster();
    await createNamespace(cluster, ns);
    a = await replica('a');
    await eventually('a leads', 30_000, async () =>
      (await leading(a as KubetrailProcess)) ? true : undefined,
    );
    b = await replica('b');
    // Every span the apiserver sends lands on the standby.
    await apiserverTracingTo(`127.0.0.1:${tapPortOf(b)}`);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await apiserverTracingTo(undefined);
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  });

  it("a rollout whose spans reach only the standby: the leader's root links to the PATCH, and back", async () => {
    const leader = a as KubetrailProcess;
    const standby = b as KubetrailProcess;
    const k = (...args: string[]) => cluster.kubectl(['-n', ns, ...args]);
    await k('create', 'deployment', 'web', `--image=${IMAGE}`, '--replicas=2');
    await rolloutStatus(cluster, ns, 'web');
    await k('set', 'image', 'deployment/web', '*=kubetrail.invalid/web:2');
    await rolloutStatus(cluster, ns, 'web');
    const root = await linkedUpdateRoot(2);
    await assertLinkedToPatch(root);
    assert.equal(await leading(leader), true, 'a still leads');
    assert.equal(await leading(standby), false);
    // The leader made the links from relayed spans: no component sent it anything.
    assert.equal(await leader.metric('kubetrail_tap_spans_received_total'), 0);
    assert.ok((await leader.metric('kubetrail_tap_relay_spans_total', 'direction="received"')) > 0);
    assert.ok((await leader.metric('kubetrail_tap_links_total', 'kind="links"')) > 0);
    assert.ok((await standby.metric('kubetrail_tap_relay_spans_total', 'direction="sent"')) > 0);
    assert.equal(await standby.metric('kubetrail_tap_relay_dropped_total'), 0);
    // Forwarded once, by the standby that received them; the leader forwards nothing relayed.
    assert.ok((await standby.metric('kubetrail_tap_spans_forwarded_total')) > 0);
    assert.equal(await leader.metric('kubetrail_tap_spans_forwarded_total'), 0);
    assert.equal(await standby.metric('kubetrail_spans_emitted_total'), 0, 'only the leader exports');
  });

  it('the leader killed: the standby takes the Lease, and the next rollout is linked too', async () => {
    const standby = b as KubetrailProcess;
    (a as KubetrailProcess).child.kill('SIGKILL');
    await (a as KubetrailProcess).stop();
    // Not released: the Lease expires (15 s) by the standby's own clock.
    await eventually('b leads', 60_000, async () => ((await leading(standby)) ? true : undefined));
    await cluster.kubectl(['-n', ns, 'set', 'image', 'deployment/web', '*=kubetrail.invalid/web:3']);
    await rolloutStatus(cluster, ns, 'web');
    const root = await linkedUpdateRoot(3);
    await assertLinkedToPatch(root);
    assert.ok((await standby.metric('kubetrail_spans_emitted_total')) > 0, 'b exports now');
    assert.ok((await standby.metric('kubetrail_tap_links_total', 'kind="links"')) > 0);
  });

  it('every overlay renders with the image and passes the apiserver validation; tap-ha runs 2 replicas whose config is valid with the Pod IP', async () => {
    const dirs = [
      'manifests',
      ...readdirSync(join(repoRoot, 'manifests/examples')).map((d) => `manifests/examples/${d}`),
    ];
    assert.ok(dirs.includes('manifests/examples/tap-ha'));
    // The apiserver validates each overlay (a server-side dry run needs the namespace to exist).
    await cluster.kubectl(['apply', '-f', join(repoRoot, 'manifests/base/namespace.yaml')]);
    for (const dir of dirs) {
      const built = await cluster.kubectl(['kustomize', join(repoRoot, dir)]);
      assert.match(built, /image: kubetrail:0\.1\.0\n/, `${dir} runs the kubetrail image`);
      const applied = await cluster.kubectl(['apply', '--dry-run=server', '-k', join(repoRoot, dir)]);
      assert.match(
        applied,
        /deployment\.apps\/kubetrail (created|configured|unchanged) \(server dry run\)/,
        dir,
      );
    }
    type Doc = {
      kind?: string;
      data?: Record<string, string>;
      spec?: {
        replicas?: number;
        template?: { spec?: { containers?: { name?: string; args?: string[] }[] } };
        ingress?: { ports?: { port?: string }[] }[];
      };
    };
    const docs = yaml.loadAll(
      await cluster.kubectl(['kustomize', join(repoRoot, 'manifests/examples/tap-ha')]),
    ) as Doc[];
    const deployment = docs.find((d) => d.kind === 'Deployment');
    assert.equal(deployment?.spec?.replicas, 2);
    const args =
      deployment?.spec?.template?.spec?.containers?.find((c) => c.name === 'kubetrail')?.args ?? [];
    const text = docs.find((d) => d.kind === 'ConfigMap' && d.data?.['config.yaml'])?.data?.['config.yaml'];
    assert.ok(text);
    // What the container starts with once the kubelet expands $(VAR) (--config is read from the ConfigMap here).
    const argv = args
      .filter((a) => !a.startsWith('--config='))
      .map((a) => a.replace('$(POD_IP)', '10.244.1.7').replace('$(POD_NAMESPACE)', 'kubetrail'));
    const { config } = resolveConfig({
      argv,
      env: { KUBETRAIL_IDENTITY: 'kubetrail-5d9c-x2x7q' },
      file: { path: 'config.yaml', text },
    });
    assert.equal(config.tapPeerAddress, '10.244.1.7:4317');
    assert.equal(config.tapListen, '0.0.0.0:4317');
    assert.equal(config.leaderElect, true);
    const policy = docs.find((d) => d.kind === 'NetworkPolicy');
    assert.ok(
      policy?.spec?.ingress?.some((r) => r.ports?.some((p) => p.port === 'otlp-grpc')),
      'the NetworkPolicy admits the tap port',
    );
  });
});
