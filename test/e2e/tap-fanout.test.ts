// Tap mode, fan-out topology: a Jaeger v2 collector (its own pipeline, the
// config of manifests/examples/tap-fanout on loopback ports) stores what it
// receives and exports a copy to kubetrail's tap, which forwards nothing.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { encodeTraceRequest } from '../../src/sources/tap/decode-trace-request.js';
import {
  e2eSkipReason,
  ensureCluster,
  eventually,
  jaegerTrace,
  type LocalCluster,
} from '../cluster/cluster.js';
import { handlerSpan } from '../sources/tap/tap-spans.js';
import { freePort, type KubetrailProcess, startKubetrail } from './kubetrail-process.js';

const skip = e2eSkipReason();

/** The fan-out pipeline of manifests/examples/tap-fanout/jaeger-v2-config.yaml, on loopback ports. */
function jaegerConfig(ports: { otlp: number; query: number; queryGrpc: number; tap: number }): string {
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter, otlp/kubetrail]
  telemetry:
    metrics:
      level: none
extensions:
  jaeger_query:
    storage: {traces: mem}
    http: {endpoint: 127.0.0.1:${ports.query}}
    grpc: {endpoint: 127.0.0.1:${ports.queryGrpc}}
  jaeger_storage:
    backends:
      mem: {memory: {max_traces: 10000}}
receivers:
  otlp:
    protocols:
      grpc: {endpoint: 127.0.0.1:${ports.otlp}}
processors:
  batch: {timeout: 200ms}
exporters:
  jaeger_storage_exporter: {trace_storage: mem}
  otlp/kubetrail:
    endpoint: 127.0.0.1:${ports.tap}
    tls: {insecure: true}
`;
}

describe('tap mode, fan-out: a Jaeger v2 pipeline exports a copy to kubetrail', {
  skip,
  timeout: 5 * 60_000,
}, () => {
  let cluster: LocalCluster;
  let kt: KubetrailProcess;
  let jaeger: ChildProcess | undefined;
  const ports = { otlp: 0, query: 0, queryGrpc: 0, tap: 0 };

  before(async () => {
    cluster = await ensureCluster();
    for (const k of Object.keys(ports) as (keyof typeof ports)[]) ports[k] = await freePort();
    kt = await startKubetrail(cluster, [
      '--namespace',
      'kube-public',
      '--tap-listen',
      `127.0.0.1:${ports.tap}`,
      '--no-tap-forward',
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'kubetrail-fanout-'));
    writeFileSync(join(dir, 'jaeger.yaml'), jaegerConfig(ports));
    jaeger = spawn('jaeger', ['--config', join(dir, 'jaeger.yaml')], { env: cluster.env, stdio: 'ignore' });
    await eventually('the fan-out Jaeger', 60_000, async () =>
      (await fetch(`http://127.0.0.1:${ports.query}/api/services`).catch(() => undefined))?.ok
        ? true
        : undefined,
    );
  });

  after(async () => {
    jaeger?.kill('SIGTERM');
    await kt?.stop();
  });

  it('the collector stores the spans, kubetrail receives the copy and forwards nothing', async () => {
    const spans = [handlerSpan(1), handlerSpan(2)].map((s) => ({
      ...s,
      startTime: Date.now(),
      endTime: Date.now() + 3,
    }));
    const client = new Client(`127.0.0.1:${ports.otlp}`, credentials.createInsecure());
    await new Promise<void>((ok, fail) =>
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(encodeTraceRequest(spans)),
        new Metadata(),
        (err) => (err ? fail(err) : ok()),
      ),
    );
    client.close();
    await eventually('the copy at the tap', 30_000, async () =>
      (await kt.metric('kubetrail_tap_spans_received_total')) >= 2 ? true : undefined,
    );
    const stored = await eventually('the spans in the fan-out Jaeger', 30_000, () =>
      jaegerTrace(`http://127.0.0.1:${ports.query}`, spans[0]?.traceId ?? ''),
    );
    assert.equal(stored[0]?.spanId, spans[0]?.spanId);
    assert.equal(await kt.metric('kubetrail_tap_spans_received_total'), 2);
    assert.equal(await kt.metric('kubetrail_tap_spans_forwarded_total'), 0);
    assert.ok(kt.logs.some((l) => l.includes('"topology":"fan-out"')));
  });
});
