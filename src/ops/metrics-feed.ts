/**
 * Turns what the live pipeline reports into metric updates: one method per
 * source of facts. The engine and the sinks keep cumulative counts; the feed
 * adds only what grew since it last looked, so Prometheus counters stay counters.
 * Deltas are counted in plain numbers and reach prom-client at scrape time.
 */
import type { Counter } from 'prom-client';
import type { EngineStats } from '../assembly/engine-stats.js';
import type { SinkHandle } from '../export/create-sink.js';
import type { Delta } from '../model/delta.js';
import type { TraceRecord } from '../model/span-record.js';
import type { ReflectorEvent } from '../sources/kube/reflector.js';
import type { KubetrailMetrics } from './metrics.js';

/** What the sinks count, as {@link SinkHandle.counters} returns it. */
export type SinkCountersView = ReturnType<SinkHandle['counters']>;

/** When an Event happened by its own account, for the lag metric. */
function eventTime(object: unknown): number | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const o = object as Record<string, unknown>;
  if (o.kind !== 'Event') return undefined;
  const series = o.series as { lastObservedTime?: unknown } | undefined;
  for (const t of [series?.lastObservedTime, o.lastTimestamp, o.eventTime, o.deprecatedLastTimestamp]) {
    if (typeof t === 'string') {
      const ms = Date.parse(t);
      if (!Number.isNaN(ms)) return ms;
    }
  }
  return undefined;
}

