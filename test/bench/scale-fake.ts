/**
 * kubetrail at full scale without a full cluster: a child process serves a
 * cluster of Nodes, Deployments, ReplicaSets and Pods shaped like the real
 * apiserver's (cloned from objects recorded on the local control plane, with
 * their managedFields and status), paged as the apiserver pages them, then
 * keeps the watches open and, on cue, streams Pod MODIFIED frames at a fixed
 * rate. The real CLI (`dist/src/cli/main.js`, exporting OTLP/gRPC to a
 * receiver in the same child that keeps the bytes, or with `--exporter json`
 * OTLP-JSON to /dev/null) runs against it on loopback; its time to ready, RSS and CPU per
 * delta are read from /proc. What this leaves out: the apiserver's own speed
 * (kwok runs of scale-bench.ts measure it) and Events.
 *
 *   node dist/test/bench/scale-fake.js [--pods 10000,50000,150000] [--nodes 5000]
 *     [--churn 20000] [--rate 2000] [--quiet-seconds 10] [--exporter otlp|json] [--profile-dir DIR]
 *
 * `--profile-dir` runs kubetrail under `node --cpu-prof`, writing there.
 *
 * The last line is a JSON object.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { repoRoot } from '../cluster/cluster.js';
import { freePort } from '../e2e/kubetrail-process.js';
import { startRawOtlpServer } from '../sources/tap/raw-otlp-server.js';
import { mib, procSample } from './proc-stats.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000,50000,150000' },
    nodes: { type: 'string', default: '5000' },
    churn: { type: 'string', default: '20000' },
    rate: { type: 'string', default: '2000' },
    'quiet-seconds': { type: 'string', default: '10' },
    'profile-dir': { type: 'string' },
    exporter: { type: 'string', default: 'otlp' },
    serve: { type: 'string' },
  },
});
const sizes = (values.pods ?? '').split(',').map(Number);
const nodes = Number(values.nodes);
const churn = Number(values.churn);
const rate = Number(values.rate);
const quietSeconds = Number(values['quiet-seconds']);
for (const [k, v] of Object.entries({ nodes, churn, rate, quietSeconds })) {
  if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`--${k} must be a non-negative integer`);
}
if (sizes.some((s) => !Number.isSafeInteger(s) || s < 50))
  throw new TypeError('--pods must list integers ≥ 50');

const PER_DEPLOYMENT = 50;
const NAMESPACES = 50;
const PAGE = 500;
type Json = Record<string, unknown>;

/** The last state of each kind in a recording of the real control plane, Pods running and not deleted. */
function templates(): Record<'Pod' | 'Node' | 'ReplicaSet' | 'Deployment', Json> {
  const text = readFileSync(join(repoRoot, 'test/fixtures/live/deployment-rollout.jsonl'), 'utf8');
  const out: Record<string, Json> = {};
  for (const line of text.split('\n')) {
    if (!line) continue;
    const o = (JSON.parse(line) as { object: Json }).object;
    const meta = o.metadata as Json;
    if (meta.deletionTimestamp !== undefined) continue;
    out[o.kind as string] = o;
  }
  for (const k of ['Pod', 'Node', 'ReplicaSet', 'Deployment'])
    if (!out[k]) throw new Error(`the recording has no ${k} to clone`);
  return out as Record<'Pod' | 'Node' | 'ReplicaSet' | 'Deployment', Json>;
}

const uid = (prefix: string, i: number): string =>
  `00000000-0000-4000-${prefix}-${i.toString(16).padStart(12, '0')}`;

