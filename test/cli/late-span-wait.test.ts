import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awaitLateSpans } from '../../src/cli/late-span-wait.js';
import { TapCorrelator } from '../../src/correlation/tap-correlator.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import type { TapSpan } from '../../src/model/tap-span.js';

const T = Date.parse('2026-11-30T09:00:00.400Z');

/** A drain's Pod.Evict root, flushed at shutdown. */
const evict: SpanRecord = {
  traceId: '1'.repeat(32),
  spanId: '2'.repeat(16),
  parentSpanId: '3'.repeat(16),
  name: 'Pod.Evict',
  role: 'intent',
  service: 'unknown',
  startTime: T,
  endTime: T + 90,
  status: { code: 'UNSET' },
  attributes: {
    'k8s.namespace.name': 'ns',
    'k8s.pod.name': 'web-1',
    'kubetrail.intent': 'evict',
    'kubetrail.intent.manager': 'unknown',
  },
  events: [],
  links: [],
};
const flushed: TraceRecord = {
  traceId: evict.traceId,
  root: evict,
  spans: [evict],
  end: 'converged',
  partial: false,
  hasError: false,
};

/** kubectl drain's eviction of that Pod, as the apiserver's handler span tells it. */
const eviction: TapSpan = {
  traceId: 'c'.repeat(32),
  spanId: 'd'.repeat(16),
  name: 'Create',
  service: 'apiserver',
  startTime: T - 20,
  endTime: T - 5,
  attributes: {
    'audit-id': 'audit-1',
    verb: 'POST',
    resource: 'pods',
    subresource: 'eviction',
    namespace: 'ns',
    name: 'web-1',
    'user-agent': 'kubectl/v1.37.1 (linux/amd64) kubernetes/$Format',
  },
};

const requestLinks = (records: readonly TraceRecord[]) =>
  records
    .filter((r) => r.root.name === 'Pod.Evict')
    .flatMap((r) => r.root.links)
    .filter((l) => l.attributes?.['kubetrail.link.kind'] === 'apiserver.request');

describe('awaitLateSpans (shutdown with the tap on)', () => {
  it('links a trace flushed at shutdown to a request whose spans the apiserver sends after the flush (its batching, up to 5 s)', async () => {
    let now = T + 1_000;
    const correlator = new TapCorrelator();
    const out: TraceRecord[] = [];
    out.push(...correlator.process([flushed], now));
    await awaitLateSpans(
      correlator,
      () => now,
      (traces) => out.push(...traces),
      async (ms) => {
        now += ms;
        // The apiserver's batch arrives 3 s after the flush.
        if (now >= T + 4_000 && now - ms < T + 4_000) correlator.addSpans([eviction], now);
      },
    );
    const links = requestLinks(out);
    assert.equal(links.length, 1);
    assert.equal(links[0]?.spanId, eviction.spanId);
    assert.equal(out.find((r) => r.root.name === 'Pod.Evict')?.root.service, 'kubectl');
    assert.ok(now <= T + 1_000 + 7_000, 'no longer than the hold');
    assert.equal(correlator.stats().heldTraces, 0);
  });

  it('linking at once, as shutdown did before, misses that request', () => {
    const correlator = new TapCorrelator();
    const out = [...correlator.process([flushed], T + 1_000), ...correlator.flush(T + 1_000)];
    correlator.addSpans([eviction], T + 4_000);
    assert.deepEqual(requestLinks(out), []);
  });

  it('returns at once when nothing is held', async () => {
    let slept = 0;
    await awaitLateSpans(
      new TapCorrelator(),
      () => T,
      () => assert.fail('nothing to emit'),
      async () => {
        slept += 1;
      },
    );
    assert.equal(slept, 0);
  });
});
