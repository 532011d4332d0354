import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SamplingSink } from '../../src/export/sampling-sink.js';
import { decideTrace, ratioKeeps } from '../../src/export/trace-sampler.js';
import { EXPORT_SUCCESS, type ExportResult, type TraceSink } from '../../src/export/trace-sink.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { healthyTrace, smallTrace } from './fixtures.js';

class CollectingSink implements TraceSink {
  readonly got: TraceRecord[] = [];
  export(traces: readonly TraceRecord[]): Promise<ExportResult> {
    this.got.push(...traces);
    return Promise.resolve(EXPORT_SUCCESS);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function hexId(i: number): string {
  // Spread ids over the low 32 bits the way hashed ids are spread.
  const low = Math.imul(i + 1, 2654435761) >>> 0;
  return `${'0'.repeat(24)}${low.toString(16).padStart(8, '0')}`;
}

describe('ratioKeeps', () => {
  it('is deterministic and close to the rate', () => {
    let kept = 0;
    for (let i = 0; i < 10_000; i++) if (ratioKeeps(hexId(i), 250_000)) kept++;
    assert.ok(kept > 2300 && kept < 2700, `kept ${kept} of 10000 at 25%`);
    assert.equal(ratioKeeps(hexId(7), 250_000), ratioKeeps(hexId(7), 250_000));
  });
  it('keeps everything at a million and nothing at zero', () => {
    assert.equal(ratioKeeps('f'.repeat(32), 1_000_000), true);
    assert.equal(ratioKeeps('0'.repeat(32), 0), false);
  });
});

describe('decideTrace', () => {
  const none = { samplingRatePerMillion: 0, keepErrors: true, slowTraceMs: 1000 };
  it('keeps error traces and slow traces even at rate 0', () => {
    assert.equal(decideTrace(smallTrace(), none), 'error');
    assert.equal(decideTrace(healthyTrace(hexId(1), 5000), none), 'slow');
    assert.equal(decideTrace(healthyTrace(hexId(1), 10), none), 'dropped');
  });
  it('drops error and slow traces when told to', () => {
    assert.equal(decideTrace(smallTrace(), { ...none, keepErrors: false, slowTraceMs: 0 }), 'dropped');
  });
});

describe('SamplingSink', () => {
  it('passes only kept traces and counts the rest', async () => {
    const inner = new CollectingSink();
    const sink = new SamplingSink(inner, { samplingRatePerMillion: 0, keepErrors: true, slowTraceMs: 0 });
    const result = await sink.export([healthyTrace(hexId(1)), smallTrace(), healthyTrace(hexId(2))]);
    assert.equal(result.code, 0);
    assert.deepEqual(
      inner.got.map((t) => t.traceId),
      [smallTrace().traceId],
    );
    assert.deepEqual(sink.counters, { tracesKept: 1, tracesSampledOut: 2, spansSampledOut: 2 });
  });
  it('rejects a rate outside 0..1000000', () => {
    assert.throws(
      () =>
        new SamplingSink(new CollectingSink(), {
          samplingRatePerMillion: 2e6,
          keepErrors: true,
          slowTraceMs: 0,
        }),
      TypeError,
    );
  });
});
