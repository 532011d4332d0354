/**
 * The scenarios recorded from the local control plane into
 * test/fixtures/live/ (issue 9's families and issue 12's aggregated Events).
 * Each drives kubectl in its own namespace while a kubetrail records; the
 * driver (record.ts) starts and stops that kubetrail around `run`.
 */
import { type LocalCluster, restartKwok } from '../cluster/cluster.js';
import { deployment } from '../e2e/workloads.js';

/** What a scenario may do while it is recorded. */
export interface ScenarioContext {
  readonly cluster: LocalCluster;
  /** The scenario's namespace. */
  readonly ns: string;
  /** kubectl in the scenario's namespace. */
  kubectl(args: readonly string[], input?: string): Promise<string>;
  /** Restarts the recording into another file, as a kubetrail started now would (initial list first). */
  restartRecording(file: string): Promise<void>;
}

/** One recorded scenario. */
export interface Scenario {
  /** Also the recording's file name (`<name>.jsonl`), and the namespace unless `namespace` says otherwise. */
  readonly name: string;
  /** The namespace, where an older recording of the scenario used another one. */
  readonly namespace?: string;
  /** What happens, for the README of the fixtures and the test names. */
  readonly story: string;
  run(ctx: ScenarioContext): Promise<void>;
  /** Undoes cluster-wide changes (nodes) after the recording stopped. */
  cleanup?(ctx: ScenarioContext): Promise<void>;
}

const TIMEOUT = '--timeout=180s';
const image = (app: string, n: number): string => `kubetrail.invalid/${app}:${n}`;

async function rollout(ctx: ScenarioContext, what: string): Promise<void> {
  await ctx.kubectl(['rollout', 'status', what, TIMEOUT]);
}

async function apply(ctx: ScenarioContext, manifest: string): Promise<void> {
  await ctx.kubectl(['apply', '-f', '-'], manifest);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Applies Deployment web (`replicas`, image 1, `extra` in its spec) and waits for its rollout. */
async function applyWeb(
  ctx: ScenarioContext,
  replicas: number,
  extra?: Record<string, unknown>,
): Promise<void> {
  await apply(ctx, deployment('web', replicas, image('web', 1), extra));
  await rollout(ctx, 'deployment/web');
}

/** kubectl set image to web's image `n`, and waits for the rollout. */
async function setWebImage(ctx: ScenarioContext, n: number): Promise<void> {
  await ctx.kubectl(['set', 'image', 'deployment/web', `app=${image('web', n)}`]);
  await rollout(ctx, 'deployment/web');
}

/** Asks `done` every 500 ms until it says yes, `tries` times at most. */
async function poll(tries: number, done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await done()) return;
    await sleep(500);
  }
}

function statefulSet(replicas: number, img: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      replicas,
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: img }] } },
      ...extra,
    },
  });
}

function daemonSet(): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent' },
    spec: {
      selector: { matchLabels: { app: 'agent' } },
      template: {
        metadata: { labels: { app: 'agent' } },
        spec: { containers: [{ name: 'a', image: image('agent', 1) }] },
      },
    },
  });
}

/** A fake Node that kwok manages, as test/cluster/up.sh makes them. */
function kwokNode(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
      },
    },
    spec: {},
  });
}

const ADDED_NODE = 'kwok-node-added';
const DRAINED_NODE = 'kwok-node-0';
const LOST_NODE = 'kwok-node-lost';

/**
 * kwok manages only the Nodes annotated `kwok.x-k8s.io/node: fake` (test/cluster/up.sh):
 * once a restarted kwok no longer sees it, nothing renews the Node's Lease, and the node
 * lifecycle controller marks it Unknown after its grace period, as for a dead kubelet.
 */
async function stopKubelet(ctx: ScenarioContext, node: string): Promise<void> {
  await ctx.kubectl(['annotate', 'node', node, 'kwok.x-k8s.io/node-']);
  await restartKwok(ctx.cluster);
}

