import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OtlpSink } from '../../src/export/otlp-sink.js';
import { ServiceFoldingSink } from '../../src/export/service-fold.js';
import { healthyTrace, smallTrace, T0 } from './fixtures.js';

/** Fails while `down` is true, like a backend that is not there. */
class FlakyExporter implements SpanExporter {
  down = true;
  /** While true, exports hang until released, like a backend that times out. */
  hang = false;
  readonly held: (() => void)[] = [];
  readonly received: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    if (this.hang) {
      this.held.push(() => this.export(spans, done));
      return;
    }
    if (this.down) {
      done({ code: ExportResultCode.FAILED, error: new Error('14 UNAVAILABLE: No connection established') });
      return;
    }
    this.received.push(...spans);
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('OtlpSink', () => {
  it('keeps the records’ ids, times, parent, status, events, links and per-service resource', async () => {
    const memory = new InMemorySpanExporter();
    const sink = new OtlpSink({
      exporter: memory,
      resourceAttributes: { 'k8s.cluster.name': 'prod', 'service.name': 'ignored' },
      scopeVersion: '0.1.0',
    });
    const result = await sink.export([smallTrace()]);
    assert.equal(result.code, 0);
    await sink.forceFlush();
    const spans = memory.getFinishedSpans();
    assert.equal(spans.length, 4);
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const root = byId.get('00f067aa0ba902b7');
    assert.ok(root);
    assert.equal(root.spanContext().traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(root.parentSpanContext, undefined);
    assert.equal(root.kind, SpanKind.INTERNAL);
    assert.deepEqual(root.startTime, [Math.floor(T0 / 1000), 0]);
    assert.deepEqual(root.endTime, [Math.floor(T0 / 1000) + 2, 500_000_000]);
    assert.equal(root.resource.attributes['service.name'], 'kubectl-client-side-apply');
    assert.equal(root.resource.attributes['k8s.cluster.name'], 'prod');
    assert.equal(root.instrumentationScope.name, 'kubetrail');
    const pod = byId.get('2222222222222222');
    assert.ok(pod);
    assert.equal(pod.parentSpanContext?.spanId, '1111111111111111');
    assert.deepEqual(pod.startTime, [Math.floor(T0 / 1000), 250_500_000]);
    assert.equal(pod.events[0]?.name, 'PodScheduled');
    assert.equal(pod.links[0]?.context.spanId, 'b'.repeat(16));
    const failed = byId.get('3333333333333333');
    assert.ok(failed);
    assert.deepEqual(failed.status, { code: SpanStatusCode.ERROR, message: 'ErrImagePull' });
    assert.equal(failed.resource.attributes['service.instance.id'], 'node-1');
    // One Resource object per service: the exporter groups by identity.
    const kubelet2 = { ...smallTrace() };
    await sink.export([kubelet2]);
    await sink.forceFlush();
    const again = memory.getFinishedSpans().filter((s) => s.spanContext().spanId === '3333333333333333');
    assert.equal(again.length, 2);
    assert.equal(again[0]?.resource, again[1]?.resource);
    assert.equal(sink.counters.spansExported, 8);
    await sink.shutdown();
  });

  it('survives a dead backend: bounded queue, drops counted, one log line, recovery', async () => {
    const flaky = new FlakyExporter();
    const lines: string[] = [];
    let now = 0;
    const sink = new OtlpSink({
      exporter: flaky,
      maxQueueSize: 6,
      maxExportBatchSize: 4,
      scheduledDelayMillis: 60_000,
      log: (msg) => lines.push(msg),
      now: () => now,
    });
    for (let i = 0; i < 20; i++) {
      await sink.export([smallTrace()]);
      await sink.forceFlush();
      now += 100;
    }
    assert.equal(sink.counters.spansExported, 0);
    assert.equal(sink.counters.spansDropped, 80);
    assert.ok(sink.counters.exportErrors >= 20);
    assert.deepEqual(lines, ['OTLP export failing; spans dropped']);

    // A hanging backend: the queue bound holds and the excess is counted.
    flaky.hang = true;
    const full = await sink.export([smallTrace(), smallTrace()]);
    assert.equal(full.code, 1);
    assert.equal(full.error?.message, 'export queue full (6); 2 spans dropped');
    assert.equal(sink.queued, 6);

    flaky.down = false;
    flaky.hang = false;
    for (const release of flaky.held.splice(0)) release();
    await sink.forceFlush();
    assert.equal(sink.queued, 0);
    assert.equal(flaky.received.length, 6);
    const after = await sink.export([healthyTrace('c'.repeat(32))]);
    assert.equal(after.code, 0);
    await sink.forceFlush();
    assert.equal(flaky.received.length, 7);
    assert.equal(lines.at(-1), 'OTLP export recovered');
    assert.equal(lines.length, 2);
    await sink.shutdown();
    const late = await sink.export([healthyTrace('d'.repeat(32))]);
    assert.equal(late.code, 1);
  });

  it('folds every span under one service, keeping the component', async () => {
    const memory = new InMemorySpanExporter();
    const otlp = new OtlpSink({ exporter: memory });
    const sink = new ServiceFoldingSink(otlp, 'kubetrail');
    await sink.export([smallTrace()]);
    await sink.forceFlush();
    const spans = memory.getFinishedSpans();
    assert.deepEqual(
      new Set(spans.map((s) => s.resource.attributes['service.name'])),
      new Set(['kubetrail']),
    );
    const kubelet = spans.find((s) => s.spanContext().spanId === '3333333333333333');
    assert.equal(kubelet?.attributes['kubetrail.component'], 'kubelet');
    assert.equal(kubelet?.attributes['kubetrail.component.instance'], 'node-1');
    assert.equal(kubelet?.resource.attributes['service.instance.id'], undefined);
    await sink.shutdown();
  });
});
