/**
 * Tap mode on the local control plane: the apiserver's tracing pointed at a
 * kubetrail tap instead of Jaeger (and back), and the scenario of the tap
 * tests and fixtures.
 */
import { join } from 'node:path';
import { type LocalCluster, repoRoot, run, stopComponents } from '../cluster/cluster.js';
import { deployment, IMAGE } from './workloads.js';

/**
 * Restarts kube-apiserver with its TracingConfiguration endpoint at `endpoint`
 * (`HOST:PORT`), or at Jaeger when undefined. up.sh restarts only what is stopped.
 */
/** The `kubetrail.link.kind` of a link to an apiserver request span. */
export const REQUEST = 'apiserver.request';

/** A span link's kind (`kubetrail.link.kind`), as Jaeger returns its attributes. */
export const linkKind = (l: { attributes: Readonly<Record<string, unknown>> }): unknown =>
  l.attributes['kubetrail.link.kind'];

export async function apiserverTracingTo(endpoint: string | undefined): Promise<void> {
  await stopComponents('kube-apiserver');
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (endpoint === undefined) delete env.KUBETRAIL_CLUSTER_TRACING_ENDPOINT;
  else env.KUBETRAIL_CLUSTER_TRACING_ENDPOINT = endpoint;
  await run(join(repoRoot, 'test/cluster/up.sh'), [], env);
}

/** Waits for a Deployment's rollout. */
export function rolloutStatus(cluster: LocalCluster, ns: string, name: string): Promise<string> {
  return cluster.kubectl(['rollout', 'status', '-n', ns, `deployment/${name}`, '--timeout=120s']);
}

/**
 * The five intents of the tap scenario on Deployment `name`: kubectl create,
 * set image, scale, a server-side apply with field manager `tap-e2e`, delete.
 */
export async function tapScenario(cluster: LocalCluster, ns: string, name: string): Promise<void> {
  const k = (...args: string[]) => cluster.kubectl(['-n', ns, ...args]);
  await k('create', 'deployment', name, `--image=${IMAGE}`, '--replicas=2');
  await rolloutStatus(cluster, ns, name);
  await k('set', 'image', `deployment/${name}`, '*=kubetrail.invalid/web:2');
  await rolloutStatus(cluster, ns, name);
  await k('scale', `deployment/${name}`, '--replicas=3');
  await rolloutStatus(cluster, ns, name);
  const applied = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'web', image: 'kubetrail.invalid/web:3' }] },
      },
    },
  };
  await cluster.kubectl(
    ['apply', '--server-side', '--field-manager=tap-e2e', '--force-conflicts', '-f', '-'],
    JSON.stringify(applied),
  );
  await rolloutStatus(cluster, ns, name);
  await k('delete', 'deployment', name, '--wait=true', '--timeout=120s');
}

/** The Node the drain scenario drains: one of up.sh's kwok Nodes. */
export const DRAINED_NODE = 'kwok-node-0';

/** A Deployment of `replicas` Pods that prefer {@link DRAINED_NODE}, so a drain evicts them all. */
function onDrainedNode(name: string, replicas: number): string {
  return deployment(name, replicas, IMAGE, {
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [{ name: 'app', image: IMAGE }],
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                preference: {
                  matchExpressions: [
                    { key: 'kubernetes.io/hostname', operator: 'In', values: [DRAINED_NODE] },
                  ],
                },
              },
            ],
          },
        },
      },
    },
  });
}

/**
 * The drain scenario: Deployments `web` (2 Pods) and `api` (1 Pod) on
 * {@link DRAINED_NODE}, then `kubectl drain` (a cordon, then one eviction per
 * Pod), the replacements running elsewhere, then an uncordon. `afterDrain`
 * runs as soon as `kubectl drain` returns.
 */
export async function drainScenario(
  cluster: LocalCluster,
  ns: string,
  afterDrain?: () => Promise<void>,
): Promise<void> {
  const k = (args: string[], input?: string) => cluster.kubectl(['-n', ns, ...args], input);
  await k(['apply', '-f', '-'], onDrainedNode('web', 2));
  await k(['apply', '-f', '-'], onDrainedNode('api', 1));
  await rolloutStatus(cluster, ns, 'web');
  await rolloutStatus(cluster, ns, 'api');
  const nodes = await k(['get', 'pods', '-o', 'jsonpath={.items[*].spec.nodeName}']);
  if (nodes.split(' ').some((n) => n !== DRAINED_NODE))
    throw new Error(`the scenario's Pods should all run on ${DRAINED_NODE}, ran on: ${nodes}`);
  try {
    await cluster.kubectl([
      'drain',
      DRAINED_NODE,
      '--ignore-daemonsets',
      '--delete-emptydir-data',
      '--timeout=120s',
    ]);
    await afterDrain?.();
    await rolloutStatus(cluster, ns, 'web');
    await rolloutStatus(cluster, ns, 'api');
  } finally {
    await cluster.kubectl(['uncordon', DRAINED_NODE]);
  }
}