/**
 * Web's 2 Pods, preferring Node LOST_NODE, whose kubelet then stops (kwok lets go of it): the
 * Node goes NotReady, the taint manager evicts the Pods on it once they have tolerated that for
 * `tolerationSeconds` (they stay Terminating, with no kubelet to confirm), and the ReplicaSet
 * replaces them elsewhere. Returns how to list the Pods still on that Node.
 */
async function loseNodeWithWeb(
  ctx: ScenarioContext,
  tolerationSeconds: number,
): Promise<(output: string) => Promise<string>> {
  await ctx.kubectl(['apply', '-f', '-'], kwokNode(LOST_NODE));
  await ctx.kubectl(['wait', '--for=condition=Ready', `node/${LOST_NODE}`, TIMEOUT]);
  // Tolerate the Node's NoExecute taints that long rather than the default 300 s.
  const toleration = (key: string) => ({
    key,
    operator: 'Exists',
    effect: 'NoExecute',
    tolerationSeconds,
  });
  const preferLost = {
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'app', image: image('web', 1) }],
        tolerations: [
          toleration('node.kubernetes.io/unreachable'),
          toleration('node.kubernetes.io/not-ready'),
        ],
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                preference: {
                  matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [LOST_NODE] }],
                },
              },
            ],
          },
        },
      },
    },
  };
  await applyWeb(ctx, 2, preferLost);
  await stopKubelet(ctx, LOST_NODE);
  await ctx.kubectl(['wait', '--for=condition=Ready=Unknown', `node/${LOST_NODE}`, '--timeout=240s']);
  const onLostNode = (output: string): Promise<string> =>
    ctx.kubectl(['get', 'pods', '--field-selector', `spec.nodeName=${LOST_NODE}`, '-o', output]);
  await poll(120, async () => {
    const deleting = await onLostNode('jsonpath={.items[*].metadata.deletionTimestamp}');
    return deleting.split(/\s+/).filter((x) => x !== '').length >= 2;
  });
  await rollout(ctx, 'deployment/web');
  return onLostNode;
}

/** Uncordons Node DRAINED_NODE, which the drain scenarios leave cordoned. */
async function uncordonDrainedNode(ctx: ScenarioContext): Promise<void> {
  await ctx.kubectl(['uncordon', DRAINED_NODE]);
}

/** Deletes Node LOST_NODE (see loseNodeWithWeb), if a scenario left it. */
async function deleteLostNode(ctx: ScenarioContext): Promise<void> {
  await ctx.cluster.kubectl(['delete', 'node', LOST_NODE, '--ignore-not-found', '--wait=true', TIMEOUT]);
}

/** How long before a minute the CronJob of cronjob-runs is made: its first run comes that soon. */
const RUN_LEAD_MS = 8_000;

/** One surge Pod at a time, none unavailable: one scaling step per Pod. */
const oneAtATime = { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } };

/** Web's Pod template, spread over the Nodes (preferred: a cordoned Node still counts in the skew). */
const spreadWeb = {
  template: {
    metadata: { labels: { app: 'web' } },
    spec: {
      containers: [{ name: 'app', image: image('web', 1) }],
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: { app: 'web' } },
        },
      ],
    },
  },
};

/** `kubectl drain` of the drained Node, as an operator runs it. */
const DRAIN = ['drain', DRAINED_NODE, '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=120s'];

/** A PodDisruptionBudget of web's Pods (`spec` beside the selector): the Eviction API answers 429 beyond it. */
function webBudget(spec: Record<string, number>): string {
  return JSON.stringify({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web' },
    spec: { ...spec, selector: { matchLabels: { app: 'web' } } },
  });
}

