/**
 * kubetrail's Prometheus metrics, on a registry of its own (no global state).
 * Names follow Prometheus conventions: what only grows is a Counter named
 * `_total`. The README lists them; {@link MetricsFeed} updates them.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Why spans were not exported: the `reason` label of `kubetrail_spans_dropped_total`. */
export const DROP_REASONS = ['not_leader', 'sampled_out', 'export', 'backfill_unsettled'] as const;

/** Why a watch restarted: the `reason` label of `kubetrail_watch_restarts_total`. */
export const RESTART_REASONS = ['end', 'error', 'forbidden', 'gone', 'stall'] as const;

/**
 * How often the event-loop delay monitor samples, in ms. prom-client's default
 * (10 ms) wakes an idle process 100 times a second; 100 ms still resolves the
 * lag that matters here (ticks are 1 s apart).
 */
export const EVENT_LOOP_MONITORING_PRECISION_MS = 100;

/**
 * Every metric kubetrail exposes on /metrics. What changes per delta or per
 * tick is counted in plain numbers by its source and read at scrape time
 * ({@link KubetrailMetrics.onCollect}): prom-client's `inc` with labels costs
 * a label hash and validation per call, which was 4–7 % of live mode's
 * JavaScript time when done per delta.
 */
export class KubetrailMetrics {
  readonly registry = new Registry();
  readonly #sources: (() => void)[] = [];
  /** Runs every source before a metric it may feed is read. */
  readonly #collect = (): void => {
    for (const source of this.#sources) source();
  };
  readonly deltas = new Counter({
    name: 'kubetrail_deltas_total',
    help: 'Watch deltas received, by resource (object kind) and type (ADDED, MODIFIED, DELETED, INITIAL).',
    labelNames: ['resource', 'type'] as const,
    registers: [this.registry],
    collect: this.#collect,
  });
  readonly watchRestarts = new Counter({
    name: 'kubetrail_watch_restarts_total',
    help: `Watch restarts, by resource and reason (${RESTART_REASONS.join(', ')}).`,
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
    help: 'Spans handed to the exporter (by the leader only, with --leader-elect).',
    registers: [this.registry],
  });
  readonly tracesEmitted = new Counter({
    name: 'kubetrail_traces_emitted_total',
    help: 'Trace records settled by the assembly, on every replica, by how they ended (converged, error, cut-off, superseded, shutdown).',
    labelNames: ['end'] as const,
    registers: [this.registry],
  });
  readonly tracesSampled = new Counter({
    name: 'kubetrail_traces_sampled_total',
    help: 'Trace records the exporter sampled, by decision (kept, sampled_out).',
    labelNames: ['decision'] as const,
    registers: [this.registry],
    collect: this.#collect,
  });
  readonly spansDropped = new Counter({
    name: 'kubetrail_spans_dropped_total',
    help: `Spans not exported, by reason (${DROP_REASONS.join(', ')}); export covers a full queue, a failed export and spans after shutdown.`,
    labelNames: ['reason'] as const,
    registers: [this.registry],
    collect: this.#collect,
  });
  readonly exportErrors = new Counter({
    name: 'kubetrail_export_errors_total',
    help: 'Failed export attempts.',
    registers: [this.registry],
    collect: this.#collect,
  });
  readonly buffer = new Gauge({
    name: 'kubetrail_buffer_size',
    help: 'Entries held by the assembly pipeline, by buffer (objects, tombstones, open_traces, pending, export_queue).',
    labelNames: ['buffer'] as const,
    registers: [this.registry],
    collect: this.#collect,
  });
  readonly evictions = new Counter({
    name: 'kubetrail_evictions_total',
    help: 'Entries evicted because a bound was reached, by bound.',
    labelNames: ['bound'] as const,
    registers: [this.registry],
    collect: this.#collect,
  });
  readonly rejected = new Counter({
    name: 'kubetrail_rejected_input_total',
    help: 'Malformed or unusable input dropped by the core, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
    collect: this.#collect,
  });
  readonly clockOffset = new Gauge({
    name: 'kubetrail_clock_offset_seconds',
    help: "The watcher's clock minus the cluster's, estimated: the tightest upper bound of the apiserver's HTTP Date readings (--clock-calibration-ms) and of observed minus stamped (apiserver stamps of fresh writes and Events' eventTime); without readings the tightest of the stamps' (includes the fastest watch delivery). Span times are converted with it. NaN until a bound has counted.",
    registers: [this.registry],
    collect: this.#collect,
  });
  readonly clockOffsetUncertainty = new Gauge({
    name: 'kubetrail_clock_offset_uncertainty_seconds',
    help: 'How far kubetrail_clock_offset_seconds can be off: the interval between its bounds (it is the upper one). NaN without an HTTP Date reading of the apiserver, or while the bounds contradict each other (a clock stepped).',
    registers: [this.registry],
    collect: this.#collect,
  });
  readonly clockSteps = new Counter({
    name: 'kubetrail_clock_steps_total',
    help: "Steps of the watcher's clock (or the apiserver's) that the offset's bounds proved, by direction: forward, a reading of the apiserver's HTTP Date whose lower bound passes the readings' tightest upper bound by more than 100 ms (the estimate restarts from it); backward, an upper bound that far below the highest lower bound (the lower bounds restart). A forward step is only proven by a reading (--clock-calibration-ms).",
    labelNames: ['direction'] as const,
    registers: [this.registry],
    collect: this.#collect,
  });
  readonly leader = new Gauge({
    name: 'kubetrail_leader',
    help: '1 when this replica may export (it holds the Lease, or runs without leader election), else 0.',
    registers: [this.registry],
  });

  /**
   * Adds a source that brings plain counts into the metrics when they are
   * read (a scrape); it must be idempotent, as one scrape may run it more than once.
   */
  onCollect(source: () => void): void {
    this.#sources.push(source);
  }

  /** `defaultMetrics`: also collect the Node.js process metrics (the default). */
  constructor(options: { readonly defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({
        register: this.registry,
        prefix: 'kubetrail_',
        eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_PRECISION_MS,
      });
    }
  }
}
