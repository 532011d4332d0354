// The local stack is real: a Deployment reaches Ready Pods on kwok nodes, the
// controllers and the scheduler report Events, and the apiserver's own spans
// land in Jaeger.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  e2eSkipReason,
  ensureCluster,
  eventually,
  jaegerServices,
  jaegerSpansByTag,
  type LocalCluster,
} from '../cluster/cluster.js';
import { createNamespace, deployment } from './workloads.js';

const skip = e2eSkipReason();

describe('local control plane (smoke)', { skip, timeout: 15 * 60_000 }, () => {
  let cluster: LocalCluster;
  const ns = `smoke-${Date.now().toString(36)}`;
  const since = new Date(Date.now() - 5_000);

  before(async () => {
    cluster = await ensureCluster();
    await createNamespace(cluster, ns);
  });
  after(async () => {
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  });

  it('runs a 2-replica Deployment to Ready Pods on kwok nodes', async () => {
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], deployment('web', 2));
    await cluster.kubectl(['rollout', 'status', '-n', ns, 'deployment/web', '--timeout=120s']);
    const rs = JSON.parse(await cluster.kubectl(['get', 'replicasets', '-n', ns, '-o', 'json'])) as ListOf<{
      metadata: { ownerReferences?: { kind: string; name: string }[] };
    }>;
    assert.equal(rs.items.length, 1);
    assert.equal(rs.items[0]?.metadata.ownerReferences?.[0]?.name, 'web');
    const pods = JSON.parse(await cluster.kubectl(['get', 'pods', '-n', ns, '-o', 'json'])) as ListOf<{
      spec: { nodeName?: string };
      status: { conditions?: { type: string; status: string }[] };
    }>;
    assert.equal(pods.items.length, 2);
    for (const pod of pods.items) {
      assert.match(pod.spec.nodeName ?? '', /^kwok-node-\d$/);
      assert.ok(pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    }
  });

  it('records Events from the deployment, replicaset and scheduler controllers', async () => {
    const components = await eventually('controller events', 60_000, async () => {
      const events = JSON.parse(
        await cluster.kubectl(['get', 'events.events.k8s.io', '-n', ns, '-o', 'json']),
      ) as ListOf<{ reportingController?: string; reason?: string }>;
      const seen = new Set(events.items.map((e) => e.reportingController ?? ''));
      const want = ['deployment-controller', 'replicaset-controller', 'default-scheduler'];
      return want.every((c) => seen.has(c)) ? seen : undefined;
    });
    assert.ok(components.has('deployment-controller'));
  });

  it('shows the apiserver and its span for the Deployment create in Jaeger', async () => {
    const services = await eventually('apiserver in Jaeger', 60_000, async () => {
      const s = await jaegerServices(cluster.jaegerUrl);
      return s.includes('apiserver') ? s : undefined;
    });
    assert.ok(services.includes('apiserver'));
    // Searched by its path: every apiserver request is a trace, and a search by
    // service alone returns only the newest 1,000.
    const path = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const create = await eventually('the Deployment create span', 90_000, async () => {
      const spans = await jaegerSpansByTag(cluster.jaegerUrl, 'apiserver', 'url.path', path, since);
      return spans.find((s) => /deployments/.test(s.name) && /^POST/.test(s.name));
    });
    assert.equal(create.service, 'apiserver');
    assert.ok(create.endNs > create.startNs);
  });
});

interface ListOf<T> {
  items: T[];
}
