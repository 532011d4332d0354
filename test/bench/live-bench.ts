/**
 * The live benchmark: kubetrail (and, when given, kspan) watching the local
 * control plane while a workload runs — N Deployments × R replicas created,
 * their image set, then deleted — and the CPU and memory of each process read
 * from /proc, as ratios within one run (the machine is shared and noisy):
 *
 * - kubetrail CPU / kube-apiserver CPU over the workload;
 * - kubetrail CPU per delta live, against the offline pipeline's CPU per delta
 *   on the same kind of deltas (a calibration pass records the workload with
 *   `--record`; the offline figure replays that recording in this process);
 * - kubetrail / kspan CPU and peak RSS, both running at once;
 * - kubetrail's idle RSS and its time to ready.
 *
 * It fetches nothing: kspan is a binary or a source directory passed with
 * `--kspan` (or `KSPAN`), built with `go build` when it is a directory.
 * The stack must be up (`npm run cluster:up`, under the cluster lock):
 *
 *   node dist/test/bench/live-bench.js [--deployments 10] [--replicas 30] [--kspan DIR|BIN]
 *     [--no-calibrate] [--idle-seconds 15] [--settle-seconds 12] [--profile-dir DIR]
 *
 * `--profile-dir` writes a CPU profile of the measured kubetrail there (see
 * cpu-profile.ts), for where its JavaScript time goes; the profiler's own
 * cost then inflates kubetrail's CPU figures (to about 2.8 times here), so
 * compare those only between runs without it.
 *
 * The last line is a JSON object.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TraceEngine } from '../../src/assembly/trace-engine.js';
import { OtlpJsonEncoder } from '../../src/export/otlp-json-encoder.js';
import { ManualClock } from '../../src/model/clock.js';
import { JsonLinesParser } from '../../src/sources/recording/json-lines.js';
import { ensureCluster, eventually, type LocalCluster, repoRoot } from '../cluster/cluster.js';
import { type KubetrailProcess, startKubetrail } from '../e2e/kubetrail-process.js';
import { createNamespace, deployment } from '../e2e/workloads.js';
import { mib, type ProcSample, procSample } from './proc-stats.js';

const { values } = parseArgs({
  options: {
    deployments: { type: 'string', default: '10' },
    replicas: { type: 'string', default: '30' },
    kspan: { type: 'string' },
    'no-calibrate': { type: 'boolean', default: false },
    'idle-seconds': { type: 'string', default: '15' },
    'settle-seconds': { type: 'string', default: '12' },
    'profile-dir': { type: 'string' },
  },
});
const deployments = Number(values.deployments);
const replicas = Number(values.replicas);
const idleSeconds = Number(values['idle-seconds']);
const settleSeconds = Number(values['settle-seconds']);
for (const [k, v] of Object.entries({ deployments, replicas, idleSeconds, settleSeconds })) {
  if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`--${k} must be a non-negative integer`);
}
const OTLP = 'http://127.0.0.1:4317';
const IMAGE_2 = 'kubetrail.invalid/web:2';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const log = (s: string): void => console.log(`# ${new Date().toISOString().slice(11, 19)} ${s}`);

/** kspan's binary: the path itself, or built from a source directory into DIR/bin/kspan. */
function kspanBinary(path: string): string {
  if (!existsSync(path)) throw new Error(`--kspan ${path}: no such file or directory`);
  if (!statSync(path).isDirectory()) return path;
  const bin = join(path, 'bin', 'kspan');
  if (!existsSync(bin)) {
    log(`building kspan from ${path}`);
    execFileSync('go', ['build', '-o', bin, '.'], {
      cwd: path,
      stdio: 'inherit',
      env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' },
    });
  }
  return bin;
}