function kindOf(object: unknown): string {
  const kind =
    typeof object === 'object' && object !== null ? (object as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' ? kind : 'unknown';
}

/** Feeds a Counter from a cumulative source: adds what grew since the last reading. */
class CumulativeFeed<L extends string> {
  readonly #last = new Map<string, number>();
  constructor(
    readonly counter: Counter<L>,
    readonly label: L | undefined,
  ) {}

  /** Records that the source now stands at `value` (for `labelValue`, when labelled). */
  update(value: number, labelValue?: string): void {
    if (this.label === undefined || labelValue === undefined) this.updateLabels(value, '', undefined);
    else this.updateLabels(value, labelValue, { [this.label]: labelValue } as Partial<Record<L, string>>);
  }

  /** Records that the series `key` (its `labels`) now stands at `value`. */
  updateLabels(value: number, key: string, labels: Partial<Record<L, string>> | undefined): void {
    const grew = value - (this.#last.get(key) ?? 0);
    this.#last.set(key, value);
    if (grew <= 0) return;
    if (labels === undefined) this.counter.inc(grew);
    else this.counter.inc(labels, grew);
  }
}

/** Updates {@link KubetrailMetrics} from deltas, reflector events, traces, the engine and the sinks. */
export class MetricsFeed {
  readonly #m: KubetrailMetrics;
  readonly #evictions: CumulativeFeed<'bound'>;
  readonly #rejected: CumulativeFeed<'reason'>;
  readonly #exportDrops: CumulativeFeed<'reason'>;
  readonly #sampledOutSpans: CumulativeFeed<'reason'>;
  readonly #backfillLeftOut: CumulativeFeed<'reason'>;
  readonly #exportErrors: CumulativeFeed<string>;
  readonly #tracesSampled: CumulativeFeed<'decision'>;
  readonly #clockSteps: CumulativeFeed<'direction'>;
  /** Deltas by kind, then type: counted here per delta, added to the counter at scrape time. */
  readonly #deltaCounts = new Map<string, Map<string, number>>();
  readonly #deltasFed: CumulativeFeed<'resource' | 'type'>;

  constructor(metrics: KubetrailMetrics) {
    this.#m = metrics;
    this.#evictions = new CumulativeFeed(metrics.evictions, 'bound');
    this.#rejected = new CumulativeFeed(metrics.rejected, 'reason');
    this.#exportDrops = new CumulativeFeed(metrics.spansDropped, 'reason');
    this.#sampledOutSpans = new CumulativeFeed(metrics.spansDropped, 'reason');
    this.#backfillLeftOut = new CumulativeFeed(metrics.spansDropped, 'reason');
    this.#exportErrors = new CumulativeFeed(metrics.exportErrors, undefined);
    this.#tracesSampled = new CumulativeFeed(metrics.tracesSampled, 'decision');
    this.#clockSteps = new CumulativeFeed(metrics.clockSteps, 'direction');
    this.#deltasFed = new CumulativeFeed(metrics.deltas, undefined);
    metrics.onCollect(() => {
      for (const [resource, byType] of this.#deltaCounts)
        for (const [type, n] of byType)
          this.#deltasFed.updateLabels(n, `${resource}\n${type}`, { resource, type });
    });
  }

  /** A watch delta arrived; `delta.time` is when it was observed. */
  delta(delta: Delta): void {
    const kind = kindOf(delta.object);
    const type = delta.initial ? 'INITIAL' : delta.type;
    let byType = this.#deltaCounts.get(kind);
    if (byType === undefined) {
      byType = new Map();
      this.#deltaCounts.set(kind, byType);
    }
    byType.set(type, (byType.get(type) ?? 0) + 1);
    const happened = eventTime(delta.object);
    if (happened !== undefined && !delta.initial)
      this.#m.lag.observe(Math.max(0, delta.time - happened) / 1000);
  }

  /** A reflector of `resource` reported something. */
  reflector(resource: string, event: ReflectorEvent): void {
    if (event.type === 'restart') this.#m.watchRestarts.inc({ resource, reason: event.reason });
    else if (event.type === 'corrupt-frame') this.#m.corruptFrames.inc({ resource });
  }

  /** The assembly settled these trace records (on every replica). */
  settled(traces: readonly TraceRecord[]): void {
    for (const t of traces) this.#m.tracesEmitted.inc({ end: t.end });
  }

  /** These many spans went to the exporter. */
  exported(spans: number): void {
    if (spans > 0) this.#m.spansEmitted.inc(spans);
  }

  /** These many spans were not exported because this replica is not the leader. */
  notLeader(spans: number): void {
    if (spans > 0) this.#m.spansDropped.inc({ reason: 'not_leader' }, spans);
  }

  /** Whether this replica may export now. */
  leader(leading: boolean): void {
    this.#m.leader.set(leading ? 1 : 0);
  }

  /** The engine's current stats: buffer sizes, and its cumulative evictions and rejections. */
  engine(stats: EngineStats): void {
    this.#m.buffer.set({ buffer: 'objects' }, stats.objects);
    this.#m.buffer.set({ buffer: 'tombstones' }, stats.tombstones);
    this.#m.buffer.set({ buffer: 'open_traces' }, stats.openTraces);
    this.#m.buffer.set({ buffer: 'pending' }, stats.pending);
    this.#m.clockOffset.set(stats.clockOffsetMs === undefined ? Number.NaN : stats.clockOffsetMs / 1000);
    this.#m.clockOffsetUncertainty.set(
      stats.clockOffsetUncertaintyMs === undefined ? Number.NaN : stats.clockOffsetUncertaintyMs / 1000,
    );
    this.#clockSteps.update(stats.clockSteps.forward, 'forward');
    this.#clockSteps.update(stats.clockSteps.backward, 'backward');
    for (const [bound, n] of Object.entries(stats.evictions)) this.#evictions.update(n, bound);
    for (const [reason, n] of Object.entries(stats.rejected)) this.#rejected.update(n, reason);
    this.#backfillLeftOut.update(stats.backfillLeftOut, 'backfill_unsettled');
  }

  /** The sinks' current, cumulative counters. */
  sink(c: SinkCountersView): void {
    this.#m.buffer.set({ buffer: 'export_queue' }, c.queued);
    this.#exportDrops.update(c.spansDropped, 'export');
    this.#sampledOutSpans.update(c.spansSampledOut, 'sampled_out');
    this.#exportErrors.update(c.exportErrors);
    this.#tracesSampled.update(c.tracesKept, 'kept');
    this.#tracesSampled.update(c.tracesSampledOut, 'sampled_out');
  }
}