/** The fake apiserver for `pods` Pods and `nodeCount` Nodes. */
async function serve(pods: number, nodeCount: number): Promise<void> {
  const otlp = await startRawOtlpServer(0);
  // Only the count matters here: drop the bytes as they come.
  setInterval(() => otlp.requests.splice(0), 1000).unref();
  const t = templates();
  const deployments = Math.ceil(pods / PER_DEPLOYMENT);
  let rv = 1000;
  const clone = (tpl: Json, meta: Json, extra: Json = {}): Json => ({
    ...tpl,
    ...extra,
    metadata: { ...(tpl.metadata as Json), ...meta, resourceVersion: String(rv) },
  });
  const deployment = (i: number): Json =>
    clone(t.Deployment, { name: `app-${i}`, namespace: `ns-${i % NAMESPACES}`, uid: uid('8000', i) });
  const replicaSet = (i: number): Json =>
    clone(t.ReplicaSet, {
      name: `app-${i}-5d567cc74c`,
      namespace: `ns-${i % NAMESPACES}`,
      uid: uid('9000', i),
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: `app-${i}`,
          uid: uid('8000', i),
          controller: true,
        },
      ],
    });
  const pod = (j: number): Json => {
    const d = Math.floor(j / PER_DEPLOYMENT);
    return clone(
      t.Pod,
      {
        name: `app-${d}-5d567cc74c-${j.toString(36)}`,
        generateName: `app-${d}-5d567cc74c-`,
        namespace: `ns-${d % NAMESPACES}`,
        uid: uid('a000', j),
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `app-${d}-5d567cc74c`,
            uid: uid('9000', d),
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      { spec: { ...(t.Pod.spec as Json), nodeName: `node-${j % Math.max(1, nodeCount)}` } },
    );
  };
  const node = (k: number): Json => clone(t.Node, { name: `node-${k}`, uid: uid('b000', k) });
  const collections: Record<string, { kind: string; count: number; make: (i: number) => Json }> = {
    '/api/v1/pods': { kind: 'PodList', count: pods, make: pod },
    '/api/v1/nodes': { kind: 'NodeList', count: nodeCount, make: node },
    '/apis/apps/v1/replicasets': { kind: 'ReplicaSetList', count: deployments, make: replicaSet },
    '/apis/apps/v1/deployments': { kind: 'DeploymentList', count: deployments, make: deployment },
  };
  const watches: ServerResponse[] = [];
  let podWatch: ServerResponse | undefined;

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    res.setHeader('Content-Type', 'application/json');
    if (path === '/apis/events.k8s.io/v1') {
      res.end(JSON.stringify({ resources: [{ name: 'events', namespaced: true, verbs: ['watch'] }] }));
      return;
    }
    const c = collections[path];
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200);
      res.flushHeaders();
      watches.push(res);
      if (path === '/api/v1/pods') podWatch = res;
      return;
    }
    if (!path.startsWith('/api/v1/') && !path.startsWith('/apis/')) {
      res.statusCode = 404;
      res.end('{"kind":"Status","code":404}');
      return;
    }
    if (path.startsWith('/api/v1/namespaces/')) {
      res.statusCode = 404;
      res.end('{"kind":"Status","code":404}');
      return;
    }
    const from = Number(url.searchParams.get('continue') || '0');
    const limit = Number(url.searchParams.get('limit') || '500') || PAGE;
    const count = c?.count ?? 0;
    const to = Math.min(count, from + limit);
    const items: string[] = [];
    for (let i = from; i < to; i++) items.push(JSON.stringify(c?.make(i)));
    const meta = { resourceVersion: String(rv), ...(to < count ? { continue: String(to) } : {}) };
    res.end(
      `{"kind":"${c?.kind ?? 'List'}","apiVersion":"v1","metadata":${JSON.stringify(meta)},"items":[${items.join(',')}]}`,
    );
  });
  // Bookmarks keep quiet watches clear of the stall watchdog.
  setInterval(() => {
    for (const w of watches)
      if (!w.destroyed) w.write(`{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"${rv}"}}}\n`);
  }, 30_000).unref();

  process.on('message', (m: { churn: number; rate: number }) => {
    // MODIFIED Pods at `rate` per second, each a new resourceVersion of an existing Pod.
    let sent = 0;
    const perTick = Math.max(1, Math.round(m.rate / 100));
    const timer = setInterval(() => {
      const frames: string[] = [];
      for (let i = 0; i < perTick && sent < m.churn; i++, sent++) {
        rv += 1;
        frames.push(`{"type":"MODIFIED","object":${JSON.stringify(pod((sent * 7919) % pods))}}\n`);
      }
      podWatch?.write(frames.join(''));
      if (sent >= m.churn) {
        clearInterval(timer);
        process.send?.({ churned: sent });
      }
    }, 10);
  });
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0, otlpPort: otlp.port });
  });
  process.on('disconnect', () => process.exit(0));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The sum of a metric's samples whose labels contain `labels`, from a Prometheus text page. */
function metric(text: string, name: string, labels = ''): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (m?.[1] === name && (m[2] ?? '').includes(labels)) sum += Number(m[3]);
  }
  return sum;
}

interface Figures {
  pods: number;
  nodes: number;
  readySeconds: number;
  readyCpuSeconds: number;
  readyRssBytes: number;
  quietRssBytes: number;
  quietCpuPerMinute: number;
  peakRssBytes: number;
  churnDeltas: number;
  churnMicrosPerDelta: number;
  afterChurnRssBytes: number;
}