/** Starts kspan against the cluster, exporting to the local OTLP endpoint; resolves once its controller runs. */
async function startKspan(bin: string, cluster: LocalCluster): Promise<ChildProcess> {
  const child = spawn(bin, ['--metrics-addr=0', '--otlp-addr=127.0.0.1:4317'], {
    env: { ...cluster.env, KUBECONFIG: cluster.kubeconfig },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const s of [child.stdout, child.stderr]) s?.on('data', (b: Buffer) => (output += b.toString()));
  await eventually('kspan to start its controller', 60_000, async () => {
    if (child.exitCode !== null) throw new Error(`kspan exited ${child.exitCode}:\n${output.slice(-2000)}`);
    return /Starting workers/.test(output) ? true : undefined;
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Non-initial deltas kubetrail has taken from its watches. */
async function liveDeltas(kt: KubetrailProcess): Promise<number> {
  return (
    (await kt.metric('kubetrail_deltas_total')) -
    (await kt.metric('kubetrail_deltas_total', 'type="INITIAL"'))
  );
}

/** The workload: create, wait until available; set image, wait for the rollouts; delete, wait until the Pods are gone. */
async function workload(cluster: LocalCluster, ns: string): Promise<void> {
  const names = Array.from({ length: deployments }, (_, i) => `bench-${i}`);
  const items = names.map((n) => JSON.parse(deployment(n, replicas)) as unknown);
  const rollouts = async (): Promise<void> => {
    for (const n of names)
      await cluster.kubectl(['rollout', 'status', `deployment/${n}`, '-n', ns, '--timeout=600s']);
  };
  await cluster.kubectl(
    ['apply', '-n', ns, '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items }),
  );
  await rollouts();
  log(`created ${deployments} × ${replicas}`);
  await cluster.kubectl(['set', 'image', 'deployment', '--all', `app=${IMAGE_2}`, '-n', ns]);
  await rollouts();
  log('image set, rolled out');
  await cluster.kubectl(['delete', 'deployment', '--all', '-n', ns, '--wait=true']);
  await cluster.kubectl(['wait', '--for=delete', 'pod', '--all', '-n', ns, '--timeout=600s']);
  log('deleted');
}

/** CPU per delta of the offline pipeline (the bench's: parse → engine → OTLP-JSON) over a recording's live deltas. */
function offlineMicrosPerDelta(file: string): { micros: number; deltas: number } {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  let best = Number.POSITIVE_INFINITY;
  let counted = 0;
  // Best of three: the live process is warm too.
  for (let run = 0; run < 3; run++) {
    const clock = new ManualClock();
    const engine = new TraceEngine({ clock });
    const parser = new JsonLinesParser('calibration');
    const encoder = new OtlpJsonEncoder({ scopeVersion: 'bench' });
    let cpu = 0;
    counted = 0;
    for (const line of lines) {
      const initial = line.includes('"initial":true');
      const start = initial ? undefined : process.cpuUsage();
      const delta = parser.parseLine(line);
      if (delta === undefined) continue;
      clock.advanceTo(delta.time);
      engine.apply(delta);
      const out = engine.tick();
      if (out.length > 0) encoder.encodeTraces(out);
      if (start !== undefined) {
        const u = process.cpuUsage(start);
        cpu += u.user + u.system;
        counted += 1;
      }
    }
    const flushed = engine.flush();
    if (flushed.length > 0) encoder.encodeTraces(flushed);
    best = Math.min(best, cpu / Math.max(1, counted));
  }
  return { micros: best, deltas: counted };
}

const cluster = await ensureCluster();
const state = cluster.env.KUBETRAIL_CLUSTER_STATE ?? join(repoRoot, '.cluster');
const apiserverPid = Number(readFileSync(join(state, 'pids/kube-apiserver.pid'), 'utf8').trim());
const kspanPath = values.kspan ?? process.env.KSPAN;
const kspanBin = kspanPath ? kspanBinary(kspanPath) : undefined;
const run = Date.now().toString(36);
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
log(`load average ${load()}; workload ${deployments} Deployments × ${replicas} replicas`);

// Pass 1, calibration: the same workload, recorded, for the offline CPU per delta on the same kind of deltas.
let offline: { micros: number; deltas: number } | undefined;
if (!values['no-calibrate']) {
  const file = join(tmpdir(), `kubetrail-live-bench-${run}.jsonl`);
  const kt = await startKubetrail(cluster, ['--record', file], {
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: OTLP },
  });
  const ns = await createNamespace(cluster, `bench-cal-${run}`);
  await workload(cluster, ns);
  await sleep(settleSeconds * 1000);
  await kt.stop();
  offline = offlineMicrosPerDelta(file);
  rmSync(file, { force: true });
  log(
    `calibration: offline pipeline ${offline.micros.toFixed(1)} µs CPU per delta over ${offline.deltas} live deltas`,
  );
  // Waited for: its Events' deletions would otherwise land in the measured pass's idle figures.
  await cluster.kubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=300s']);
}

// Pass 2, measured: kubetrail and kspan at once.
const spawned = performance.now();
const profileDir = values['profile-dir'];
const profile = profileDir
  ? {
      NODE_OPTIONS: `--import=${join(repoRoot, 'dist/test/bench/cpu-profile.js')}`,
      KUBETRAIL_PROFILE_DIR: profileDir,
    }
  : {};
const kt = await startKubetrail(cluster, [], { env: { OTEL_EXPORTER_OTLP_ENDPOINT: OTLP, ...profile } });
const readySeconds = (performance.now() - spawned) / 1000;
const ktPid = kt.child.pid ?? 0;
const ks = kspanBin ? await startKspan(kspanBin, cluster) : undefined;
const idleFrom = procSample(ktPid);
// RSS every 5 s of the idle spell: right after ready it still holds the initial lists' garbage.
const idleSeries: string[] = [];
for (let s = 5; s <= idleSeconds; s += 5) {
  await sleep(5000);
  idleSeries.push(`${s} s ${mib(procSample(ktPid).rssBytes)}`);
}
await sleep((idleSeconds % 5) * 1000);
const idleKt = procSample(ktPid);
const idleCpuPerMinute = ((idleKt.cpuSeconds - idleFrom.cpuSeconds) / Math.max(1, idleSeconds)) * 60;
const idleWakeupsPerSecond = (idleKt.wakeups - idleFrom.wakeups) / Math.max(1, idleSeconds);
const idleKs = ks?.pid ? procSample(ks.pid) : undefined;
log(`idle: kubetrail ${mib(idleKt.rssBytes)} MiB RSS${idleKs ? `, kspan ${mib(idleKs.rssBytes)} MiB` : ''}`);

const ns = await createNamespace(cluster, `bench-${run}`);
const before = {
  kt: procSample(ktPid),
  ks: ks?.pid ? procSample(ks.pid) : undefined,
  api: procSample(apiserverPid),
};
const deltasBefore = await liveDeltas(kt);
const wallStart = performance.now();
await workload(cluster, ns);
await sleep(settleSeconds * 1000);
const wall = (performance.now() - wallStart) / 1000;
const after = {
  kt: procSample(ktPid),
  ks: ks?.pid ? procSample(ks.pid) : undefined,
  api: procSample(apiserverPid),
};
const deltas = (await liveDeltas(kt)) - deltasBefore;
const loadAfter = load();

await kt.stop();
if (ks) await stopChild(ks);
await cluster.kubectl(['delete', 'namespace', ns, '--wait=false']);

const cpu = (a: ProcSample, b: ProcSample): number => b.cpuSeconds - a.cpuSeconds;
const ktCpu = cpu(before.kt, after.kt);
const apiCpu = cpu(before.api, after.api);
const ksCpu = before.ks && after.ks ? cpu(before.ks, after.ks) : undefined;
const liveMicros = (ktCpu / Math.max(1, deltas)) * 1e6;
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

console.log(
  `workload: ${deployments} × ${replicas}, ${wall.toFixed(0)} s, ${deltas} live deltas; load average ${loadAfter}`,
);
console.log(
  `kubetrail: ${ktCpu.toFixed(2)} s CPU, ${mib(after.kt.peakRssBytes)} MiB peak RSS, ready in ${readySeconds.toFixed(1)} s, idle ${mib(idleKt.rssBytes)} MiB RSS`,
);
console.log(`kube-apiserver: ${apiCpu.toFixed(2)} s CPU`);
if (ksCpu !== undefined && after.ks)
  console.log(`kspan: ${ksCpu.toFixed(2)} s CPU, ${mib(after.ks.peakRssBytes)} MiB peak RSS`);
console.log(
  `kubetrail CPU / kube-apiserver CPU: ${(ktCpu / apiCpu).toFixed(3)} (target ≤ 0.04: ${verdict(ktCpu / apiCpu <= 0.04)})`,
);
console.log(
  `CPU per delta live: ${liveMicros.toFixed(0)} µs${offline ? `; offline on the same kind of deltas ${offline.micros.toFixed(0)} µs; ratio ${(liveMicros / offline.micros).toFixed(1)} (target ≤ 3: ${verdict(liveMicros / offline.micros <= 3)})` : ''}`,
);
if (ksCpu !== undefined && after.ks) {
  const cpuRatio = ktCpu / ksCpu;
  const rssRatio = after.kt.peakRssBytes / after.ks.peakRssBytes;
  console.log(
    `vs kspan: CPU ${cpuRatio.toFixed(2)}× (target ≤ 0.3: ${verdict(cpuRatio <= 0.3)}), peak RSS ${rssRatio.toFixed(2)}× (target ≤ 1.5: ${verdict(rssRatio <= 1.5)}); kspan CPU / kube-apiserver CPU ${(ksCpu / apiCpu).toFixed(3)}`,
  );
}
console.log(
  `idle: ${mib(idleKt.rssBytes)} MiB RSS (target ≤ 80: ${verdict(idleKt.rssBytes <= 80 * 2 ** 20)}; MiB after ready: ${idleSeries.join(', ')}), ${idleCpuPerMinute.toFixed(2)} s CPU per minute, ${idleWakeupsPerSecond.toFixed(1)} main-thread wakeups per second`,
);
console.log(
  JSON.stringify({
    deployments,
    replicas,
    deltas,
    wallSeconds: Math.round(wall),
    loadAverage: loadAfter,
    kubetrail: {
      cpuSeconds: ktCpu,
      peakRssBytes: after.kt.peakRssBytes,
      idleRssBytes: idleKt.rssBytes,
      idleCpuPerMinute,
      idleWakeupsPerSecond,
      readySeconds,
    },
    apiserver: { cpuSeconds: apiCpu },
    ...(ksCpu !== undefined && after.ks
      ? { kspan: { cpuSeconds: ksCpu, peakRssBytes: after.ks.peakRssBytes } }
      : {}),
    liveMicrosPerDelta: Math.round(liveMicros),
    ...(offline ? { offlineMicrosPerDelta: Number(offline.micros.toFixed(1)) } : {}),
  }),
);
