/**
 * The live ingest path alone, without a cluster: a child process serves the
 * synthetic cluster recording as an apiserver would (discovery, empty lists,
 * chunked watch streams of `{"type","object"}` frames), and this process runs
 * the real HttpKubeTransport, reflectors and LiveSource against it on loopback.
 * It reports the CPU the ingest path spends per delta (HTTP, line splitting,
 * frame parsing, the reflector's bookkeeping; `onDelta` only counts) next to
 * JSON.parse of the same lines alone, which is where the offline bench starts.
 *
 *   node dist/test/bench/ingest-bench.js [--deployments N] [--seed N] [--burst N]
 *
 * `--burst` is how many frames the server writes at once (default 1: each frame
 * is its own chunk, as a quiet apiserver sends them; a large burst lets TCP
 * coalesce them, as a busy one does). The last line is a JSON object.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { HttpKubeTransport } from '../../src/sources/kube/kube-transport.js';
import { LiveSource } from '../../src/sources/kube/live-source.js';
import { DEFAULT_RESOURCES } from '../../src/sources/kube/resources.js';
import { generateClusterRecording } from './cluster-generator.js';

const { values } = parseArgs({
  options: {
    deployments: { type: 'string', default: '400' },
    seed: { type: 'string', default: '42' },
    burst: { type: 'string', default: '1' },
    serve: { type: 'boolean', default: false },
  },
});
const deployments = Number(values.deployments);
const seed = Number(values.seed);
const burst = Number(values.burst);
for (const [k, v] of Object.entries({ deployments, seed, burst })) {
  if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`--${k} must be a non-negative integer`);
}
if (burst < 1) throw new TypeError('--burst must be at least 1');

/** The collection path that serves objects of a kind, as the default resource set watches them. */
function pathOf(kind: string, apiVersion: string): string {
  switch (kind) {
    case 'Pod':
      return '/api/v1/pods';
    case 'Node':
      return '/api/v1/nodes';
    case 'Event':
      return apiVersion === 'v1' ? '/api/v1/events' : '/apis/events.k8s.io/v1/events';
    case 'Job':
    case 'CronJob':
      return `/apis/batch/v1/${kind.toLowerCase()}s`;
    default:
      return `/apis/apps/v1/${kind.toLowerCase()}s`;
  }
}

/** Watch frames per collection path, in recording order. */
function framesByPath(lines: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of lines) {
    const d = JSON.parse(line) as { type: string; object: { kind: string; apiVersion: string } };
    const path = pathOf(d.object.kind, d.object.apiVersion);
    const list = out.get(path) ?? [];
    if (list.length === 0) out.set(path, list);
    list.push(`${JSON.stringify({ type: d.type, object: d.object })}\n`);
  }
  return out;
}

/** The fake apiserver: serves every collection's frames once all watches are open. */
async function serve(): Promise<void> {
  const frames = framesByPath(generateClusterRecording({ deployments, seed }).lines);
  const waiting = new Map<string, ServerResponse>();
  const write = async (res: ServerResponse, list: readonly string[]): Promise<void> => {
    for (let i = 0; i < list.length; i += burst) {
      const ok = res.write(list.slice(i, i + burst).join(''));
      if (!ok) await new Promise((resolve) => res.once('drain', resolve));
      else if (burst === 1) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    res.setHeader('Content-Type', 'application/json');
    if (path === '/apis/events.k8s.io/v1') {
      res.end(JSON.stringify({ resources: [{ name: 'events', namespaced: true, verbs: ['watch'] }] }));
      return;
    }
    if (url.searchParams.get('watch') !== 'true') {
      res.end(
        JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }),
      );
      return;
    }
    res.writeHead(200);
    res.flushHeaders();
    // Only the first watch of a path gets the frames; a resumed one stays open and quiet.
    if (url.searchParams.get('resourceVersion') !== '1' || !frames.has(path)) return;
    waiting.set(path, res);
    if (waiting.size === frames.size) {
      for (const [p, r] of waiting) void write(r, frames.get(p) ?? []);
    }
  });
  server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    process.send?.({ port: typeof addr === 'object' && addr ? addr.port : 0 });
  });
  process.on('disconnect', () => process.exit(0));
}

/** CPU seconds of this process since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(from);
  return (u.user + u.system) / 1e6;
}

async function measure(): Promise<void> {
  const lines = generateClusterRecording({ deployments, seed }).lines;
  let bytes = 0;
  for (const l of lines) bytes += l.length;

  // The offline floor: JSON.parse of the same lines, best of two.
  let floor = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 2; run++) {
    const c = process.cpuUsage();
    let n = 0;
    for (const l of lines) if (JSON.parse(l) !== null) n++;
    if (n !== lines.length) throw new Error('lost lines');
    floor = Math.min(floor, cpuSince(c));
  }

  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [...process.argv.slice(2), '--serve'], {
    stdio: 'inherit',
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'bench', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'bench' }],
    contexts: [{ name: 'bench', cluster: 'bench', user: 'bench' }],
    currentContext: 'bench',
  });
  let received = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const source = new LiveSource({
    transport: new HttpKubeTransport(kc, { userAgent: 'kubetrail-bench' }),
    resources: DEFAULT_RESOURCES,
    onDelta: () => {
      received += 1;
      if (received === lines.length) done();
    },
  });
  const start = process.cpuUsage();
  const wallStart = performance.now();
  await source.start();
  await all;
  const cpu = cpuSince(start);
  const wall = (performance.now() - wallStart) / 1000;
  await source.stop();
  child.disconnect();

  const us = (s: number): string => ((s / lines.length) * 1e6).toFixed(1);
  console.log(
    `${lines.length.toLocaleString('en-US')} deltas, ${(bytes / 2 ** 20).toFixed(0)} MiB, burst ${burst}: ` +
      `ingest ${us(cpu)} µs CPU per delta (${cpu.toFixed(2)} s CPU in ${wall.toFixed(2)} s); ` +
      `JSON.parse alone ${us(floor)} µs; ratio ${(cpu / floor).toFixed(2)}`,
  );
  console.log(
    JSON.stringify({
      deltas: lines.length,
      bytes,
      burst,
      ingestCpuSeconds: Number(cpu.toFixed(3)),
      ingestMicrosPerDelta: Number(us(cpu)),
      parseMicrosPerDelta: Number(us(floor)),
      ratio: Number((cpu / floor).toFixed(2)),
    }),
  );
}

if (values.serve) await serve();
else await measure();
