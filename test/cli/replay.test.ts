import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { replayCore } from '../../src/cli/core.js';
import { runCli } from '../../src/cli/run.js';
import { packageVersion } from '../../src/cli/version.js';
import { createSink } from '../../src/export/create-sink.js';
import { MemoryWriter } from '../../src/export/line-writer.js';
import { type OtlpReceiver, startOtlpReceiver } from '../export/otlp-receiver.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/rollout.jsonl', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'kubetrail-replay-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}

/** The real CLI and core, with the json or tree output in memory. */
async function replay(argv: readonly string[]): Promise<{ code: number; out: string; err: string[] }> {
  const writer = new MemoryWriter();
  const err: string[] = [];
  const code = await runCli(['replay', ...argv], {
    env: {},
    stdout: () => undefined,
    stderr: (t) => err.push(t),
    version: packageVersion(),
    core: replayCore,
    createSink: (o) => createSink(o.exporter === 'otlp' ? o : { ...o, writer }),
    runLive: () => Promise.resolve(2),
  });
  return { code, out: writer.text(), err };
}

function logLines(err: readonly string[]): Record<string, unknown>[] {
  return err.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

const lines = readFileSync(EXAMPLE, 'utf8')
  .split('\n')
  .filter((l) => l !== '');
/** The lines that are deltas: not the readings of the apiserver's clock (`CLOCK` lines). */
const deltaLines = lines.filter((l) => (JSON.parse(l) as { type?: unknown }).type !== 'CLOCK');

describe('kubetrail replay on bad input', () => {
  it('skips a bad line, says which, and still turns everything valid into traces', async () => {
    const full = await replay([EXAMPLE, '--exporter', 'json']);
    assert.equal(full.code, 0);
    const withGarbage = file(
      'garbage.jsonl',
      [...lines.slice(0, 9), 'not json at all', ...lines.slice(9)].join('\n'),
    );
    const r = await replay([withGarbage, '--exporter', 'json']);
    assert.equal(r.code, 0);
    assert.equal(r.out, full.out, 'the same traces as without the bad line');
    const logs = logLines(r.err);
    const warn = logs.find((l) => l.msg === 'skipped a bad line of the recording');
    assert.equal(warn?.line, 10);
    const done = logs.find((l) => l.msg === 'replay finished');
    assert.equal(done?.badLines, 1);
    assert.equal(done?.deltas, deltaLines.length);
  });

  it('reads a recording cut off mid-line (a killed --record): the last line is skipped, not fatal', async () => {
    const bytes = readFileSync(EXAMPLE);
    const cut = file('cut.jsonl', bytes.subarray(0, bytes.length - 100).toString('utf8'));
    const r = await replay([cut]);
    assert.equal(r.code, 0);
    assert.match(r.out, /^Deployment\.Create {2}rec-roll\/web/);
    assert.equal(
      logLines(r.err).find((l) => l.msg === 'skipped a bad line of the recording')?.line,
      lines.length,
    );
  });

  it('stops at the first bad line with --strict: exit 1, nothing exported', async () => {
    const withGarbage = file(
      'strict.jsonl',
      [...lines.slice(0, 4), '{"time":"1","type":"ADDED","object":{}}', ...lines.slice(4)].join('\n'),
    );
    const r = await replay([withGarbage, '--strict', '--exporter', 'json']);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.deepEqual(r.err, [
      `kubetrail: cannot parse recording ${withGarbage}: ${withGarbage}:5: "time" is not an RFC 3339 timestamp: "1" (--strict stops at the first bad line)\n`,
    ]);
  });

  it('says in a sentence that a path is a directory or missing', async () => {
    const d = await replay([dir]);
    assert.equal(d.code, 1);
    assert.deepEqual(d.err, [
      `kubetrail: cannot read recording ${dir}: it is a directory; give a recording file (JSON Lines or a kspan capture)\n`,
    ]);
    const missing = path.join(dir, 'nope.jsonl');
    const m = await replay([missing]);
    assert.equal(m.code, 1);
    assert.deepEqual(m.err, [`kubetrail: cannot read recording ${missing}: no such file\n`]);
  });

  it('fails when nothing in the file is a delta', async () => {
    const r = await replay([file('junk.jsonl', '{junk\n{more junk\n')]);
    assert.equal(r.code, 1);
    assert.match(r.err.at(-1) ?? '', /no valid delta in .*junk\.jsonl: all 2 lines are bad\n$/);
  });

  it('ends with the engine stats: rejected input and evictions are reported', async () => {
    // A Deployment generation of 2.5 (rejected) and a graph too small for the rollout (evictions).
    const bad = JSON.parse(deltaLines[0] ?? '{}') as { object: { metadata: Record<string, unknown> } };
    bad.object.metadata.generation = 2.5;
    const r = await replay([
      file('stats.jsonl', [JSON.stringify(bad), ...lines].join('\n')),
      '--max-objects',
      '3',
      '--log-level',
      'debug',
    ]);
    assert.equal(r.code, 0);
    const logs = logLines(r.err);
    const done = logs.find((l) => l.msg === 'replay finished');
    assert.ok(done !== undefined, r.err.join(''));
    const rejected = done.rejected as Record<string, number>;
    assert.equal(rejected['invalid-generation'], 1);
    assert.ok((rejected.total ?? 0) >= 1);
    assert.ok(((done.evicted as Record<string, number>).objects ?? 0) > 0, JSON.stringify(done.evicted));
    assert.equal(done.spansDropped, 0);
    const stats = logs.find((l) => l.msg === 'replay stats');
    assert.ok(stats !== undefined, 'the whole stats at debug');
    assert.equal((stats.stats as { rejected: Record<string, number> }).rejected['invalid-generation'], 1);
  });

  it('with --backfill, says how many spans the initial list did not settle', async () => {
    const restart = fileURLToPath(
      new URL('../../../test/fixtures/live/restart-after-three-rollouts.jsonl', import.meta.url),
    );
    const r = await replay([restart, '--backfill', '--exporter', 'json']);
    assert.equal(r.code, 0, r.err.join(''));
    const done = logLines(r.err).find((l) => l.msg === 'replay finished');
    assert.ok(typeof done?.backfillLeftOut === 'number' && done.backfillLeftOut > 0, JSON.stringify(done));
    const plain = await replay([restart, '--exporter', 'json']);
    const plainDone = logLines(plain.err).find((l) => l.msg === 'replay finished');
    assert.ok(plainDone !== undefined && !('backfillLeftOut' in plainDone));
  });

  it('is the executable the package names as its bin, as built (npx runs it by itself, not through node)', async () => {
    const child = spawn(MAIN, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
    });
    const code = await new Promise<number | string | null>((resolve) => {
      child.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      child.on('close', resolve);
    });
    assert.equal(code, 0);
    assert.match(out, new RegExp(packageVersion().replaceAll('.', '\\.')));
  });

  it('reads stdin for `-`', async () => {
    const child = spawn(process.execPath, [MAIN, 'replay', '-', '--exporter', 'json'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      out += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      err += s;
    });
    child.stdin.end(readFileSync(EXAMPLE));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, err);
    const viaFile = await replay([EXAMPLE, '--exporter', 'json']);
    assert.equal(out, viaFile.out);
    assert.match(err, /"msg":"replay finished","file":"stdin"/);
  });
});

