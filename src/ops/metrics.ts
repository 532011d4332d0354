/**
 * kubetrail's Prometheus metrics, on a registry of its own (no global state).
 * Names follow Prometheus conventions; the README lists them.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Every metric kubetrail exposes on /metrics. */
export class KubetrailMetrics {
  readonly registry = new Registry();
  readonly deltas = new Counter({
    name: 'kubetrail_deltas_total',
    help: 'Watch deltas received, by resource and type.',
    labelNames: ['resource', 'type'] as const,
    registers: [this.registry],
  });
  readonly watchRestarts = new Counter({
    name: 'kubetrail_watch_restarts_total',
    help: 'Watch restarts, by resource and reason (end, error, gone, stall).',
    labelNames: ['resource', 'reason'] as const,
    registers: [this.registry],
  });
  readonly corruptFrames = new Counter({
    name: 'kubetrail_watch_corrupt_frames_total',
    help: 'Watch frames that were not valid JSON watch events, by resource.',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });
  readonly lag = new Histogram({
    name: 'kubetrail_event_lag_seconds',
    help: 'Delay from an Event being recorded by its reporter to kubetrail observing it.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly spansEmitted = new Counter({
    name: 'kubetrail_spans_emitted_total',
    help: 'Spans handed to the exporter.',
    registers: [this.registry],
  });
  readonly tracesEmitted = new Counter({
    name: 'kubetrail_traces_emitted_total',
    help: 'Traces settled, by how they ended and whether sampling kept them.',
    labelNames: ['end', 'kept'] as const,
    registers: [this.registry],
  });
  readonly spansDropped = new Counter({
    name: 'kubetrail_spans_dropped_total',
    help: 'Spans not exported, by reason (queue_full, export_failed, sampled_out, not_leader).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly exportErrors = new Counter({
    name: 'kubetrail_export_errors_total',
    help: 'Failed export attempts.',
    registers: [this.registry],
  });
  readonly buffer = new Gauge({
    name: 'kubetrail_buffer_size',
    help: 'Entries held by the assembly pipeline, by buffer (objects, tombstones, open_traces, pending, export_queue).',
    labelNames: ['buffer'] as const,
    registers: [this.registry],
  });
  readonly evictions = new Gauge({
    name: 'kubetrail_evictions',
    help: 'Entries evicted because a bound was reached, by bound (cumulative).',
    labelNames: ['bound'] as const,
    registers: [this.registry],
  });
  readonly rejected = new Gauge({
    name: 'kubetrail_rejected_input',
    help: 'Malformed or unusable input dropped by the core, by reason (cumulative).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly leader = new Gauge({
    name: 'kubetrail_leader',
    help: '1 when this replica holds the Lease and exports, else 0.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'kubetrail_' });
  }
}
