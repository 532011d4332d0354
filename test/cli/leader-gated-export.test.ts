import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeaderGatedExport } from '../../src/cli/leader-gated-export.js';
import { EXPORT_SUCCESS, type ExportResult, type TraceSink } from '../../src/export/trace-sink.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { KubetrailMetrics } from '../../src/ops/metrics.js';
import { MetricsFeed } from '../../src/ops/metrics-feed.js';
import { smallTrace } from '../export/fixtures.js';

/** A sink whose exports finish when the test says, in any order. */
class HeldSink implements TraceSink {
  readonly started: TraceRecord[][] = [];
  readonly finished: TraceRecord[][] = [];
  readonly #release: (() => void)[] = [];
  export(traces: readonly TraceRecord[]): Promise<ExportResult> {
    this.started.push([...traces]);
    return new Promise((resolve) => {
      this.#release.push(() => {
        this.finished.push([...traces]);
        resolve(EXPORT_SUCCESS);
      });
    });
  }
  release(): void {
    this.#release.shift()?.();
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('LeaderGatedExport', () => {
  it('asks for leadership at each export: traces settled while not leading are counted, not exported', async () => {
    const metrics = new KubetrailMetrics({ defaultMetrics: false });
    const sink = new HeldSink();
    let leading = true;
    const gate = new LeaderGatedExport({ sink, isLeader: () => leading, feed: new MetricsFeed(metrics) });
    const a = smallTrace();
    gate.emit([a]);
    leading = false;
    gate.emit([smallTrace()]);
    gate.emit([]);
    await new Promise((resolve) => setImmediate(resolve));
    sink.release();
    await gate.drained();
    assert.deepEqual(sink.finished, [[a]]);
    const text = await metrics.registry.metrics();
    assert.match(text, /^kubetrail_spans_emitted_total 4$/m);
    assert.match(text, /^kubetrail_spans_dropped_total\{reason="not_leader"\} 4$/m);
    assert.match(text, /^kubetrail_traces_emitted_total\{end="converged"\} 2$/m);
  });

  it('exports in the order traces settled, one batch after the other', async () => {
    const sink = new HeldSink();
    const gate = new LeaderGatedExport({
      sink,
      isLeader: () => true,
      feed: new MetricsFeed(new KubetrailMetrics({ defaultMetrics: false })),
    });
    const first = [smallTrace()];
    const second = [{ ...smallTrace(), end: 'error' as const }];
    gate.emit(first);
    gate.emit(second);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(sink.started.length, 1, 'the second waits for the first');
    sink.release();
    await new Promise((resolve) => setImmediate(resolve));
    sink.release();
    await gate.drained();
    assert.deepEqual(sink.finished, [first, second]);
  });
});
