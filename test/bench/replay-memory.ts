/**
 * Peak RSS of `kubetrail replay` on a 1 GiB recording: replay streams the file and
 * exports traces as they settle, so its memory must not grow with the input
 * (target: under 300 MiB). A printed figure, not a timed test; part of `npm run bench`.
 *
 * The recording is generated on the fly into a temporary directory (seeded chunks of
 * the benchmark's synthetic cluster, each an hour after the last, written with
 * back-pressure), replayed by the real CLI in a child process with the json exporter
 * writing to /dev/null, and deleted afterwards, also when interrupted.
 *
 *   node dist/test/bench/replay-memory.js [--mib N]   (default 1024, at most 8192)
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateClusterRecording } from './cluster-generator.js';

const { values } = parseArgs({ options: { mib: { type: 'string', default: '1024' } } });
const mib = Number(values.mib);
if (!Number.isSafeInteger(mib) || mib < 1 || mib > 8192) throw new TypeError('--mib must be from 1 to 8192');
const targetBytes = mib * 2 ** 20;
const TARGET_RSS_MIB = 300;

const dir = mkdtempSync(path.join(tmpdir(), 'kubetrail-replay-memory-'));
const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
process.on('SIGINT', () => {
  cleanup();
  process.exit(130);
});

try {
  const fs = statfsSync(dir);
  const free = fs.bavail * fs.bsize;
  if (free < targetBytes * 2) {
    console.log(`replay memory: skipped, ${tmpdir()} has ${(free / 2 ** 30).toFixed(1)} GiB free`);
  } else {
    await run();
  }
} finally {
  cleanup();
}

async function run(): Promise<void> {
  const file = path.join(dir, 'recording.jsonl');
  const t0 = performance.now();
  const out = createWriteStream(file);
  let bytes = 0;
  let deltas = 0;
  const start = Date.UTC(2026, 10, 1, 0, 0, 0);
  const write = async (line: string): Promise<void> => {
    const text = `${line}\n`;
    bytes += Buffer.byteLength(text);
    deltas += 1;
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  };
  for (let chunk = 0; bytes < targetBytes; chunk++) {
    const chunkStart = start + chunk * 3_600_000;
    const rec = generateClusterRecording({ deployments: 500, seed: 1000 + chunk, start: chunkStart });
    // A cluster in steady churn, not one that only grows: what a chunk created is deleted
    // before the next one starts, so the engine's own bounded state stays flat too.
    const live = new Map<string, { kind: string; line: string }>();
    for (const line of rec.lines) {
      if (bytes >= targetBytes) break;
      const d = JSON.parse(line) as { type: string; object: { kind: string; metadata: { uid: string } } };
      if (d.object.kind !== 'Event') {
        if (d.type === 'DELETED') live.delete(d.object.metadata.uid);
        else live.set(d.object.metadata.uid, { kind: d.object.kind, line });
      }
      await write(line);
    }
    let at = chunkStart + 3_000_000;
    for (const kind of ['Pod', 'ReplicaSet', 'Deployment', 'Node']) {
      for (const o of live.values()) {
        if (o.kind !== kind || bytes >= targetBytes) continue;
        const d = JSON.parse(o.line) as { object: unknown };
        at += 5;
        await write(JSON.stringify({ time: new Date(at).toISOString(), type: 'DELETED', object: d.object }));
      }
    }
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  console.log(
    `replay memory: generated ${(bytes / 2 ** 20).toFixed(0)} MiB, ${deltas.toLocaleString('en-US')} deltas in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // The child reports its own peak RSS as it exits.
  const hook = fileURLToPath(new URL('./peak-rss-hook.js', import.meta.url));
  const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const t1 = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', hook, main, 'replay', file, '--exporter', 'json', '--output', '/dev/null'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    stderr += s;
    if (stderr.length > 1_000_000) stderr = stderr.slice(-100_000);
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - t1) / 1000;
  const kib = Number(/peak-rss-kib (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  const summary = stderr.split('\n').find((l) => l.includes('"msg":"replay finished"')) ?? '{}';
  if (process.env.KUBETRAIL_BENCH_MEMLOG !== undefined)
    console.log(
      stderr
        .split('\n')
        .filter((l) => l.startsWith('mem'))
        .join('\n'),
    );
  if (code !== 0 || Number.isNaN(kib)) {
    console.log(`replay memory: the replay failed (exit ${code}):\n${stderr.slice(-2000)}`);
    process.exitCode = 1;
    return;
  }
  const rssMib = kib / 1024;
  const done = JSON.parse(summary) as Record<string, unknown>;
  console.log(
    `replay memory: ${done.deltas} deltas → ${done.traceRecords} trace records, ${done.spans} spans; evicted ${JSON.stringify(done.evicted)}; dropped ${done.spansDropped}`,
  );
  console.log(
    `replay memory: peak RSS ${rssMib.toFixed(0)} MiB replaying ${(bytes / 2 ** 20).toFixed(0)} MiB in ${seconds.toFixed(1)} s (target < ${TARGET_RSS_MIB} MiB: ${rssMib < TARGET_RSS_MIB ? 'met' : 'MISSED'})`,
  );
  console.log(
    JSON.stringify({
      replayRecordingBytes: bytes,
      replayDeltas: deltas,
      replayPeakRssBytes: kib * 1024,
      replaySeconds: Number(seconds.toFixed(1)),
    }),
  );
}
