/**
 * The live run: watches a cluster, assembles traces, exports them, and runs
 * the operations endpoint and leader election. This is the composition root
 * of live mode; each part it wires is named and lives in its own file.
 */

import type { Server } from 'node:http';
import { TraceEngine } from '../assembly/trace-engine.js';
import type { Invocation } from '../config/config.js';
import { createSink } from '../export/create-sink.js';
import { systemClock } from '../model/clock.js';
import type { Delta } from '../model/delta.js';
import type { TraceRecord } from '../model/span-record.js';
import { KubetrailMetrics } from '../ops/metrics.js';
import { MetricsFeed } from '../ops/metrics-feed.js';
import { startOpsServer } from '../ops/ops-server.js';
import { ClockCalibrator } from '../sources/kube/clock-calibrator.js';
import { HttpKubeTransport } from '../sources/kube/kube-transport.js';
import { loadKubeConfig } from '../sources/kube/kubeconfig.js';
import { Recorder } from '../sources/kube/recorder.js';
import { AssemblyLoop } from './assembly-loop.js';
import { clusterResourceAttributes } from './cluster-identity.js';
import { engineSettings } from './engine-settings.js';
import { awaitLateSpans } from './late-span-wait.js';
import { LeaderGatedExport } from './leader-gated-export.js';
import { electionIdentity, type Leadership, startLeadership } from './live-election.js';
import { createLiveWatch } from './live-watch.js';
import type { Logger } from './log.js';
import { logSampledOut } from './sampled-out-log.js';
import { firstSignal, withinBudget } from './shutdown.js';
import { sinkOptions } from './sink-options.js';
import type { TapHandle } from './tap.js';

/** How long to wait for in-flight exports on shutdown before giving up. */
const SHUTDOWN_BUDGET_MS = 20_000;
/** Events observed this long before startup still count (clock skew, list latency). */
const STARTUP_EVENT_WINDOW_MS = 60_000;
/** The assembly buffer is ticked this often. */
const TICK_MS = 1_000;

