// In-cluster install, proven on the real control plane: the manifests apply
// and pass the restricted Pod Security admission, kubetrail's ServiceAccount
// can trace a Deployment with no "forbidden" anywhere, it can read no secrets
// and write nothing but its Lease, and two replicas elect one leader that a
// standby replaces when it dies.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  e2eSkipReason,
  ensureCluster,
  eventually,
  type LocalCluster,
  repoRoot,
  spansFromJsonLines,
} from '../cluster/cluster.js';
import { jsonTracesTo, type KubetrailProcess, startKubetrail } from './kubetrail-process.js';
import { deployment } from './workloads.js';

const skip = e2eSkipReason();
const SA = 'system:serviceaccount:kubetrail:kubetrail';

describe('in-cluster install (manifests, RBAC, leader election)', { skip, timeout: 15 * 60_000 }, () => {
  let cluster: LocalCluster;
  let saKubeconfig: string;
  let dir: string;
  const ns = `incluster-${Date.now().toString(36)}`;
  const running: KubetrailProcess[] = [];

  before(async () => {
    cluster = await ensureCluster();
    dir = await mkdtemp(join(tmpdir(), 'kubetrail-incluster-'));
    await cluster.kubectl(['apply', '-k', join(repoRoot, 'manifests')]);
    await cluster.kubectl(['create', 'namespace', ns]);
    const token = (
      await cluster.kubectl(['create', 'token', 'kubetrail', '-n', 'kubetrail', '--duration=1h'])
    ).trim();
    // The admin kubeconfig with the ServiceAccount's token in place of the admin's.
    const admin = readFileSync(cluster.kubeconfig, 'utf8');
    saKubeconfig = join(dir, 'kubeconfig');
    writeFileSync(saKubeconfig, admin.replace(/token: .*/, `token: ${token}`));
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop()));
    await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  });

  it('builds with kustomize and passes restricted Pod Security admission', async () => {
    const built = await cluster.kubectl(['kustomize', join(repoRoot, 'manifests')]);
    assert.match(built, /kind: ClusterRole\n/);
    assert.match(built, /kind: NetworkPolicy\n/);
    assert.doesNotMatch(built, /secrets|"\*"|'\*'|- \*/, 'no secrets and no wildcards in any rule');
    // kwok runs the Pods; the namespace enforces the restricted standard, so a
    // non-compliant Pod spec would never be created.
    await cluster.kubectl(['rollout', 'status', '-n', 'kubetrail', 'deployment/kubetrail', '--timeout=120s']);
  });

  it('grants least privilege: no secrets, no writes but its own Lease', async () => {
    const can = async (...args: string[]) =>
      (await cluster.kubectl(['auth', 'can-i', ...args, '--as', SA]).catch((e: Error) => e.message)).includes(
        'yes',
      );
    for (const verb of ['get', 'list', 'watch']) {
      assert.equal(await can(verb, 'secrets', '-A'), false, `${verb} secrets`);
      assert.equal(
        await can(verb, 'secrets', '-n', 'kubetrail'),
        false,
        `${verb} secrets in its own namespace`,
      );
    }
    assert.equal(await can('list', 'configmaps', '-A'), false);
    for (const r of [
      'pods',
      'deployments.apps',
      'replicasets.apps',
      'events.events.k8s.io',
      'nodes',
      'jobs.batch',
    ]) {
      assert.equal(await can('watch', r, '-A'), true, `watch ${r}`);
      assert.equal(await can('list', r, '-A'), true, `list ${r}`);
      assert.equal(await can('get', r, '-A'), false, `get ${r}: list and watch are all kubetrail uses`);
      for (const verb of ['create', 'update', 'patch', 'delete'])
        assert.equal(await can(verb, r, '-A'), false, `${verb} ${r}`);
    }
    assert.equal(await can('update', 'leases.coordination.k8s.io/kubetrail', '-n', 'kubetrail'), true);
    assert.equal(await can('update', 'leases.coordination.k8s.io/other', '-n', 'kubetrail'), false);
    assert.equal(await can('update', 'leases.coordination.k8s.io/kubetrail', '-n', 'kube-system'), false);
    assert.equal(await can('create', 'pods/exec', '-A'), false);
  });

  it('traces a Deployment as the ServiceAccount with no "forbidden" anywhere', async () => {
    const out = join(dir, 'sa-spans.jsonl');
    const kt = await startKubetrail({ ...cluster, kubeconfig: saKubeconfig }, [
      ...jsonTracesTo(out),
      '--log-level',
      'debug',
    ]);
    running.push(kt);
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], deployment('rbac-web', 2));
    const spans = await eventually('the Deployment trace in the JSON output', 120_000, async () => {
      const all = spansFromJsonLines(readFileSync(out, 'utf8'));
      const mine = all.filter((s) => s.attributes['k8s.namespace.name'] === ns);
      return mine.some((s) => s.name === 'Deployment.Create') && mine.some((s) => s.name === 'Pod.Scheduled')
        ? mine
        : undefined;
    });
    assert.ok(spans.length >= 5);
    assert.equal(await kt.metric('kubetrail_watch_restarts_total', 'reason="error"'), 0);
    assert.equal(await kt.stop(), 0, 'clean exit on SIGTERM');
    const forbidden = kt.logs.filter((l) => /forbidden/i.test(l));
    assert.deepEqual(forbidden, [], 'no "forbidden" in kubetrail logs');
  });

  it('a resource it may not list: the rest is watched, /readyz turns ready, and the log names the missing rule', async () => {
    // A ServiceAccount with kubetrail's ClusterRole minus deployments.
    const role = JSON.parse(await cluster.kubectl(['get', 'clusterrole', 'kubetrail', '-o', 'json'])) as {
      rules: { apiGroups: string[]; resources: string[] }[];
    };
    const rules = role.rules.map((r) => ({
      ...r,
      resources: r.resources.filter((x) => x !== 'deployments'),
    }));
    await cluster.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: { name: 'kubetrail-partial', namespace: 'kubetrail' },
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRole',
            metadata: { name: 'kubetrail-e2e-partial' },
            rules,
          },
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'ClusterRoleBinding',
            metadata: { name: 'kubetrail-e2e-partial' },
            roleRef: {
              apiGroup: 'rbac.authorization.k8s.io',
              kind: 'ClusterRole',
              name: 'kubetrail-e2e-partial',
            },
            subjects: [{ kind: 'ServiceAccount', name: 'kubetrail-partial', namespace: 'kubetrail' }],
          },
        ],
      }),
    );
    const token = (
      await cluster.kubectl(['create', 'token', 'kubetrail-partial', '-n', 'kubetrail', '--duration=1h'])
    ).trim();
    const partial = join(dir, 'partial-kubeconfig');
    writeFileSync(partial, readFileSync(cluster.kubeconfig, 'utf8').replace(/token: .*/, `token: ${token}`));
    const kt = await startKubetrail({ ...cluster, kubeconfig: partial }, [
      '--exporter',
      'json',
      '--output',
      join(dir, 'partial.jsonl'),
      '--log-level',
      'debug',
    ]);
    running.push(kt);
    const refused = kt.logs.filter((l) => l.includes('forbidden to list apps/v1/deployments'));
    assert.equal(refused.length, 1, kt.logs.join('\n'));
    assert.match(
      refused[0] ?? '',
      /grant the RBAC rule \{apiGroups: \[\\"apps\\"\], resources: \[\\"deployments\\"\], verbs: \[\\"list\\", \\"watch\\"\]\} in its ClusterRole; watching the other resources meanwhile/,
    );
    for (const resource of ['events.k8s.io/v1/events', 'core/v1/pods', 'apps/v1/replicasets'])
      assert.ok(
        kt.logs.some((l) => l.includes('"msg":"listed"') && l.includes(`"resource":"${resource}"`)),
        `${resource} listed`,
      );
    assert.ok((await kt.metric('kubetrail_watch_restarts_total', 'reason="forbidden"')) >= 1);
    assert.equal(await kt.stop(), 0);
  });

  it('elects one leader among two replicas, and the standby takes over when it dies', async () => {
    const lease = `kubetrail-e2e-${Date.now().toString(36)}`;
    // The test Lease needs its own name; grant the ServiceAccount that name too.
    await cluster.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'kubetrail-e2e-lease', namespace: 'kubetrail' },
        rules: [
          {
            apiGroups: ['coordination.k8s.io'],
            resources: ['leases'],
            resourceNames: [lease],
            verbs: ['get', 'update'],
          },
        ],
      }),
    );
    await cluster
      .kubectl([
        'create',
        'rolebinding',
        'kubetrail-e2e-lease',
        '-n',
        'kubetrail',
        '--role=kubetrail-e2e-lease',
        '--serviceaccount=kubetrail:kubetrail',
      ])
      .catch(() => undefined);
    const replica = async (name: string) => {
      const out = join(dir, `${name}.jsonl`);
      writeFileSync(out, '');
      const kt = await startKubetrail({ ...cluster, kubeconfig: saKubeconfig }, [
        ...jsonTracesTo(out),
        '--leader-elect',
        '--lease-namespace',
        'kubetrail',
        '--lease-name',
        lease,
        '--identity',
        name,
      ]);
      running.push(kt);
      return { name, kt, out };
    };
    const a = await replica('replica-a');
    const b = await replica('replica-b');
    const leaders = async () => [
      (await a.kt.metric('kubetrail_leader')) === 1,
      (await b.kt.metric('kubetrail_leader')) === 1,
    ];
    const first = await eventually('one leader', 30_000, async () => {
      const [la, lb] = await leaders();
      return la !== lb ? (la ? a : b) : undefined;
    });
    const standby = first === a ? b : a;
    // Exactly one exports.
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], deployment('le-one', 1));
    await eventually('le-one exported by the leader', 120_000, async () =>
      spansFromJsonLines(readFileSync(first.out, 'utf8')).some(
        (s) => s.attributes['k8s.deployment.name'] === 'le-one',
      )
        ? true
        : undefined,
    );
    assert.equal(
      spansFromJsonLines(readFileSync(standby.out, 'utf8')).filter(
        (s) => s.attributes['k8s.namespace.name'] === ns,
      ).length,
      0,
      'the standby exports nothing',
    );
    // Kill the leader without a chance to release the Lease: the standby waits out the lease.
    const killedAt = Date.now();
    first.kt.child.kill('SIGKILL');
    await eventually('the standby to lead', 40_000, async () =>
      (await standby.kt.metric('kubetrail_leader')) === 1 ? true : undefined,
    );
    const takeoverMs = Date.now() - killedAt;
    assert.ok(
      takeoverMs < 15_000 + 2 * 2_000 + 2_000,
      `takeover within the lease duration (+ retries): ${takeoverMs} ms`,
    );
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], deployment('le-two', 1));
    const two = await eventually('le-two exported by the new leader', 120_000, async () => {
      const s = spansFromJsonLines(readFileSync(standby.out, 'utf8')).filter(
        (x) => x.attributes['k8s.deployment.name'] === 'le-two' && x.name === 'Deployment.Create',
      );
      return s.length > 0 ? s : undefined;
    });
    assert.equal(two.length, 1, 'one root span for le-two: not split, not duplicated');
  });
});
