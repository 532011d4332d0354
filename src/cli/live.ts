/**
 * The live run: watches a cluster, assembles traces, exports them, and runs
 * the operations endpoint and leader election. This is the composition root
 * of live mode; every part it wires lives in its own stage.
 */

import type { Server } from 'node:http';
import { hostname } from 'node:os';
import { TraceEngine } from '../assembly/trace-engine.js';
import type { Invocation } from '../config/config.js';
import { createSink, type SinkHandle } from '../export/create-sink.js';
import { systemClock } from '../model/clock.js';
import type { Delta } from '../model/delta.js';
import type { TraceRecord } from '../model/span-record.js';
import { KubetrailMetrics } from '../ops/metrics.js';
import { startOpsServer } from '../ops/ops-server.js';
import { HttpKubeTransport, loadKubeConfig } from '../sources/kube/kube-transport.js';
import { LeaderElector } from '../sources/kube/leader-election.js';
import { LiveSource } from '../sources/kube/live-source.js';
import { Recorder } from '../sources/kube/recorder.js';
import { realTiming } from '../sources/kube/reflector.js';
import { engineSettings } from './engine-settings.js';
import type { Logger } from './log.js';
import { logSampledOut } from './sampled-out-log.js';
import { sinkOptions } from './sink-options.js';

/** How long to wait for in-flight exports on shutdown before giving up. */
const SHUTDOWN_BUDGET_MS = 20_000;
/** Events observed this long before startup still count (clock skew, list latency). */
const STARTUP_EVENT_WINDOW_MS = 60_000;
/** The assembly buffer is ticked this often. */
const TICK_MS = 1_000;

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

function resourceLabel(object: unknown): string {
  const kind =
    typeof object === 'object' && object !== null ? (object as { kind?: unknown }).kind : undefined;
  return typeof kind === 'string' ? kind : 'unknown';
}

