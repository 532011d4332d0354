// The operations endpoint on a real socket (127.0.0.1, an ephemeral port).
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { KubetrailMetrics } from '../../src/ops/metrics.js';
import { OpsServerError, parseListenAddress, startOpsServer } from '../../src/ops/ops-server.js';

describe('ops server', () => {
  let server: Server;
  let base: string;
  let healthy: string | undefined;
  let ready: string | undefined = 'initial list not complete: core/v1/pods';
  const metrics = new KubetrailMetrics({ defaultMetrics: false });

  before(async () => {
    server = await startOpsServer('127.0.0.1:0', metrics.registry, {
      health: () => healthy,
      ready: () => ready,
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('answers /healthz from the liveness probe: 200 ok, or 503 with the reason', async () => {
    healthy = undefined;
    let res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok');
    healthy = 'assembly loop stalled';
    res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 503);
    assert.equal(await res.text(), 'assembly loop stalled');
  });

  it('answers /readyz from the readiness probe, ignoring the query string', async () => {
    ready = 'initial list not complete: core/v1/pods';
    let res = await fetch(`${base}/readyz?verbose`);
    assert.equal(res.status, 503);
    assert.equal(await res.text(), 'initial list not complete: core/v1/pods');
    ready = undefined;
    res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 200);
  });

  it('serves /metrics in the Prometheus text format', async () => {
    metrics.spansEmitted.inc(3);
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    assert.match(await res.text(), /^kubetrail_spans_emitted_total 3$/m);
  });

  it('answers 404 elsewhere', async () => {
    const res = await fetch(`${base}/debug/pprof`);
    assert.equal(res.status, 404);
  });

  it('fails to start with a coded error when the port is taken', async () => {
    const port = (server.address() as AddressInfo).port;
    await assert.rejects(
      startOpsServer(`127.0.0.1:${port}`, metrics.registry, {
        health: () => undefined,
        ready: () => undefined,
      }),
      (e: unknown) =>
        e instanceof OpsServerError && e.code === 'ERR_OPS_LISTEN' && /EADDRINUSE/.test(e.message),
    );
  });
});

describe('parseListenAddress', () => {
  it('reads host:port, :port (all interfaces) and [ipv6]:port', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:9464'), { host: '127.0.0.1', port: 9464 });
    assert.deepEqual(parseListenAddress(':9464'), { host: '0.0.0.0', port: 9464 });
    assert.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
  });

  it('refuses anything else with a coded error', () => {
    for (const bad of ['9464', 'host:', 'host:99999', ''])
      assert.throws(() => parseListenAddress(bad), OpsServerError, bad);
  });
});
