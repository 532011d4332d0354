/**
 * Records the scenarios of scenarios.ts from the local control plane, so the
 * recordings in test/fixtures/live/ can be made again:
 *
 *   npm run record:scenarios [-- [--out DIR] [NAME ...]]
 *
 * Starts the stack when it is not running (test/cluster/up.sh is idempotent)
 * and leaves it running. For each scenario: a fresh namespace named after it, a
 * kubetrail (dist/src/cli/main.js) with `--namespace` and `--record`, the
 * scenario's kubectl steps, a quiet time, then SIGTERM. Only one stack can run
 * on a machine: hold whatever lock your machine uses around the whole run.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCluster, type LocalCluster, repoRoot } from '../cluster/cluster.js';
import { type KubetrailProcess, startKubetrail } from '../e2e/kubetrail-process.js';
import { createNamespace } from '../e2e/workloads.js';
import { SCENARIOS, type Scenario, type ScenarioContext } from './scenarios.js';

/** Quiet time after the last step, so late Events and status updates are recorded too. */
const QUIET_MS = 4000;

function parseArgs(argv: readonly string[]): { out: string; names: string[] } {
  let out = join(repoRoot, 'test/fixtures/live');
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--out') {
      const dir = argv[++i];
      if (dir === undefined) throw new Error('--out needs a directory');
      out = dir;
    } else if (a.startsWith('-')) {
      throw new Error(`unknown option ${a}; usage: record [--out DIR] [NAME ...]`);
    } else {
      names.push(a);
    }
  }
  const known = new Set(SCENARIOS.map((s) => s.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) {
    throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  }
  return { out, names };
}

async function freshNamespace(cluster: LocalCluster, ns: string): Promise<void> {
  const found = await cluster.kubectl(['get', 'namespace', ns, '--ignore-not-found', '-o', 'name']);
  if (found.trim() !== '')
    await cluster.kubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=120s']);
  await createNamespace(cluster, ns);
}

function lines(file: string): number {
  return existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '').length
    : 0;
}

async function record(
  cluster: LocalCluster,
  scenario: Scenario,
  out: string,
  scratch: string,
): Promise<void> {
  const started = Date.now();
  const ns = scenario.namespace ?? scenario.name;
  await freshNamespace(cluster, ns);
  const files = [join(out, `${scenario.name}.jsonl`)];
  const launch = (file: string): Promise<KubetrailProcess> =>
    startKubetrail(cluster, [
      '--namespace',
      ns,
      '--record',
      file,
      '--exporter',
      'json',
      '--output',
      join(scratch, `${scenario.name}-${files.length}.json`),
      '--settle-ms',
      '2000',
      // Each delta observed as it arrives: the read window would hold the busy watches' deltas up
      // to 50 ms and observe them together, blurring the order within a second the tests read.
      '--watch-read-window-ms',
      '0',
    ]);
  let kt = await launch(files[0] ?? '');
  const ctx: ScenarioContext = {
    cluster,
    ns,
    kubectl: (args, input) => cluster.kubectl(['-n', ns, ...args], input),
    async restartRecording(file) {
      const code = await kt.stop();
      if (code !== 0) throw new Error(`kubetrail exited ${code}:\n${kt.logs.join('\n')}`);
      const next = join(out, file);
      files.push(next);
      kt = await launch(next);
    },
  };
  try {
    await scenario.run(ctx);
    await new Promise((r) => setTimeout(r, QUIET_MS));
  } finally {
    const code = await kt.stop();
    if (code !== 0) console.error(`kubetrail exited ${code}:\n${kt.logs.slice(-20).join('\n')}`);
    await scenario.cleanup?.(ctx).catch((err: unknown) => console.error(`cleanup: ${String(err)}`));
    await cluster.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  }
  for (const f of files) {
    console.log(
      `${scenario.name}: ${f} ${lines(f)} deltas, ${statSync(f).size} bytes, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
}

async function main(): Promise<void> {
  const { out, names } = parseArgs(process.argv.slice(2));
  const chosen = names.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => names.includes(s.name));
  const cluster = await ensureCluster();
  const scratch = await mkdtemp(join(tmpdir(), 'kubetrail-scenarios-'));
  for (const s of chosen) await record(cluster, s, out, scratch);
  console.log(`exported traces of the live runs: ${scratch}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
