/**
 * Scale, measured on the local control plane: kwok fake Nodes and Pods (as
 * Deployments of 50 replicas) at one or more sizes; at each, a fresh kubetrail
 * is started and measured — time to ready (discovery, the initial lists, the
 * graph filled), RSS at ready and after a quiet spell (with the objects held and the V8 heap then), then CPU per delta while
 * some Deployments roll out a new image, and RSS after that churn — and a
 * projection from the slopes between sizes is printed. The stack must be up
 * (`npm run cluster:up`, under the cluster lock):
 *
 *   node dist/test/bench/scale-bench.js [--nodes 100] [--pods 2000,5000] [--churn 10] [--quiet-seconds 15]
 *     [--profile-dir DIR]
 *
 * `--profile-dir` profiles the first size's kubetrail (see cpu-profile.ts; about 2 % of its CPU).
 *
 * The last line is a JSON object with every size's figures.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureCluster, type LocalCluster, repoRoot } from '../cluster/cluster.js';
import { type KubetrailProcess, startKubetrail } from '../e2e/kubetrail-process.js';
import { createNamespace, deployment } from '../e2e/workloads.js';
import { mib, procSample } from './proc-stats.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    pods: { type: 'string', default: '2000,5000' },
    churn: { type: 'string', default: '10' },
    'quiet-seconds': { type: 'string', default: '15' },
    'settle-seconds': { type: 'string', default: '12' },
    'profile-dir': { type: 'string' },
  },
});
const REPLICAS = 50;
const nodes = Number(values.nodes);
const sizes = (values.pods ?? '').split(',').map(Number);
const churn = Number(values.churn);
const quietSeconds = Number(values['quiet-seconds']);
const settleSeconds = Number(values['settle-seconds']);
for (const [k, v] of Object.entries({ nodes, churn, quietSeconds, settleSeconds })) {
  if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`--${k} must be a non-negative integer`);
}
if (sizes.some((s) => !Number.isSafeInteger(s) || s < REPLICAS || s % REPLICAS !== 0))
  throw new TypeError(`--pods must list multiples of ${REPLICAS}, e.g. 2000,5000`);

const OTLP = 'http://127.0.0.1:4317';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const log = (s: string): void => console.log(`# ${new Date().toISOString().slice(11, 19)} ${s}`);
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

/** kwok fake Nodes `scale-node-0..n-1`, Ready. */
async function createNodes(cluster: LocalCluster, n: number): Promise<void> {
  const items = Array.from({ length: n }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `scale-node-${i}`,
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'kubernetes.io/hostname': `scale-node-${i}`,
        'kubernetes.io/os': 'linux',
        type: 'kwok-scale',
      },
    },
    spec: {},
  }));
  await cluster.kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  await cluster.kubectl(['wait', '--for=condition=Ready', 'node', '-l', 'type=kwok-scale', '--timeout=600s']);
}

