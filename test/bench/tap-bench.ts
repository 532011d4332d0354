/**
 * `npm run bench:tap`: figures for tap mode (printed, not asserted).
 *
 * - Receiver throughput on one core: decode + index + forward-enqueue of
 *   apiserver-like export requests (512 spans each, the apiserver's batch: a
 *   write's handler, storage and HTTP spans among reads and filter spans), in
 *   process; then the same over real gRPC on 127.0.0.1 (client and server on
 *   this one process). Target: 20,000 spans/s or more.
 * - The index's bytes per indexed request (heap growth over 50,000 requests).
 * - Latency the inline hop adds: an exporter's Export call to a backend
 *   directly, then through the tap; p50 and p99.
 *
 *   node --expose-gc dist/test/bench/tap-bench.js
 */
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { isCorrelationSpan } from '../../src/correlation/is-correlation-span.js';
import { TapCorrelator } from '../../src/correlation/tap-correlator.js';
import type { TapSpan } from '../../src/model/tap-span.js';
import { decodeTraceRequest, encodeTraceRequest } from '../../src/sources/tap/decode-trace-request.js';
import { GrpcUpstream, type TapUpstream } from '../../src/sources/tap/grpc-upstream.js';
import { TapForwarder } from '../../src/sources/tap/tap-forwarder.js';
import { startTapReceiver } from '../../src/sources/tap/tap-receiver.js';
import { startRawOtlpServer } from '../sources/tap/raw-otlp-server.js';

const gc = (globalThis as { gc?: () => void }).gc;
const collect = () => {
  for (let i = 0; i < 3; i++) gc?.();
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const T0 = Date.parse('2026-11-30T09:00:00Z');
const UA =
  'kube-controller-manager/v1.37.1 (linux/amd64) kubernetes/$Format/system:serviceaccount:kube-system:replicaset-controller';

let seq = 0;
const id = (len: number) => (seq++).toString(16).padStart(len, '0');

/** One write as the apiserver traces it: HTTP span, filter spans, handler, etcd child. */
function write(i: number): TapSpan[] {
  const traceId = id(32);
  const audit = `audit-${i}`;
  const http = id(16);
  const handler = id(16);
  const t = T0 + i;
  const base = { traceId, service: 'apiserver', startTime: t, endTime: t + 3 };
  return [
    {
      ...base,
      spanId: http,
      name: 'POST /api/v1/namespaces/{:namespace}/pods',
      attributes: {
        'audit-id': audit,
        'http.target': '/api/v1/namespaces/ns/pods',
        'user_agent.original': UA,
      },
    },
    ...['authentication', 'audit', 'authorization'].map((name) => ({
      ...base,
      spanId: id(16),
      parentSpanId: http,
      name,
      attributes: {},
    })),
    {
      ...base,
      spanId: handler,
      parentSpanId: http,
      name: 'Create',
      attributes: {
        'audit-id': audit,
        resource: 'pods',
        subresource: '',
        namespace: 'ns',
        name: '',
        verb: 'POST',
        'user-agent': UA,
        url: '/api/v1/namespaces/ns/pods',
      },
    },
    {
      ...base,
      spanId: id(16),
      parentSpanId: handler,
      name: 'Create etcd3',
      attributes: { 'audit-id': audit, key: `/pods/ns/web-${i}`, resource: 'pods' },
    },
    { ...base, spanId: id(16), parentSpanId: handler, name: 'etcdserverpb.KV/Txn', attributes: {} },
    {
      ...base,
      spanId: id(16),
      name: 'Get',
      attributes: { 'audit-id': `r-${i}`, verb: 'GET', resource: 'pods' },
    },
  ];
}

/** Export requests of `perRequest` spans each, `count` of them. */
function requests(count: number, perRequest: number): { bytes: Buffer; spans: number }[] {
  const out: { bytes: Buffer; spans: number }[] = [];
  let w = 0;
  for (let r = 0; r < count; r++) {
    const spans: TapSpan[] = [];
    while (spans.length < perRequest) spans.push(...write(w++));
    spans.length = perRequest;
    out.push({ bytes: Buffer.from(encodeTraceRequest(spans)), spans: perRequest });
  }
  return out;
}

const figures: Record<string, number> = {};

// 1. In process: decode + index + enqueue for forwarding (the upstream acks at once).
{
  const reqs = requests(200, 512);
  const ack: TapUpstream = { send: () => Promise.resolve({ ok: true }), close: () => {} };
  const forwarder = new TapForwarder({
    upstream: ack,
    log: () => {},
    maxQueueRequests: 100_000,
    maxQueueBytes: 2 ** 30,
  });
  const correlator = new TapCorrelator();
  const run = () => {
    let spans = 0;
    for (const r of reqs) {
      const d = decodeTraceRequest(r.bytes);
      if (!d.ok) throw new Error(d.error);
      forwarder.enqueue(r.bytes, d.spans.length);
      correlator.addSpans(d.spans.filter(isCorrelationSpan), T0);
      spans += d.spans.length;
    }
    return spans;
  };
  run(); // warm-up
  const t = performance.now();
  const spans = run() + run() + run();
  const s = (performance.now() - t) / 1000;
  figures.inProcessSpansPerSecond = spans / s;
  console.log(`receiver, in process (decode + index + enqueue): ${fmt(spans / s)} spans/s`);
}

// 2. Over gRPC on 127.0.0.1, fan-out (no forwarding), 4 calls in flight; client and server share this core.
{
  const correlator = new TapCorrelator();
  const rx = await startTapReceiver({
    listen: '127.0.0.1:0',
    onSpans: (s) => correlator.addSpans(s.filter(isCorrelationSpan), T0),
  });
  const client = new Client(`127.0.0.1:${rx.port}`, credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
  });
  const reqs = requests(100, 512);
  const send = (b: Buffer) =>
    new Promise<void>((ok, fail) =>
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (x: Buffer) => x,
        (x: Buffer) => x,
        b,
        new Metadata(),
        (err) => (err ? fail(err) : ok()),
      ),
    );
  const t = performance.now();
  for (let i = 0; i < reqs.length; i += 4) await Promise.all(reqs.slice(i, i + 4).map((r) => send(r.bytes)));
  const s = (performance.now() - t) / 1000;
  const spans = rx.counters().spansReceived;
  figures.grpcSpansPerSecond = spans / s;
  console.log(`receiver over gRPC (client in the same process): ${fmt(spans / s)} spans/s`);
  client.close();
  await rx.close();
}

