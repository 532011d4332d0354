/**
 * Runs the real `kubetrail` CLI (dist/src/cli/main.js) as a child process
 * against the local control plane, the way a user runs it, and reads its
 * structured logs and /metrics.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { eventually, type LocalCluster, repoRoot } from '../cluster/cluster.js';

/** A running kubetrail. */
export interface KubetrailProcess {
  readonly child: ChildProcess;
  readonly metricsUrl: string;
  /** Every log line so far (stdout and stderr), in order. */
  readonly logs: string[];
  /** The current /metrics text. */
  metrics(): Promise<string>;
  /** One sample of a metric, summed over the series whose labels contain `labels`. */
  metric(name: string, labels?: string): Promise<number>;
  /** SIGTERM, then the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Ports this process has handed out: the kernel gives a port just closed again, so two asks could get one port. */
const handedOut = new Set<number>();

/** A port the kernel reports free on 127.0.0.1, closed again at once. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A free TCP port on 127.0.0.1, never one this process was given before: a
 * test that asks for several ports (an ops endpoint and a tap receiver) gets
 * different ones, even before it listens on any of them.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await closedPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free port on 127.0.0.1 that was not handed out already, after 50 tries');
}

/** kubetrail's flags to write its traces as JSON Lines to `file`, each after 2 s of quiet (`--settle-ms`). */
export function jsonTracesTo(file: string): string[] {
  return ['--exporter', 'json', '--output', file, '--settle-ms', '2000'];
}

/** Starts kubetrail with `args` against `cluster`; resolves when /readyz says ready (unless `waitReady` is false). */
export async function startKubetrail(
  cluster: LocalCluster,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; waitReady?: boolean } = {},
): Promise<KubetrailProcess> {
  const port = await freePort();
  const metricsUrl = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      join(repoRoot, 'dist/src/cli/main.js'),
      '--kubeconfig',
      cluster.kubeconfig,
      '--metrics-addr',
      `127.0.0.1:${port}`,
      ...args,
    ],
    { env: { ...cluster.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.on('data', (b: Buffer) => {
      rest += b.toString();
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      logs.push(...lines);
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const metrics = async (): Promise<string> => {
    const res = await fetch(`${metricsUrl}/metrics`);
    return res.text();
  };
  const proc: KubetrailProcess = {
    child,
    metricsUrl,
    logs,
    metrics,
    async metric(name, labels = '') {
      const text = await metrics();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(name)) continue;
        const m = /^([a-z_:]+)(\{[^}]*\})?\s+(\S+)$/.exec(line);
        if (m?.[1] === name && (m[2] ?? '').includes(labels)) sum += Number(m[3]);
      }
      return sum;
    },
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  if (options.waitReady !== false) {
    try {
      await eventually('kubetrail /readyz', 60_000, async () => {
        if (child.exitCode !== null)
          throw new Error(`kubetrail exited ${child.exitCode}:\n${logs.join('\n')}`);
        const res = await fetch(`${metricsUrl}/readyz`).catch(() => undefined);
        return res?.ok ? true : undefined;
      });
    } catch (err) {
      // Never ready: the caller cannot stop a process it never got, and a live child
      // would keep the test file (and the cluster lock) open forever.
      await proc.stop(5_000);
      throw err;
    }
  }
  return proc;
}