describe('kubetrail replay --exporter otlp', { timeout: 60_000 }, () => {
  const receivers: OtlpReceiver[] = [];
  after(async () => {
    for (const r of receivers) await r.close();
  });

  it('delivers every span to the backend and exits 0', async () => {
    const receiver = await startOtlpReceiver();
    receivers.push(receiver);
    const json = await replay([EXAMPLE, '--exporter', 'json']);
    const expected = (json.out.match(/"spanId"/g) ?? []).length;
    const r = await replay([EXAMPLE, '--exporter', 'otlp', '--endpoint', `127.0.0.1:${receiver.port}`]);
    assert.equal(r.code, 0, r.err.join(''));
    assert.equal(receiver.spans.length, expected);
    assert.equal(logLines(r.err).find((l) => l.msg === 'replay finished')?.spansExported, expected);
  });

  it('exits non-zero when spans are dropped (the backend is down)', async () => {
    const probe = await startOtlpReceiver();
    await probe.close();
    process.env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT = '500';
    try {
      const r = await replay([EXAMPLE, '--exporter', 'otlp', '--endpoint', `127.0.0.1:${probe.port}`]);
      assert.equal(r.code, 1);
      assert.match(r.err.at(-1) ?? '', /^kubetrail: the otlp exporter dropped \d+ of \d+ spans/);
      const done = logLines(r.err).find((l) => l.msg === 'replay finished');
      assert.ok(Number(done?.spansDropped) > 0);
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT;
    }
  });
});