/** Adds Deployments of 50 replicas until `pods` Pods exist, and waits until all are available. */
async function growTo(cluster: LocalCluster, ns: string, from: number, pods: number): Promise<void> {
  const names: string[] = [];
  for (let i = from / REPLICAS; i < pods / REPLICAS; i++) names.push(`scale-${i}`);
  if (names.length === 0) return;
  const items = names.map((n) => JSON.parse(deployment(n, REPLICAS)) as unknown);
  await cluster.kubectl(
    ['apply', '-n', ns, '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
  for (const n of names)
    await cluster.kubectl(['rollout', 'status', `deployment/${n}`, '-n', ns, '--timeout=900s']);
}

async function liveDeltas(kt: KubetrailProcess): Promise<number> {
  return (
    (await kt.metric('kubetrail_deltas_total')) -
    (await kt.metric('kubetrail_deltas_total', 'type="INITIAL"'))
  );
}

interface SizeFigures {
  pods: number;
  objects: number;
  readySeconds: number;
  readyRssBytes: number;
  quietRssBytes: number;
  /** V8 heap in use after the quiet spell (`kubetrail_nodejs_heap_size_used_bytes`). */
  quietHeapBytes: number;
  peakRssBytes: number;
  churnDeltas: number;
  churnCpuSeconds: number;
  churnMicrosPerDelta: number;
  afterChurnRssBytes: number;
  loadAverage: string;
}

/** A fresh kubetrail against the cluster as it is: ready time, RSS, CPU per delta while `churn` Deployments roll. */
async function measure(
  cluster: LocalCluster,
  ns: string,
  pods: number,
  image: string,
  profileDir: string | undefined,
): Promise<SizeFigures> {
  const profile = profileDir
    ? {
        NODE_OPTIONS: `--import=${join(repoRoot, 'dist/test/bench/cpu-profile.js')}`,
        KUBETRAIL_PROFILE_DIR: profileDir,
      }
    : {};
  const spawned = performance.now();
  const kt = await startKubetrail(cluster, [], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: OTLP, ...profile } });
  const readySeconds = (performance.now() - spawned) / 1000;
  const pid = kt.child.pid ?? 0;
  const ready = procSample(pid);
  await sleep(quietSeconds * 1000);
  const quiet = procSample(pid);
  // After the quiet spell: the engine applies a delta seconds after it is observed, so at
  // ready the graph holds only part of the initial lists.
  const objects = await kt.metric('kubetrail_buffer_size', 'buffer="objects"').catch(() => 0);
  const quietHeapBytes = await kt.metric('kubetrail_nodejs_heap_size_used_bytes').catch(() => 0);
  const deltas0 = await liveDeltas(kt);
  const names = Array.from({ length: Math.min(churn, pods / REPLICAS) }, (_, i) => `scale-${i}`);
  for (const n of names) await cluster.kubectl(['set', 'image', `deployment/${n}`, `app=${image}`, '-n', ns]);
  for (const n of names)
    await cluster.kubectl(['rollout', 'status', `deployment/${n}`, '-n', ns, '--timeout=900s']);
  await sleep(settleSeconds * 1000);
  const after = procSample(pid);
  const churnDeltas = (await liveDeltas(kt)) - deltas0;
  await kt.stop();
  const churnCpuSeconds = after.cpuSeconds - quiet.cpuSeconds;
  const f: SizeFigures = {
    pods,
    objects,
    readySeconds,
    readyRssBytes: ready.rssBytes,
    quietRssBytes: quiet.rssBytes,
    quietHeapBytes,
    peakRssBytes: after.peakRssBytes,
    churnDeltas,
    churnCpuSeconds,
    churnMicrosPerDelta: (churnCpuSeconds / Math.max(1, churnDeltas)) * 1e6,
    afterChurnRssBytes: after.rssBytes,
    loadAverage: load(),
  };
  log(
    `${pods} Pods (${objects} objects held): ready in ${readySeconds.toFixed(1)} s, RSS ${mib(f.readyRssBytes)} MiB at ready, ` +
      `${mib(f.quietRssBytes)} MiB quiet (heap ${mib(f.quietHeapBytes)} MiB), ${mib(f.peakRssBytes)} MiB peak, ${mib(f.afterChurnRssBytes)} MiB after churn; ` +
      `churn ${churnDeltas} deltas, ${churnCpuSeconds.toFixed(2)} s CPU, ${f.churnMicrosPerDelta.toFixed(0)} µs per delta; load ${f.loadAverage}`,
  );
  return f;
}

const cluster = await ensureCluster();
log(`load average ${load()}; ${nodes} Nodes, Pods at ${sizes.join(', ')}`);
let t = performance.now();
await createNodes(cluster, nodes);
log(`${nodes} Nodes Ready in ${((performance.now() - t) / 1000).toFixed(0)} s`);
const ns = await createNamespace(cluster, `scale-${Date.now().toString(36)}`);
const figures: SizeFigures[] = [];
let have = 0;
for (const [i, pods] of sizes.entries()) {
  t = performance.now();
  await growTo(cluster, ns, have, pods);
  log(`${pods} Pods available (${pods - have} created in ${((performance.now() - t) / 1000).toFixed(0)} s)`);
  have = pods;
  figures.push(
    await measure(
      cluster,
      ns,
      pods,
      `kubetrail.invalid/web:${i + 2}`,
      i === 0 ? values['profile-dir'] : undefined,
    ),
  );
}

// The projection: straight lines through the two largest sizes.
const a = figures.at(-2);
const b = figures.at(-1);
if (a && b && b.pods > a.pods) {
  const perPod = (x: number, y: number): number => (y - x) / (b.pods - a.pods);
  const rssSlope = perPod(a.quietRssBytes, b.quietRssBytes);
  const readySlope = perPod(a.readySeconds, b.readySeconds);
  const target = 150_000 + 5_000; // Pods plus Nodes, each one object in the graph
  const have = b.pods + nodes;
  console.log(
    `slopes between ${a.pods} and ${b.pods} Pods: ${(rssSlope / 1024).toFixed(2)} KiB RSS and ${(readySlope * 1000).toFixed(2)} ms to ready per Pod`,
  );
  const ready =
    readySlope > 0
      ? `ready in ${(b.readySeconds + readySlope * (target - have)).toFixed(0)} s`
      : 'no time to ready projected: it did not grow between the sizes (the machine’s load varied more)';
  console.log(
    `projected at 5,000 Nodes and 150,000 Pods: RSS ${mib(b.quietRssBytes + rssSlope * (target - have))} MiB quiet; ${ready}`,
  );
}
const cpd = Math.max(...figures.map((f) => f.churnMicrosPerDelta));
console.log(
  `single-replica ceiling at the worst measured CPU per delta (${cpd.toFixed(0)} µs): ${Math.round(1e6 / cpd)} deltas/s on one core`,
);
console.log(JSON.stringify({ nodes, figures }));
