// The real transport against a real HTTP server on 127.0.0.1 that misbehaves on
// purpose: every request must end, whatever the server does.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpKubeTransport, KubeTimeoutError } from '../../../src/sources/kube/kube-transport.js';
import { loadKubeConfig } from '../../../src/sources/kube/kubeconfig.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

describe('HttpKubeTransport', () => {
  let server: Server;
  let handler: Handler = (_req, res) => res.end('{}');
  let transport: HttpKubeTransport;
  const open = new Set<ServerResponse>();

  before(async () => {
    server = createServer((req, res) => {
      open.add(res);
      res.on('close', () => open.delete(res));
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), 'kubetrail-transport-'));
    const path = join(dir, 'kubeconfig');
    writeFileSync(
      path,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          { name: 'c', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } },
        ],
        users: [{ name: 'u', user: { token: 't0ken' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    transport = new HttpKubeTransport(await loadKubeConfig({ kubeconfig: path, userAgent: 'ua' }), {
      userAgent: 'kubetrail/test',
      requestTimeoutMs: 300,
    });
  });
  after(async () => {
    for (const res of open) res.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const signal = () => new AbortController().signal;

  it('gets JSON with kubetrail user agent and the credentials', async () => {
    let seen: IncomingMessage | undefined;
    handler = (req, res) => {
      seen = req;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"kind":"PodList"}');
    };
    const got = await transport.getJson('/api/v1/pods', { limit: '5' }, signal());
    assert.deepEqual(got, { status: 200, body: { kind: 'PodList' } });
    assert.equal(seen?.url, '/api/v1/pods?limit=5');
    assert.equal(seen?.headers['user-agent'], 'kubetrail/test');
    assert.equal(seen?.headers.authorization, 'Bearer t0ken');
  });

  it('reads the Date of a GET, timed on the given clock, between sending and the answer', async () => {
    let seenAt = Number.NaN;
    handler = (req, res) => {
      seenAt = Date.now() + 5_000;
      assert.equal(req.url, '/version');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"major":"1"}');
    };
    const reading = await transport.readDate('/version', signal(), () => Date.now() + 5_000);
    assert.equal(reading.status, 200);
    // Node's server writes a Date header as Go's does: IMF-fixdate, whole seconds.
    assert.match(reading.date ?? '', /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.ok(
      reading.sentAt <= seenAt && seenAt <= reading.receivedAt,
      `${reading.sentAt} ${seenAt} ${reading.receivedAt}`,
    );
    const date = Date.parse(reading.date ?? '');
    assert.ok(date <= seenAt - 5_000 && seenAt - 5_000 < date + 2_000);
  });

  it('times out a GET that is never answered', async () => {
    handler = () => {};
    const started = Date.now();
    await assert.rejects(transport.getJson('/api/v1/pods', {}, signal()), (e: unknown) => {
      assert.ok(e instanceof KubeTimeoutError);
      assert.equal(e.code, 'ERR_KUBE_TIMEOUT');
      assert.equal(e.message, 'GET /api/v1/pods: no answer within 300 ms');
      return true;
    });
    assert.ok(Date.now() - started < 2_000);
  });

  it('times out a GET whose body never ends', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('{"items":[');
    };
    await assert.rejects(transport.getJson('/api/v1/pods', {}, signal()), KubeTimeoutError);
  });

  it('times out a Lease write that hangs', async () => {
    handler = () => {};
    await assert.rejects(
      transport.sendJson('PUT', '/apis/coordination.k8s.io/v1/namespaces/k/leases/l', {}, signal()),
      /PUT \/apis\/coordination\.k8s\.io\/v1\/namespaces\/k\/leases\/l: no answer within 300 ms/,
    );
  });

  it('times out a watch whose status line never comes, but not a watch that streams past the timeout', async () => {
    handler = () => {};
    await assert.rejects(transport.stream('/api/v1/pods', { watch: 'true' }, signal()), KubeTimeoutError);

    handler = (_req, res) => {
      res.writeHead(200);
      res.write('{"type":"BOOKMARK"}\n');
      setTimeout(() => res.end('{"type":"ADDED"}\n'), 600);
    };
    const watch = await transport.stream('/api/v1/pods', { watch: 'true' }, signal());
    const lines: string[] = [];
    await watch.forEachLine((line) => lines.push(line) > 0);
    assert.deepEqual(lines, ['{"type":"BOOKMARK"}', '{"type":"ADDED"}']);
  });

  it("still stops at the caller's signal", async () => {
    handler = () => {};
    const stop = new AbortController();
    const pending = transport.getJson('/api/v1/pods', {}, stop.signal);
    stop.abort();
    await assert.rejects(pending, (e: unknown) => !(e instanceof KubeTimeoutError));
  });
});