async function measure(pods: number, nodeCount: number): Promise<Figures> {
  const server: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve', `${pods},${nodeCount}`], {
    stdio: 'inherit',
  });
  const { port, otlpPort } = await new Promise<{ port: number; otlpPort: number }>((resolve, reject) => {
    server.once('message', (m) => resolve(m as { port: number; otlpPort: number }));
    server.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const kubeconfig = join(tmpdir(), `kubetrail-scale-fake-${process.pid}.yaml`);
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters: [{name: fake, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\n` +
      'users: [{name: fake, user: {}}]\ncontexts: [{name: fake, context: {cluster: fake, user: fake}}]\ncurrent-context: fake\n',
  );
  const metricsPort = await freePort();
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  const spawned = performance.now();
  const kt = spawn(
    process.execPath,
    [
      // Node refuses --cpu-prof in NODE_OPTIONS: it goes on the command line.
      ...(values['profile-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${values['profile-dir']}`] : []),
      join(repoRoot, 'dist/src/cli/main.js'),
      '--kubeconfig',
      kubeconfig,
      '--metrics-addr',
      `127.0.0.1:${metricsPort}`,
      ...(values.exporter === 'json'
        ? ['--exporter', 'json', '--output', '/dev/null']
        : ['--exporter', 'otlp', '--endpoint', `http://127.0.0.1:${otlpPort}`]),
      '--log-level',
      'warn',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const pid = kt.pid ?? 0;
  for (;;) {
    if (kt.exitCode !== null) throw new Error(`kubetrail exited ${kt.exitCode}`);
    const res = await fetch(`${metricsUrl}/readyz`).catch(() => undefined);
    if (res?.ok) break;
    await sleep(100);
  }
  const readySeconds = (performance.now() - spawned) / 1000;
  const ready = procSample(pid);
  await sleep(quietSeconds * 1000);
  const quiet = procSample(pid);
  const page = async (): Promise<string> => (await fetch(`${metricsUrl}/metrics`)).text();
  const live = (text: string): number =>
    metric(text, 'kubetrail_deltas_total') - metric(text, 'kubetrail_deltas_total', 'type="INITIAL"');
  const before = live(await page());
  const churned = new Promise((resolve) => server.once('message', resolve));
  server.send({ churn, rate });
  await churned;
  await sleep(2000);
  const after = procSample(pid);
  const churnDeltas = live(await page()) - before;
  kt.kill('SIGTERM');
  await new Promise((resolve) => kt.once('exit', resolve));
  server.disconnect();
  rmSync(kubeconfig, { force: true });
  const f: Figures = {
    pods,
    nodes: nodeCount,
    readySeconds,
    readyCpuSeconds: ready.cpuSeconds,
    readyRssBytes: ready.rssBytes,
    quietRssBytes: quiet.rssBytes,
    quietCpuPerMinute: ((quiet.cpuSeconds - ready.cpuSeconds) / Math.max(1, quietSeconds)) * 60,
    peakRssBytes: after.peakRssBytes,
    churnDeltas,
    churnMicrosPerDelta: ((after.cpuSeconds - quiet.cpuSeconds) / Math.max(1, churnDeltas)) * 1e6,
    afterChurnRssBytes: after.rssBytes,
  };
  console.log(
    `${pods} Pods, ${nodeCount} Nodes: ready in ${readySeconds.toFixed(1)} s (${ready.cpuSeconds.toFixed(1)} s CPU); ` +
      `RSS ${mib(f.readyRssBytes)} MiB at ready, ${mib(f.quietRssBytes)} MiB quiet, ${mib(f.peakRssBytes)} MiB peak, ` +
      `${mib(f.afterChurnRssBytes)} MiB after churn; quiet ${f.quietCpuPerMinute.toFixed(2)} s CPU per minute; churn ${churnDeltas} deltas at ${rate}/s, ${f.churnMicrosPerDelta.toFixed(0)} µs CPU per delta`,
  );
  return f;
}

if (values.serve) {
  const [p, n] = values.serve.split(',').map(Number);
  await serve(p ?? 0, n ?? 0);
} else {
  const figures: Figures[] = [];
  for (const pods of sizes)
    figures.push(await measure(pods, Math.min(nodes, Math.max(100, Math.round(pods / 30)))));
  console.log(JSON.stringify({ rate, churn, figures }));
}
