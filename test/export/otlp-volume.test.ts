import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createOtlpTraceExporter } from '../../src/export/otlp-exporter-factory.js';
import { OtlpSink } from '../../src/export/otlp-sink.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { T0 } from './fixtures.js';
import { type OtlpReceiver, startOtlpReceiver } from './otlp-receiver.js';

const SPANS = 150_000;
const PER_TRACE = 50;

/** `SPANS` spans in traces of `PER_TRACE`, every id distinct. */
function* traces(): Generator<TraceRecord> {
  for (let t = 0; t < SPANS / PER_TRACE; t++) {
    const traceId = t.toString(16).padStart(32, '0');
    const spans: SpanRecord[] = [];
    for (let s = 0; s < PER_TRACE; s++) {
      spans.push({
        traceId,
        spanId: (t * PER_TRACE + s + 1).toString(16).padStart(16, '0'),
        ...(s === 0 ? {} : { parentSpanId: (t * PER_TRACE + 1).toString(16).padStart(16, '0') }),
        name: s === 0 ? 'Deployment.Update' : 'Pod.Lifecycle',
        role: s === 0 ? 'intent' : 'lifecycle',
        service: s === 0 ? 'kubectl-client-side-apply' : 'kubelet',
        startTime: T0 + s,
        endTime: T0 + s + 10,
        status: { code: 'UNSET' },
        attributes: { 'k8s.namespace.name': 'default', 'k8s.pod.name': `web-${s}` },
        events: [],
        links: [],
      });
    }
    const root = spans[0];
    assert.ok(root !== undefined);
    yield { traceId, root, spans, end: 'converged', partial: false, hasError: false };
  }
}

function assertAllReceived(receiver: OtlpReceiver): void {
  assert.equal(receiver.spans.length, SPANS, 'every span arrived once');
  assert.equal(new Set(receiver.spans.map((s) => s.spanId)).size, SPANS, 'with distinct ids');
  assert.equal(receiver.spans.filter((s) => s.service === 'kubelet').length, SPANS - SPANS / PER_TRACE);
}

describe('OTLP export of 150,000 spans to a real receiver', { timeout: 120_000 }, () => {
  const receivers: OtlpReceiver[] = [];
  after(async () => {
    for (const r of receivers) await r.close();
  });

  it('loses none with back-pressure: export waits for room instead of dropping', async () => {
    const receiver = await startOtlpReceiver({ delayMs: 2 });
    receivers.push(receiver);
    const sink = new OtlpSink({
      exporter: createOtlpTraceExporter({ endpoint: `127.0.0.1:${receiver.port}` }),
      maxQueueSize: 8192,
      waitWhenFull: true,
      scheduledDelayMillis: 50,
    });
    let batch: TraceRecord[] = [];
    for (const t of traces()) {
      batch.push(t);
      if (batch.length === 100) {
        assert.equal((await sink.export(batch)).code, 0);
        batch = [];
      }
    }
    await sink.shutdown();
    assert.equal(sink.counters.spansDropped, 0);
    assert.equal(sink.counters.spansExported, SPANS);
    assertAllReceived(receiver);
    assert.ok(receiver.maxInFlight <= 4, `at most 4 exports at once, saw ${receiver.maxInFlight}`);
  });

  it('loses none when shutdown flushes a queue of 293 batches: within the concurrency limit', async () => {
    const receiver = await startOtlpReceiver({ delayMs: 2 });
    receivers.push(receiver);
    const sink = new OtlpSink({
      exporter: createOtlpTraceExporter({ endpoint: `127.0.0.1:${receiver.port}` }),
      maxQueueSize: 200_000,
      // Nothing leaves before shutdown: the whole queue is flushed at once.
      scheduledDelayMillis: 600_000,
      maxExportBatchSize: 512,
    });
    const all = [...traces()];
    assert.equal((await sink.export(all)).code, 0);
    await sink.shutdown();
    assert.equal(sink.counters.spansDropped, 0, 'nothing dropped');
    assert.equal(sink.counters.exportErrors, 0);
    assertAllReceived(receiver);
    assert.ok(receiver.maxInFlight <= 4, `at most 4 exports at once, saw ${receiver.maxInFlight}`);
  });
});