/** Runs until SIGTERM or SIGINT; resolves to the exit code. */
export async function runLive(inv: Invocation, log: Logger, version: string): Promise<number> {
  const { config } = inv;
  const clock = systemClock;
  const startedAt = clock.now();
  const metrics = new KubetrailMetrics();
  const feed = new MetricsFeed(metrics);

  // The cluster, and what every span says about it.
  const userAgent = `kubetrail/${version}`;
  const kc = await loadKubeConfig({
    userAgent,
    ...(config.kubeconfig ? { kubeconfig: config.kubeconfig } : {}),
    ...(config.context ? { context: config.context } : {}),
  });
  const transport = new HttpKubeTransport(kc, { userAgent, readWindowMs: config.watchReadWindowMs });
  const resourceAttributes = await clusterResourceAttributes(transport, config.resourceAttributes, log);

  // The pure core, and the export edge behind the leader gate.
  const engine = new TraceEngine({
    ...engineSettings(config, inv.rules),
    clock,
    startedAt,
    skipEventsBefore: startedAt - STARTUP_EVENT_WINDOW_MS,
    // The list holds Events when any were written: one without is not a capture's.
    listIsHistory: true,
    // A step the clock offset's bounds prove: converted times follow it from here on.
    onClockStep: (step) =>
      log.warn("the watcher's clock stepped", {
        direction: step.direction,
        atLeastMs: step.atLeastMs,
        observedAt: new Date(step.observedAt).toISOString(),
      }),
  });
  const sink = createSink({ ...sinkOptions(config, log, version), resourceAttributes });
  // Campaigning starts last (below), once nothing else can fail at startup.
  let leadership: Leadership | undefined;
  const exporter = new LeaderGatedExport({
    sink: sink.sink,
    isLeader: () => leadership?.isLeader() ?? false,
    feed,
  });
  // Buffer sizes and the cumulative counts of the engine and the sinks are read at scrape time.
  const refreshMetrics = (): void => {
    feed.engine(engine.stats());
    feed.sink(sink.counters());
  };
  metrics.onCollect(refreshMetrics);
  // With the tap on, traces pass the correlation stage (links, back-links) on their way out.
  let correlate = (traces: readonly TraceRecord[]): readonly TraceRecord[] => traces;
  const loop = new AssemblyLoop({
    clock,
    periodMs: TICK_MS,
    tick: () => exporter.emit(correlate(engine.tick())),
    onError: (err) => log.error('tick failed', { error: String((err as Error)?.stack ?? err) }),
  });

  // The watches feed the core (and the recording).
  const recorder = config.record
    ? await Recorder.open(config.record, (err) => log.error('recording stopped', { error: err.message }))
    : undefined;
  const source = createLiveWatch({
    config,
    transport,
    feed,
    log,
    onDelta: (delta: Delta) => {
      recorder?.write(delta);
      feed.delta(delta);
      engine.apply(delta);
    },
  });

  // The apiserver's clock, read at startup and then every --clock-calibration-ms, bounds the
  // offset that watch times are converted with (and goes into the recording).
  let bursts = 0;
  const calibrator =
    config.clockCalibrationMs > 0
      ? new ClockCalibrator({
          source: transport,
          intervalMs: config.clockCalibrationMs,
          clock,
          onSample: (sample) => {
            recorder?.writeClock(sample);
            engine.calibrate(sample);
          },
          onBurst: (result) => {
            bursts += 1;
            const fields = {
              samples: result.samples,
              failures: result.failures,
              ...(result.bounds === undefined
                ? {}
                : { offsetLowerMs: result.bounds.lower, offsetUpperMs: result.bounds.upper }),
              ...(result.error === undefined ? {} : { error: result.error }),
            };
            if (result.samples === 0) log.warn("cannot read the apiserver's clock", fields);
            else if (bursts === 1) log.info("read the apiserver's clock", fields);
            else log.debug("read the apiserver's clock", fields);
          },
        })
      : undefined;

  // The ops endpoint starts before any watch: a taken port fails cleanly.
  let listed = false;
  let server: Server | undefined;
  if (config.metricsAddr) {
    server = await startOpsServer(config.metricsAddr, metrics.registry, {
      health: () => loop.health(),
      // Ready once every collection has listed or been refused (logged with the RBAC rule it needs).
      ready: () =>
        listed ? undefined : `initial list not complete: ${source.waiting.join(', ') || 'discovery'}`,
    });
    log.info('ops endpoint listening', { addr: config.metricsAddr });
  }

  let tap: TapHandle | undefined;
  try {
    // Loaded only with the tap on: its gRPC server and protobuf decoder are not needed otherwise.
    if (config.tapListen !== undefined)
      tap = await (await import('./tap.js')).startTap({
        config,
        log,
        registry: metrics.registry,
        now: () => clock.now(),
        onSpans: (spans) => recorder?.writeSpans({ time: clock.now(), spans }),
        ...(config.leaderElect
          ? {
              election: {
                identity: electionIdentity(config),
                leader: () => ({
                  self: leadership?.isLeader() ?? false,
                  holder: leadership?.holder(),
                }),
              },
            }
          : {}),
      });
    const correlator = tap?.correlator;
    if (correlator) correlate = (traces) => correlator.process(traces, clock.now());
  } catch (err) {
    log.error('cannot start the tap receiver', { error: (err as Error).message });
    server?.close();
    await recorder?.close();
    return 1;
  }
  leadership = startLeadership({ config, transport, feed, log });

  log.info('starting', { version, server: transport.server, exporter: config.exporter });
  if (config.samplingRatePerMillion < 1_000_000) {
    log.info('sampling healthy traces by trace id; errors and slow traces are kept as configured', {
      samplingRatePerMillion: config.samplingRatePerMillion,
      keepErrors: config.keepErrors,
      slowTraceMs: config.slowTraceMs,
    });
  }
  loop.start();
  calibrator?.start();
  const stopped = firstSignal();
  const started = source.start().then(() => {
    listed = true;
    log.info('watching', {
      resources: source.resolved.map((r) => `${r.group || 'core'}/${r.version}/${r.resource}`),
      ...(source.refused.length > 0 ? { refused: source.refused } : {}),
    });
  });
  const outcome = await Promise.race([stopped, started.then(() => stopped)]).catch((err: unknown) => err);
  if (outcome instanceof Error) log.error('cannot start watching', { error: outcome.message });
  else log.info('shutting down', { signal: outcome });

  // Shutdown: stop watching, export what is open as cut off, flush, release the Lease.
  loop.stop();
  await withinBudget(SHUTDOWN_BUDGET_MS, async () => {
    await Promise.all([source.stop(), calibrator?.stop()]);
    exporter.emit(correlate(engine.tick()));
    exporter.emit(correlate(engine.flush()));
    // While the tap still receives: the requests that made what was just flushed may be on their way.
    if (tap)
      await awaitLateSpans(
        tap.correlator,
        () => clock.now(),
        (traces) => exporter.emit(traces),
      );
    await tap?.close(5_000);
    if (tap) exporter.emit(tap.correlator.flush(clock.now()));
    await exporter.drained();
    await sink.sink.shutdown();
    refreshMetrics();
    await leadership?.stop();
    await recorder?.close();
  });
  server?.close();
  const c = sink.counters();
  if (c.tracesSampledOut > 0) logSampledOut(log, config, c);
  log.info('stopped', { spansExported: c.spansExported, spansDropped: c.spansDropped });
  return outcome instanceof Error ? 1 : 0;
}