// 3. Index bytes per indexed request.
{
  const N = 50_000;
  const spans: TapSpan[] = [];
  for (let i = 0; i < N; i++) spans.push(...write(i).filter(isCorrelationSpan));
  collect();
  const before = process.memoryUsage().heapUsed;
  const correlator = new TapCorrelator({ requests: { maxRequests: N, windowMs: 3_600_000 } });
  correlator.addSpans(spans, T0 + N);
  collect();
  const after = process.memoryUsage().heapUsed;
  const held = correlator.stats().requests;
  figures.indexBytesPerRequest = (after - before) / held;
  console.log(
    `index: ${fmt(held)} requests, ${fmt((after - before) / held)} bytes per request${gc ? '' : ' (run with --expose-gc)'}`,
  );
}

// 4. Added latency of the inline hop: Export calls straight to a backend, then through the tap.
{
  const backend = await startRawOtlpServer(0);
  const forwarder = new TapForwarder({
    upstream: new GrpcUpstream({ endpoint: `127.0.0.1:${backend.port}` }),
    log: () => {},
  });
  const rx = await startTapReceiver({ listen: '127.0.0.1:0', forwarder });
  const body = requests(1, 512)[0]?.bytes ?? Buffer.alloc(0);
  const measure = async (port: number, n: number): Promise<number[]> => {
    const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await new Promise<void>((ok, fail) =>
        client.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          (x: Buffer) => x,
          (x: Buffer) => x,
          body,
          new Metadata(),
          (err) => (err ? fail(err) : ok()),
        ),
      );
      out.push(performance.now() - t);
    }
    client.close();
    return out.sort((a, b) => a - b);
  };
  const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;
  await measure(backend.port, 50);
  await measure(rx.port, 50);
  const direct = await measure(backend.port, 500);
  const inline = await measure(rx.port, 500);
  figures.directP50Ms = q(direct, 0.5);
  figures.directP99Ms = q(direct, 0.99);
  figures.inlineP50Ms = q(inline, 0.5);
  figures.inlineP99Ms = q(inline, 0.99);
  console.log(
    `Export of 512 spans: direct p50 ${q(direct, 0.5).toFixed(2)} ms, p99 ${q(direct, 0.99).toFixed(2)} ms; ` +
      `through the tap p50 ${q(inline, 0.5).toFixed(2)} ms, p99 ${q(inline, 0.99).toFixed(2)} ms ` +
      `(added: p50 ${(q(inline, 0.5) - q(direct, 0.5)).toFixed(2)} ms, p99 ${(q(inline, 0.99) - q(direct, 0.99)).toFixed(2)} ms)`,
  );
  await rx.close();
  await forwarder.close(2_000);
  await backend.close();
}

console.log(JSON.stringify(figures));