/** Every scenario, in recording order. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'deployment-rollout',
    // The namespace of its first recording, which examples/rollout.jsonl (a copy) shows in the README.
    namespace: 'rec-roll',
    story: 'apply 3, kubectl set image (examples/rollout.jsonl is a copy)',
    async run(ctx) {
      await applyWeb(ctx, 3);
      await setWebImage(ctx, 2);
    },
  },
  {
    name: 'pause-two-changes-resume',
    story: 'apply 3, rollout pause, set image, set env, rollout resume',
    async run(ctx) {
      await applyWeb(ctx, 3);
      await ctx.kubectl(['rollout', 'pause', 'deployment/web']);
      await ctx.kubectl(['set', 'image', 'deployment/web', `app=${image('web', 2)}`]);
      await ctx.kubectl(['set', 'env', 'deployment/web', 'MODE=two']);
      await sleep(2000);
      await ctx.kubectl(['rollout', 'resume', 'deployment/web']);
      await rollout(ctx, 'deployment/web');
    },
  },
  {
    name: 'rollout-restart',
    story: 'apply 3, kubectl rollout restart',
    async run(ctx) {
      await applyWeb(ctx, 3);
      await ctx.kubectl(['rollout', 'restart', 'deployment/web']);
      await rollout(ctx, 'deployment/web');
    },
  },
  {
    name: 'rollout-superseded',
    story: 'apply 3 (minReadySeconds 2, maxSurge 1, maxUnavailable 0), set image, 3 s later set image again',
    async run(ctx) {
      const web = (n: number) => deployment('web', 3, image('web', n), { minReadySeconds: 2, ...oneAtATime });
      await apply(ctx, web(1));
      await rollout(ctx, 'deployment/web');
      await apply(ctx, web(2));
      await sleep(3000);
      await apply(ctx, web(3));
      await rollout(ctx, 'deployment/web');
    },
  },
  {
    name: 'orphan-delete-adopt',
    story: 'apply 2, delete --cascade=orphan, apply the same Deployment again (it adopts the ReplicaSet)',
    async run(ctx) {
      await applyWeb(ctx, 2);
      await ctx.kubectl(['delete', 'deployment/web', '--cascade=orphan', '--wait=true', TIMEOUT]);
      await sleep(2000);
      await applyWeb(ctx, 2);
    },
  },
  {
    name: 'replicaset-deleted',
    story: "apply 2, the user deletes the Deployment's ReplicaSet, the Deployment makes it again",
    async run(ctx) {
      await applyWeb(ctx, 2);
      await ctx.kubectl(['delete', 'replicaset', '-l', 'app=web', '--wait=true', TIMEOUT]);
      await rollout(ctx, 'deployment/web');
    },
  },
  {
    name: 'node-drain',
    story: `apply 3 (one Pod per node), kubectl drain ${DRAINED_NODE}, the Pods replaced elsewhere, uncordon`,
    async run(ctx) {
      await applyWeb(ctx, 3, spreadWeb);
      await ctx.kubectl(DRAIN);
      await rollout(ctx, 'deployment/web');
      await ctx.kubectl(['uncordon', DRAINED_NODE]);
    },
    cleanup: uncordonDrainedNode,
  },
  {
    name: 'node-drain-pdb',
    story: `apply 6 (2 Pods per node), a PodDisruptionBudget allowing none (minAvailable 6), kubectl drain ${DRAINED_NODE}: the Eviction API answers 429 and kubectl retries every 5 s; 8 s later the budget is relaxed (maxUnavailable 1), so the evictions come about 10 s after the cordon; uncordon`,
    async run(ctx) {
      await applyWeb(ctx, 6, spreadWeb);
      await apply(ctx, webBudget({ minAvailable: 6 }));
      const drained = ctx.kubectl(DRAIN);
      drained.catch(() => undefined);
      await sleep(8000);
      await apply(ctx, webBudget({ maxUnavailable: 1 }));
      await drained;
      await rollout(ctx, 'deployment/web');
      await ctx.kubectl(['uncordon', DRAINED_NODE]);
    },
    cleanup: uncordonDrainedNode,
  },
  {
    name: 'statefulset-scale-partition',
    story: 'StatefulSet of 2, scaled to 4, then a rollout with partition 2 (only db-3 and db-2 updated)',
    async run(ctx) {
      await apply(ctx, statefulSet(2, image('db', 1)));
      await rollout(ctx, 'statefulset/db');
      await ctx.kubectl(['scale', 'statefulset/db', '--replicas=4']);
      await rollout(ctx, 'statefulset/db');
      const partitioned = {
        spec: {
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
          template: { spec: { containers: [{ name: 'db', image: image('db', 2) }] } },
        },
      };
      await ctx.kubectl(['patch', 'statefulset/db', '--type=strategic', '-p', JSON.stringify(partitioned)]);
      await rollout(ctx, 'statefulset/db');
    },
  },
  {
    name: 'job',
    story: 'kubectl create job, run to completion',
    async run(ctx) {
      await ctx.kubectl(['create', 'job', 'once', `--image=${image('job', 1)}`]);
      await ctx.kubectl(['wait', '--for=condition=complete', 'job/once', TIMEOUT]);
    },
  },
  {
    name: 'cronjob-runs',
    story:
      "kubectl create job, run to completion; then kubectl create cronjob (every minute) 8 s before a minute: its first run is its Create's, the next two are runs of their own",
    async run(ctx) {
      await ctx.kubectl(['create', 'job', 'once', `--image=${image('job', 1)}`]);
      await ctx.kubectl(['wait', '--for=condition=complete', 'job/once', TIMEOUT]);
      // A Job made within 30 s of its CronJob's create is the Create's; the cronjob-controller
      // makes each at the minute.
      const toMinute = 60_000 - (Date.now() % 60_000);
      await sleep((toMinute - RUN_LEAD_MS + 60_000) % 60_000);
      await ctx.kubectl(['create', 'cronjob', 'tick', `--image=${image('job', 1)}`, '--schedule=* * * * *']);
      // Three runs complete: about two minutes and a half.
      for (let i = 0; ; i++) {
        const jobs = await ctx.kubectl([
          'get',
          'jobs',
          '-o',
          'jsonpath={range .items[*]}{.metadata.name}={.status.succeeded}{"\\n"}{end}',
        ]);
        const done = jobs.split('\n').filter((l) => l.startsWith('tick-') && l.endsWith('=1'));
        if (done.length >= 3) break;
        if (i >= 400) throw new Error(`cronjob-runs: fewer than 3 runs completed:\n${jobs}`);
        await sleep(500);
      }
    },
  },
  {
    name: 'daemonset-node-added',
    story: `DaemonSet on 3 nodes, then Node ${ADDED_NODE} joins and gets its Pod`,
    async run(ctx) {
      await apply(ctx, daemonSet());
      await rollout(ctx, 'daemonset/agent');
      await ctx.kubectl(['apply', '-f', '-'], kwokNode(ADDED_NODE));
      await ctx.kubectl(['wait', '--for=condition=Ready', `node/${ADDED_NODE}`, TIMEOUT]);
      await poll(
        120,
        async () =>
          Number(await ctx.kubectl(['get', 'daemonset/agent', '-o', 'jsonpath={.status.numberReady}'])) >= 4,
      );
      await rollout(ctx, 'daemonset/agent');
    },
    async cleanup(ctx) {
      await ctx.kubectl(['delete', 'node', ADDED_NODE, '--ignore-not-found', '--wait=true', TIMEOUT]);
    },
  },
  {
    name: 'node-notready',
    story: `apply 2 preferring Node ${LOST_NODE}, its kubelet stops (kwok lets go of it): NotReady, the taint manager evicts the Pods, the ReplicaSet replaces them elsewhere; then the Node is deleted`,
    async run(ctx) {
      const onLostNode = await loseNodeWithWeb(ctx, 2);
      // Without a kubelet the evicted Pods stay Terminating; the Pod garbage collector
      // removes them once their Node is gone.
      await ctx.cluster.kubectl(['delete', 'node', LOST_NODE, '--wait=true', TIMEOUT]);
      await poll(60, async () => (await onLostNode('name')).trim() === '');
    },
    cleanup: deleteLostNode,
  },
  {
    name: 'stuck-pods-force-deleted',
    story: `as node-notready, its Pods tolerating the NotReady Node 20 s (more than --settle-ms; 300 s by default), up to the replacements; then the evicted Pods, stuck Terminating on Node ${LOST_NODE}, are force-deleted 5 s later (kubectl delete --force --grace-period=0), as users do`,
    async run(ctx) {
      const onLostNode = await loseNodeWithWeb(ctx, 20);
      await sleep(5000);
      const stuck = (await onLostNode('name')).split(/\s+/).filter((x) => x !== '');
      await ctx.kubectl(['delete', ...stuck, '--force', '--grace-period=0', '--wait=true', TIMEOUT]);
    },
    cleanup: deleteLostNode,
  },
  {
    name: 'three-rollouts',
    story:
      'apply 3, three image changes, each waited for; then restart-after-three-rollouts.jsonl: a new kubetrail (initial list), then a fourth image change',
    async run(ctx) {
      await applyWeb(ctx, 3);
      for (const n of [2, 3, 4]) {
        await setWebImage(ctx, n);
      }
      await sleep(3000);
      await ctx.restartRecording('restart-after-three-rollouts.jsonl');
      await sleep(3000);
      await setWebImage(ctx, 5);
    },
  },
  {
    name: 'thirty-replica-rollout',
    story: 'apply 30 (maxSurge 1, maxUnavailable 0), set image: 60 scaling steps, Events aggregated',
    async run(ctx) {
      await applyWeb(ctx, 30, oneAtATime);
      await setWebImage(ctx, 2);
    },
  },
  {
    name: 'four-image-changes',
    story: 'apply 3, then four image changes in a row, each waited for: 25 scaling steps, Events aggregated',
    async run(ctx) {
      await applyWeb(ctx, 3);
      for (const n of [2, 3, 4, 5]) {
        await setWebImage(ctx, n);
      }
    },
  },
  {
    name: 'five-image-changes',
    story:
      "apply 3, then five image changes in a row, each waited for: 31 scaling steps; client-go sends 25 Events about one object in a burst, so the fifth rollout's steps have none",
    async run(ctx) {
      await applyWeb(ctx, 3);
      for (const n of [2, 3, 4, 5, 6]) {
        await setWebImage(ctx, n);
      }
    },
  },
  {
    name: 'rollout-undo',
    story: 'apply 3, set image, kubectl rollout undo (the old ReplicaSet scaled up again)',
    async run(ctx) {
      await applyWeb(ctx, 3);
      await setWebImage(ctx, 2);
      await ctx.kubectl(['rollout', 'undo', 'deployment/web']);
      await rollout(ctx, 'deployment/web');
    },
  },
  {
    name: 'pod-deleted',
    story: 'apply 2, the user deletes one Pod, the ReplicaSet replaces it',
    async run(ctx) {
      await applyWeb(ctx, 2);
      const pod = (await ctx.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'name'])).split('\n')[0] ?? '';
      await ctx.kubectl(['delete', pod, '--wait=true', TIMEOUT]);
      await rollout(ctx, 'deployment/web');
    },
  },
  {
    name: 'deployment-deleted',
    story:
      'apply 3, then kubectl delete deployment (background, the default): the Deployment is gone at once, the garbage collector deletes its ReplicaSet, then its Pods',
    async run(ctx) {
      await applyWeb(ctx, 3);
      await sleep(2000);
      await ctx.kubectl(['delete', 'deployment/web', '--wait=true', TIMEOUT]);
      await ctx.kubectl(['wait', '--for=delete', 'pod', '-l', 'app=web', TIMEOUT]);
    },
  },
  {
    name: 'namespace-deleted',
    story:
      'apply 3 and a bare Pod, then kubectl delete namespace: the namespace controller deletes the Deployment, its ReplicaSet, its Pods and the bare Pod itself, in an order of its choosing',
    async run(ctx) {
      await applyWeb(ctx, 3);
      await ctx.kubectl(['run', 'solo', `--image=${image('solo', 1)}`, '--restart=Never']);
      await ctx.kubectl(['wait', '--for=condition=Ready', 'pod/solo', TIMEOUT]);
      await sleep(2000);
      await ctx.cluster.kubectl(['delete', 'namespace', ctx.ns, '--wait=true', TIMEOUT]);
    },
  },
];
