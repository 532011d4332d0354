/**
 * The tap receiver's metrics, read from its counters at scrape time (the
 * counters live with the receiver; prom-client only shows them).
 */
import { Counter, Gauge, type Registry } from 'prom-client';

/** What the tap reports (cumulative counts, and what its queue holds now). */
export interface TapMetricsSource {
  readonly requestsReceived: number;
  readonly requestsMalformed: number;
  readonly spansReceived: number;
  readonly spansForwarded: number;
  readonly spansDropped: Readonly<Record<string, number>>;
  readonly queuedRequests: number;
  readonly queuedBytes: number;
  readonly requestsIndexed: number;
  readonly kubeletPodsIndexed: number;
  readonly heldTraces: number;
  readonly linksMade: number;
  readonly ambiguousLinks: number;
  readonly backLinks: number;
  /** HA: spans other replicas relayed to this one (the leader). */
  readonly spansRelayedIn: number;
  /** HA: spans this standby relayed to the leader. */
  readonly spansRelayedOut: number;
  readonly relayDropped: Readonly<Record<string, number>>;
  readonly relayQueuedRequests: number;
  readonly relayQueuedBytes: number;
}

/** Registers the tap metrics on `registry`; `read` is called once per scrape. */
export function registerTapMetrics(registry: Registry, read: () => TapMetricsSource): void {
  const current = read;
  new Counter({
    name: 'kubetrail_tap_requests_total',
    help: 'OTLP trace export requests the tap received, by result (accepted, malformed).',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      const s = current();
      this.reset();
      this.inc({ result: 'accepted' }, s.requestsReceived);
      this.inc({ result: 'malformed' }, s.requestsMalformed);
    },
  });
  new Counter({
    name: 'kubetrail_tap_spans_received_total',
    help: 'Spans in the requests the tap accepted.',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(current().spansReceived);
    },
  });
  new Counter({
    name: 'kubetrail_tap_spans_forwarded_total',
    help: 'Spans forwarded to the backend (inline topology).',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(current().spansForwarded);
    },
  });
  new Counter({
    name: 'kubetrail_tap_spans_dropped_total',
    help: 'Received spans not forwarded (inline topology), by reason (queue_full, rejected, shutdown).',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(current().spansDropped)) this.inc({ reason }, n);
    },
  });
  new Gauge({
    name: 'kubetrail_tap_queue',
    help: 'What the forwarding queue holds now, by unit (requests, bytes).',
    labelNames: ['unit'] as const,
    registers: [registry],
    collect() {
      const s = current();
      this.set({ unit: 'requests' }, s.queuedRequests);
      this.set({ unit: 'bytes' }, s.queuedBytes);
    },
  });
  new Gauge({
    name: 'kubetrail_tap_index',
    help: 'What correlation holds now, by entry (requests, kubelet_pods, held_traces).',
    labelNames: ['entry'] as const,
    registers: [registry],
    collect() {
      const s = current();
      this.set({ entry: 'requests' }, s.requestsIndexed);
      this.set({ entry: 'kubelet_pods' }, s.kubeletPodsIndexed);
      this.set({ entry: 'held_traces' }, s.heldTraces);
    },
  });
  new Counter({
    name: 'kubetrail_tap_links_total',
    help: 'Span links correlation made, by kind (exact, ambiguous spans, back_link spans).',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const s = current();
      this.reset();
      this.inc({ kind: 'links' }, s.linksMade);
      this.inc({ kind: 'ambiguous_spans' }, s.ambiguousLinks);
      this.inc({ kind: 'back_links' }, s.backLinks);
    },
  });
  new Counter({
    name: 'kubetrail_tap_relay_spans_total',
    help: 'HA: correlation spans relayed between replicas, by direction (sent: this standby to the leader; received: relayed to this replica).',
    labelNames: ['direction'] as const,
    registers: [registry],
    collect() {
      const s = current();
      this.reset();
      this.inc({ direction: 'sent' }, s.spansRelayedOut);
      this.inc({ direction: 'received' }, s.spansRelayedIn);
    },
  });
  new Counter({
    name: 'kubetrail_tap_relay_dropped_total',
    help: 'HA: correlation spans this standby could not relay to the leader, by reason (no_leader_address, queue_full, rejected, shutdown).',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of Object.entries(current().relayDropped)) this.inc({ reason }, n);
    },
  });
  new Gauge({
    name: 'kubetrail_tap_relay_queue',
    help: 'HA: what the relay queue to the leader holds now, by unit (requests, bytes).',
    labelNames: ['unit'] as const,
    registers: [registry],
    collect() {
      const s = current();
      this.set({ unit: 'requests' }, s.relayQueuedRequests);
      this.set({ unit: 'bytes' }, s.relayQueuedBytes);
    },
  });
}
