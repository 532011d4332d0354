import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Registry } from 'prom-client';
import { registerTapMetrics, type TapMetricsSource } from '../../src/ops/tap-metrics.js';

it('shows the tap counters as they are at scrape time', async () => {
  const registry = new Registry();
  let source: TapMetricsSource = {
    requestsReceived: 3,
    requestsMalformed: 1,
    spansReceived: 1_536,
    spansForwarded: 1_024,
    spansDropped: { queue_full: 512, rejected: 0, shutdown: 0 },
    queuedRequests: 0,
    queuedBytes: 0,
    requestsIndexed: 40,
    kubeletPodsIndexed: 2,
    heldTraces: 1,
    linksMade: 7,
    ambiguousLinks: 1,
    backLinks: 2,
    spansRelayedIn: 9,
    spansRelayedOut: 5,
    relayDropped: { no_leader_address: 4, queue_full: 0, rejected: 0, shutdown: 0 },
    relayQueuedRequests: 1,
    relayQueuedBytes: 300,
  };
  registerTapMetrics(registry, () => source);
  const text = await registry.metrics();
  for (const line of [
    'kubetrail_tap_requests_total{result="accepted"} 3',
    'kubetrail_tap_requests_total{result="malformed"} 1',
    'kubetrail_tap_spans_received_total 1536',
    'kubetrail_tap_spans_forwarded_total 1024',
    'kubetrail_tap_spans_dropped_total{reason="queue_full"} 512',
    'kubetrail_tap_index{entry="requests"} 40',
    'kubetrail_tap_links_total{kind="back_links"} 2',
    'kubetrail_tap_relay_spans_total{direction="sent"} 5',
    'kubetrail_tap_relay_spans_total{direction="received"} 9',
    'kubetrail_tap_relay_dropped_total{reason="no_leader_address"} 4',
    'kubetrail_tap_relay_queue{unit="bytes"} 300',
  ])
    assert.ok(text.includes(line), `${line} in\n${text}`);
  source = { ...source, spansReceived: 2_048, spansForwarded: 1_536 };
  const again = await registry.metrics();
  assert.ok(again.includes('kubetrail_tap_spans_received_total 2048'));
  assert.ok(again.includes('kubetrail_tap_spans_forwarded_total 1536'));
});