/** Runs until SIGTERM or SIGINT; resolves to the exit code. */
export async function runLive(inv: Invocation, log: Logger, version: string): Promise<number> {
  const { config } = inv;
  const metrics = new KubetrailMetrics();
  const userAgent = `kubetrail/${version}`;
  const kc = loadKubeConfig({
    userAgent,
    ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}),
    ...(config.context ? { context: config.context } : {}),
  });
  const transport = new HttpKubeTransport(kc, { userAgent });
  const clock = systemClock;
  const startedAt = clock.now();
  let lastTick = clock.now();
  let listed = false;
  const resourceAttributes: Record<string, string> = { ...config.resourceAttributes };
  const clusterUid = await transport
    .getJson('/api/v1/namespaces/kube-system', {}, AbortSignal.timeout(10_000))
    .then((r) => (r.status === 200 ? (r.body as { metadata?: { uid?: string } }).metadata?.uid : undefined))
    .catch(() => undefined);
  if (clusterUid) resourceAttributes['k8s.cluster.uid'] = clusterUid;
  else log.warn('cannot read the kube-system namespace; k8s.cluster.uid is left out');

  const engine = new TraceEngine({
    ...engineSettings(config, inv.rules),
    clock,
    startedAt,
    skipEventsBefore: startedAt - STARTUP_EVENT_WINDOW_MS,
  });
  const handle: SinkHandle = createSink({ ...sinkOptions(config, log, version), resourceAttributes });

  const recorder = config.record ? new Recorder(config.record) : undefined;
  // The ops endpoint starts before any watch or timer: a taken port fails cleanly.
  let server: Server | undefined;
  if (config.metricsAddr) {
    server = await startOpsServer(config.metricsAddr, metrics.registry, {
      health: () => (clock.now() - lastTick > 10 * TICK_MS ? 'assembly loop stalled' : undefined),
      ready: () => (listed ? undefined : 'initial list not complete'),
    });
    log.info('ops endpoint listening', { addr: config.metricsAddr });
  }

  log.info('starting', { version, server: transport.server, exporter: config.exporter });
  if (config.samplingRatePerMillion < 1_000_000) {
    log.info('sampling healthy traces by trace id; errors and slow traces are kept as configured', {
      samplingRatePerMillion: config.samplingRatePerMillion,
      keepErrors: config.keepErrors,
      slowTraceMs: config.slowTraceMs,
    });
  }

  metrics.leader.set(config.leaderElect ? 0 : 1);

  const onDelta = (delta: Delta): void => {
    recorder?.write(delta);
    metrics.deltas.inc({
      resource: resourceLabel(delta.object),
      type: delta.initial ? 'INITIAL' : delta.type,
    });
    const happened = eventTime(delta.object);
    if (happened !== undefined && !delta.initial)
      metrics.lag.observe(Math.max(0, delta.time - happened) / 1000);
    engine.apply(delta);
  };

  const source = new LiveSource({
    transport,
    resources: config.resources,
    watch: config.watch.map((g) => `${g.group || 'core'}/${g.version}/${g.resource}`),
    namespaces: config.namespaces,
    excludeNamespaces: config.excludeNamespaces,
    ...(config.selector ? { labelSelector: config.selector } : {}),
    onDelta,
    onEvent: (resource, e) => {
      if (e.type === 'restart') {
        metrics.watchRestarts.inc({ resource, reason: e.reason });
        if (e.reason !== 'end' && log.logEvery(`restart:${resource}`, 30_000)) {
          log.warn('watch restarting', { resource, reason: e.reason, error: e.error });
        }
      } else if (e.type === 'corrupt-frame') {
        metrics.corruptFrames.inc({ resource });
        if (log.logEvery(`corrupt:${resource}`, 60_000))
          log.warn('corrupt watch frame skipped', { resource, sample: e.sample });
      } else if (e.type === 'listed') {
        log.debug('listed', { resource, items: e.items, initial: e.initial });
      }
    },
  });

  let exporting: Promise<unknown> = Promise.resolve();
  let elector: LeaderElector | undefined;
  const emit = (traces: readonly TraceRecord[]): void => {
    if (traces.length === 0) return;
    // Asked at each export: leadership lapses by the clock, even while a renewal hangs.
    const leader = elector === undefined ? !config.leaderElect : elector.isLeader;
    const spans = traces.reduce((n, t) => n + t.spans.length, 0);
    for (const t of traces) metrics.tracesEmitted.inc({ end: t.end, kept: leader ? 'true' : 'false' });
    if (!leader) {
      metrics.spansDropped.inc({ reason: 'not_leader' }, spans);
      return;
    }
    metrics.spansEmitted.inc(spans);
    // Exports are chained so traces leave in the order they settled.
    exporting = exporting.then(() => handle.sink.export(traces));
  };

  const exported = { spansExported: 0, spansDropped: 0, exportErrors: 0, spansSampledOut: 0 };
  const refreshGauges = (): void => {
    const s = engine.stats();
    metrics.buffer.set({ buffer: 'objects' }, s.objects);
    metrics.buffer.set({ buffer: 'tombstones' }, s.tombstones);
    metrics.buffer.set({ buffer: 'open_traces' }, s.openTraces);
    metrics.buffer.set({ buffer: 'pending' }, s.pending);
    for (const [bound, n] of Object.entries(s.evictions)) metrics.evictions.set({ bound }, n);
    for (const [reason, n] of Object.entries(s.rejected)) metrics.rejected.set({ reason }, n);
    const c = handle.counters();
    metrics.buffer.set({ buffer: 'export_queue' }, c.queued);
    // prom-client counters only grow: feed them the sinks' deltas.
    if (c.spansDropped > exported.spansDropped)
      metrics.spansDropped.inc({ reason: 'export' }, c.spansDropped - exported.spansDropped);
    if (c.spansSampledOut > exported.spansSampledOut)
      metrics.spansDropped.inc({ reason: 'sampled_out' }, c.spansSampledOut - exported.spansSampledOut);
    if (c.exportErrors > exported.exportErrors)
      metrics.exportErrors.inc(c.exportErrors - exported.exportErrors);
    Object.assign(exported, {
      spansExported: c.spansExported,
      spansDropped: c.spansDropped,
      exportErrors: c.exportErrors,
      spansSampledOut: c.spansSampledOut,
    });
  };

  const ticker = setInterval(() => {
    lastTick = clock.now();
    try {
      emit(engine.tick());
      refreshGauges();
    } catch (err) {
      log.error('tick failed', { error: String((err as Error)?.stack ?? err) });
    }
  }, TICK_MS);

  if (config.leaderElect) {
    const identity = config.identity || `${hostname()}-${process.pid}`;
    elector = new LeaderElector({
      transport,
      namespace: config.leaseNamespace,
      name: config.leaseName,
      identity,
      timing: realTiming,
      onChange: (isLeader) => {
        metrics.leader.set(isLeader ? 1 : 0);
        log.info(isLeader ? 'became leader: exporting' : 'lost leadership: standing by', { identity });
      },
      onError: (message) => {
        if (log.logEvery('leader-election', 30_000)) log.warn('leader election', { error: message });
      },
    });
    elector.start();
  }

  const stopped = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const started = source.start().then(() => {
    listed = true;
    log.info('watching', {
      resources: source.resolved.map((r) => `${r.group || 'core'}/${r.version}/${r.resource}`),
    });
  });
  const outcome = await Promise.race([stopped, started.then(() => stopped)]).catch((err: unknown) => err);
  if (outcome instanceof Error) {
    log.error('cannot start watching', { error: outcome.message });
  } else {
    log.info('shutting down', { signal: outcome });
  }

  // Shutdown: stop watching, export what is open as cut off, flush, release the Lease.
  clearInterval(ticker);
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_BUDGET_MS).unref());
  await Promise.race([
    (async () => {
      await source.stop();
      emit(engine.tick());
      emit(engine.flush());
      await exporting;
      await handle.sink.shutdown();
      refreshGauges();
      await elector?.stop();
      await recorder?.close();
    })(),
    deadline,
  ]);
  server?.close();
  const sampled = handle.counters();
  if (sampled.tracesSampledOut > 0) logSampledOut(log, config, sampled);
  log.info('stopped', { spansExported: exported.spansExported, spansDropped: exported.spansDropped });
  return outcome instanceof Error ? 1 : 0;
}
