// Startup failures of the real CLI process: each must end the process at once
// with a clear line, whatever was already started (no cluster needed: the
// apiserver address refuses connections).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = join(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

function runCli(args: string[]): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, ms: Date.now() - started });
    });
  });
}

describe('live startup failures', () => {
  let kubeconfig: string;
  let taken: Server;
  let takenPort: number;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubetrail-startup-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'c', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } },
        ],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    takenPort = (taken.address() as { port: number }).port;
  });
  after(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  it('a taken ops port ends the process with exit 1, even with leader election on', async () => {
    const r = await runCli([
      '--kubeconfig',
      kubeconfig,
      '--leader-elect',
      '--metrics-addr',
      `127.0.0.1:${takenPort}`,
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /kubetrail: cannot listen on 127\.0\.0\.1:\d+: listen EADDRINUSE/);
    assert.ok(r.ms < 15_000, `exited after ${r.ms} ms`);
  });

  it('a recording path that cannot be written ends the process with exit 1', async () => {
    const r = await runCli([
      '--kubeconfig',
      kubeconfig,
      '--metrics-addr',
      '',
      '--record',
      '/nonexistent-dir/r.jsonl',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /kubetrail: cannot write recording \/nonexistent-dir\/r\.jsonl: ENOENT/);
  });
});
