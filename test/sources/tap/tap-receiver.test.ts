import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Metadata, status } from '@grpc/grpc-js';
import { parseListenAddress } from '../../../src/config/listen-address.js';
import type { TapSpan } from '../../../src/model/tap-span.js';
import {
  decodeTraceRequest,
  encodeTraceRequest,
  MAX_TAP_ATTRIBUTE_CHARS,
} from '../../../src/sources/tap/decode-trace-request.js';
import { GrpcUpstream } from '../../../src/sources/tap/grpc-upstream.js';
import { TapForwarder } from '../../../src/sources/tap/tap-forwarder.js';
import {
  startTapReceiver,
  TAP_RELAY_METADATA,
  type TapReceiver,
} from '../../../src/sources/tap/tap-receiver.js';
import { sendOtlpBytes, startRawOtlpServer } from './raw-otlp-server.js';
import { handlerSpan } from './tap-spans.js';

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('tap receiver over real gRPC on 127.0.0.1', () => {
  const open: { close(): Promise<void> }[] = [];
  after(async () => {
    for (const s of open) await s.close();
  });

  it('parses HOST:PORT and refuses anything else', () => {
    assert.deepEqual(parseListenAddress('127.0.0.1:4317'), { host: '127.0.0.1', port: 4317 });
    assert.deepEqual(parseListenAddress('[::1]:0'), { host: '[::1]', port: 0 });
    assert.equal(parseListenAddress(':4317'), undefined);
    assert.equal(parseListenAddress('127.0.0.1'), undefined);
    assert.equal(parseListenAddress('127.0.0.1:70000'), undefined);
  });

  it('fan-out: decodes what an exporter sends and forwards nothing', async () => {
    const got: TapSpan[] = [];
    const rx = await startTapReceiver({ listen: '127.0.0.1:0', onSpans: (s) => got.push(...s) });
    open.push(rx);
    const spans = [handlerSpan(0), handlerSpan(1, { 'audit-id': 'x' })];
    assert.equal(await sendOtlpBytes(rx.port, encodeTraceRequest(spans)), status.OK);
    assert.deepEqual(
      got.map((s) => [s.traceId, s.spanId, s.name, s.service, s.attributes.name]),
      spans.map((s) => [s.traceId, s.spanId, s.name, s.service, s.attributes.name]),
    );
    assert.equal(got[0]?.startTime, spans[0]?.startTime);
    assert.deepEqual(rx.counters(), {
      requestsReceived: 1,
      spansReceived: 2,
      requestsRelayedIn: 0,
      spansRelayedIn: 0,
      requestsMalformed: 0,
      spansSkipped: 0,
    });
  });

  it('a request relayed by another replica goes to correlation only, never to the forwarder', async () => {
    const backend = await startRawOtlpServer(0);
    open.push(backend);
    const forwarder = new TapForwarder({
      upstream: new GrpcUpstream({ endpoint: `127.0.0.1:${backend.port}` }),
      log: () => {},
    });
    const got: [string, string | undefined][] = [];
    const rx = await startTapReceiver({
      listen: '127.0.0.1:0',
      forwarder,
      onSpans: (s, relayedBy) => got.push([s[0]?.spanId ?? '', relayedBy]),
    });
    open.push(rx);
    const marked = new Metadata();
    marked.set(TAP_RELAY_METADATA, 'pod-b@10.0.0.2:4317');
    assert.equal(await sendOtlpBytes(rx.port, encodeTraceRequest([handlerSpan(0)]), marked), status.OK);
    assert.equal(await sendOtlpBytes(rx.port, encodeTraceRequest([handlerSpan(1)])), status.OK);
    await until(() => backend.requests.length === 1);
    await forwarder.close(1_000);
    assert.equal(backend.requests.length, 1, 'only the component request is forwarded');
    assert.deepEqual(got, [
      [handlerSpan(0).spanId, 'pod-b@10.0.0.2:4317'],
      [handlerSpan(1).spanId, undefined],
    ]);
    const c = rx.counters();
    assert.deepEqual(
      [c.requestsReceived, c.spansReceived, c.requestsRelayedIn, c.spansRelayedIn],
      [1, 1, 1, 1],
    );
  });

  it('answers INVALID_ARGUMENT to a malformed protobuf, and other clients are unaffected', async () => {
    const got: TapSpan[] = [];
    const rx = await startTapReceiver({ listen: '127.0.0.1:0', onSpans: (s) => got.push(...s) });
    open.push(rx);
    const [bad, good] = await Promise.all([
      sendOtlpBytes(rx.port, Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f, 0x01])),
      sendOtlpBytes(rx.port, encodeTraceRequest([handlerSpan(2)])),
    ]);
    assert.equal(bad, status.INVALID_ARGUMENT);
    assert.equal(good, status.OK);
    assert.equal(got.length, 1);
    assert.equal(rx.counters().requestsMalformed, 1);
  });

  it('answers RESOURCE_EXHAUSTED to an oversized message, and other clients are unaffected', async () => {
    const rx = await startTapReceiver({ listen: '127.0.0.1:0', maxMessageBytes: 4_096 });
    open.push(rx);
    const huge = encodeTraceRequest([handlerSpan(0, { note: 'x'.repeat(10_000) })]);
    const [big, small] = await Promise.all([
      sendOtlpBytes(rx.port, huge),
      sendOtlpBytes(rx.port, encodeTraceRequest([handlerSpan(1)])),
    ]);
    assert.equal(big, status.RESOURCE_EXHAUSTED);
    assert.equal(small, status.OK);
    assert.equal(rx.counters().spansReceived, 1);
  });

  it('keeps spans without attributes, and cuts huge attribute values', async () => {
    const got: TapSpan[] = [];
    const rx = await startTapReceiver({ listen: '127.0.0.1:0', onSpans: (s) => got.push(...s) });
    open.push(rx);
    const bare: TapSpan = { ...handlerSpan(0), attributes: {} };
    const big = handlerSpan(1, { 'user-agent': 'u'.repeat(1_000_000) });
    assert.equal(await sendOtlpBytes(rx.port, encodeTraceRequest([bare, big])), status.OK);
    assert.deepEqual(got[0]?.attributes, {});
    assert.equal(String(got[1]?.attributes['user-agent']).length, MAX_TAP_ATTRIBUTE_CHARS);
  });

  it('a failing correlation callback never reaches the sender', async () => {
    const errors: unknown[] = [];
    const rx = await startTapReceiver({
      listen: '127.0.0.1:0',
      onSpans: () => {
        throw new Error('boom');
      },
      onError: (e) => errors.push(e),
    });
    open.push(rx);
    assert.equal(await sendOtlpBytes(rx.port, encodeTraceRequest([handlerSpan(0)])), status.OK);
    assert.equal(errors.length, 1);
  });

  it('inline: forwards every request byte for byte; received = forwarded + dropped', async () => {
    const backend = await startRawOtlpServer(0);
    open.push(backend);
    const logs: string[] = [];
    const forwarder = new TapForwarder({
      upstream: new GrpcUpstream({ endpoint: `127.0.0.1:${backend.port}` }),
      log: (m) => logs.push(m),
    });
    const rx = await startTapReceiver({ listen: '127.0.0.1:0', forwarder });
    open.push(rx);
    const sent = [0, 1, 2, 3, 4].map((i) =>
      Buffer.from(encodeTraceRequest([handlerSpan(i), handlerSpan(i + 10)])),
    );
    for (const b of sent) assert.equal(await sendOtlpBytes(rx.port, b), status.OK);
    await until(() => forwarder.counters().requestsForwarded === sent.length);
    assert.deepEqual(
      backend.requests.map((b) => b.toString('hex')).sort(),
      sent.map((b) => b.toString('hex')).sort(),
    );
    const c = forwarder.counters();
    assert.equal(rx.counters().spansReceived, c.spansForwarded + c.spansDropped.queue_full);
    assert.equal(c.spansForwarded, 10);
    assert.deepEqual(logs, []);
    await forwarder.close(1_000);
  });

  it('inline: a backend that is down never delays the sender; one line while down, forwarding resumes', async () => {
    const probe = await startRawOtlpServer(0);
    const port = probe.port;
    await probe.close();
    const logs: string[] = [];
    const forwarder = new TapForwarder({
      upstream: new GrpcUpstream({ endpoint: `127.0.0.1:${port}`, timeoutMs: 1_000 }),
      log: (m) => logs.push(m),
      minRetryDelayMs: 50,
      maxRetryDelayMs: 200,
      maxQueueRequests: 3,
    });
    const rx = await startTapReceiver({ listen: '127.0.0.1:0', forwarder });
    open.push(rx);
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      assert.equal(await sendOtlpBytes(rx.port, encodeTraceRequest([handlerSpan(i)])), status.OK);
      assert.ok(performance.now() - t0 < 1_000, 'the sender waited on the backend');
      await new Promise((r) => setTimeout(r, 30));
    }
    await until(() => !forwarder.counters().backendUp);
    assert.ok(forwarder.counters().spansDropped.queue_full >= 2, JSON.stringify(forwarder.counters()));
    const backend = await startRawOtlpServer(port);
    open.push(backend);
    await until(
      () =>
        forwarder.counters().queuedRequests + forwarder.counters().inFlightRequests === 0 &&
        forwarder.counters().backendUp,
      10_000,
    );
    const c = forwarder.counters();
    assert.equal(rx.counters().spansReceived, c.spansForwarded + c.spansDropped.queue_full);
    assert.equal(backend.requests.length, c.requestsForwarded);
    assert.equal(logs.length, 2, logs.join('\n'));
    assert.match(logs[0] ?? '', /unreachable/);
    assert.match(logs[1] ?? '', /reachable again/);
    await forwarder.close(1_000);
  });

  it('round-trips ids, times and scalar attributes through the protobuf codec', () => {
    const s = handlerSpan(7, { count: 3, flag: true, ratio: 0.5 });
    const back = decodeTraceRequest(encodeTraceRequest([s]));
    assert.ok(back.ok);
    assert.deepEqual(back.spans, [s]);
  });
});

export type { TapReceiver };
