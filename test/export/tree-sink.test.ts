import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryWriter } from '../../src/export/line-writer.js';
import { TraceParts } from '../../src/export/trace-parts.js';
import { TreeSink } from '../../src/export/tree-sink.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { span, T0 } from './fixtures.js';

const TRACE = '7b9c5b4c7c7b94e26717f479349c146e';

/** A drain: the cordon's record, and one eviction's, sent before it, that hangs under it. */
function drain(): { cordon: TraceRecord; eviction: TraceRecord } {
  const cordonSpan = span({
    traceId: TRACE,
    spanId: '071083a18c36f3fa',
    name: 'Node.Cordon',
    role: 'intent',
    service: 'kubectl',
    endTime: T0 + 98,
  });
  const evict = span({
    traceId: TRACE,
    spanId: 'ac7ba944e6ba2afa',
    parentSpanId: cordonSpan.spanId,
    name: 'Pod.Evict',
    role: 'intent',
    startTime: T0 + 51,
    endTime: T0 + 98,
  });
  const termination = span({
    traceId: TRACE,
    spanId: 'aa00000000000001',
    parentSpanId: evict.spanId,
    name: 'Pod.Termination',
    service: 'kubelet',
    startTime: T0 + 51,
    endTime: T0 + 97,
  });
  const base = { traceId: TRACE, end: 'converged', partial: false, hasError: false } as const;
  return {
    eviction: { ...base, root: evict, spans: [evict, termination] },
    cordon: { ...base, root: cordonSpan, spans: [cordonSpan] },
  };
}

describe('TreeSink', () => {
  it('prints a part sent before its root inside the root’s tree, once', async () => {
    const { cordon, eviction } = drain();
    const writer = new MemoryWriter();
    const sink = new TreeSink({ writer });
    await sink.export([eviction]);
    assert.equal(writer.text(), '', 'the eviction waits for the cordon that roots its trace');
    await sink.export([cordon]);
    await sink.shutdown();
    const headers = writer
      .text()
      .split('\n')
      .filter((l) => l.includes(`trace ${TRACE}`));
    assert.deepEqual(headers.length, 1, writer.text());
    assert.match(headers[0] ?? '', /^Node\.Cordon .* 3 spans /);
    const rows = writer
      .text()
      .split('\n')
      .filter((l) => l.startsWith('  '));
    assert.deepEqual(
      rows.map((r) => r.match(/(Node\.Cordon|Pod\.Evict|Pod\.Termination)/)?.[0]),
      ['Node.Cordon', 'Pod.Evict', 'Pod.Termination'],
    );
    assert.match(rows[1] ?? '', / {3}Pod\.Evict/, 'the eviction is indented under the cordon');
    assert.equal(sink.counters.spansExported, 3);
  });

  it('prints what is still held at shutdown, as it was sent', async () => {
    const { eviction } = drain();
    const writer = new MemoryWriter();
    const sink = new TreeSink({ writer });
    await sink.export([eviction]);
    assert.equal(sink.counters.spansExported, 0, 'nothing held counts as written');
    await sink.shutdown();
    assert.match(writer.text(), /^Pod\.Evict .* 2 spans /);
    assert.equal(sink.counters.spansExported, 2);
  });
});

describe('TraceParts', () => {
  it('holds at most its bound, giving the oldest part back as it is', () => {
    const parts = new TraceParts(2);
    const records = [1, 2, 3].map((i) => {
      const { eviction } = drain();
      const traceId = `${i}`.padStart(32, '0');
      return { ...eviction, traceId };
    });
    assert.deepEqual(parts.settle(records.slice(0, 2)), []);
    assert.equal(parts.held, 2);
    assert.deepEqual(parts.settle(records.slice(2)), [records[0]]);
    assert.equal(parts.held, 2);
    assert.deepEqual(parts.release(), records.slice(1));
    assert.equal(parts.held, 0);
  });

  it('passes records that carry their root, and late records, through unchanged', () => {
    const { cordon, eviction } = drain();
    const parts = new TraceParts();
    assert.deepEqual(parts.settle([cordon]), [cordon]);
    const late = { ...eviction, late: true as const };
    assert.deepEqual(parts.settle([late]), [late]);
    assert.equal(parts.held, 0);
  });
});
