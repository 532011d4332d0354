/**
 * Tap mode's composition: the OTLP/gRPC receiver, the forwarder of the inline
 * topology, and the tap metrics. Live mode starts it when --tap-listen is set.
 */
import type { Registry } from 'prom-client';
import type { KubetrailConfig } from '../config/config.js';
import { isCorrelationSpan } from '../correlation/is-correlation-span.js';
import { TapCorrelator } from '../correlation/tap-correlator.js';
import type { TapSpan } from '../model/tap-span.js';
import { registerTapMetrics } from '../ops/tap-metrics.js';
import { GrpcUpstream } from '../sources/tap/grpc-upstream.js';
import { TapForwarder } from '../sources/tap/tap-forwarder.js';
import { startTapReceiver } from '../sources/tap/tap-receiver.js';
import { TapRelay, type TapRelayLeader } from '../sources/tap/tap-relay.js';
import type { Logger } from './log.js';

/** A running tap. */
export interface TapHandle {
  /** The correlation stage: assembled traces go through it on their way to export. */
  readonly correlator: TapCorrelator;
  /** Stops receiving, forwards what is queued within `budgetMs`, then stops. */
  close(budgetMs: number): Promise<void>;
}

/** What the tap needs from live mode. */
export interface TapOptions {
  readonly config: KubetrailConfig;
  readonly log: Logger;
  readonly registry: Registry;
  /** Also given the spans of each accepted request that correlation uses (the recorder). */
  readonly onSpans?: (spans: readonly TapSpan[]) => void;
  /**
   * With leader election: this replica's holder identity, and who leads now. A
   * standby then relays the spans correlation needs to the leader's tap.
   */
  readonly election?: { readonly identity: string; readonly leader: () => TapRelayLeader };
  /** The clock the correlator's windows run on. */
  readonly now: () => number;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Where the inline topology forwards: --endpoint, else the OTLP variables, else localhost:4317 (as the exporter). */
export function forwardEndpoint(
  config: KubetrailConfig,
  env: Readonly<Record<string, string | undefined>>,
): string {
  return (
    config.endpoint ||
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ||
    env.OTEL_EXPORTER_OTLP_ENDPOINT ||
    'http://localhost:4317'
  );
}

/** Starts the tap when --tap-listen is set; undefined otherwise. Rejects when the address is taken. */
export async function startTap(o: TapOptions): Promise<TapHandle | undefined> {
  const { config, log } = o;
  if (config.tapListen === undefined) return undefined;
  let forwarder: TapForwarder | undefined;
  if (config.tapForward) {
    const endpoint = forwardEndpoint(config, o.env ?? process.env);
    const bare = endpoint.replace(/^[a-z]+:\/\//i, '').replace(/\/$/, '');
    if (bare === config.tapListen)
      throw new Error(`--tap-listen ${config.tapListen} is also the forwarding endpoint: that would loop`);
    forwarder = new TapForwarder({
      upstream: new GrpcUpstream({
        endpoint,
        ...(config.insecure !== undefined ? { insecure: config.insecure } : {}),
        ...(config.tlsCa ? { tlsCa: config.tlsCa } : {}),
        ...(config.tlsCert ? { tlsCert: config.tlsCert } : {}),
        ...(config.tlsKey ? { tlsKey: config.tlsKey } : {}),
        headers: config.headers,
      }),
      log: (message, fields) => log.warn(message, fields),
    });
  }
  const correlator = new TapCorrelator();
  const relay = o.election
    ? new TapRelay({
        identity: o.election.identity,
        leader: o.election.leader,
        log: (message, fields) => log.warn(message, fields),
      })
    : undefined;
  const receiver = await startTapReceiver({
    listen: config.tapListen,
    ...(forwarder ? { forwarder } : {}),
    onSpans: (spans, relayedBy) => {
      const used = spans.filter(isCorrelationSpan);
      if (used.length === 0) return;
      correlator.addSpans(used, o.now());
      o.onSpans?.(used);
      // What another replica relayed is never relayed on: no loops between two replicas.
      if (relayedBy === undefined) relay?.offer(used);
    },
    onError: (error) => {
      if (log.logEvery('tap-correlation', 60_000))
        log.error('tap: correlating received spans failed', { error: String(error) });
    },
  });
  registerTapMetrics(o.registry, () => {
    const r = receiver.counters();
    const f = forwarder?.counters();
    const c = correlator.stats();
    const rl = relay?.counters();
    return {
      spansRelayedIn: r.spansRelayedIn,
      spansRelayedOut: rl?.spansRelayed ?? 0,
      relayDropped: rl?.spansDropped ?? {},
      relayQueuedRequests: rl?.queuedRequests ?? 0,
      relayQueuedBytes: rl?.queuedBytes ?? 0,
      requestsReceived: r.requestsReceived,
      requestsMalformed: r.requestsMalformed,
      spansReceived: r.spansReceived,
      spansForwarded: f?.spansForwarded ?? 0,
      spansDropped: f?.spansDropped ?? {},
      queuedRequests: f?.queuedRequests ?? 0,
      queuedBytes: f?.queuedBytes ?? 0,
      requestsIndexed: c.requests,
      kubeletPodsIndexed: c.kubeletPods,
      heldTraces: c.heldTraces,
      linksMade: c.linksMade,
      ambiguousLinks: c.ambiguousLinks,
      backLinks: c.backLinks,
    };
  });
  log.info('tap receiver listening', {
    addr: config.tapListen,
    port: receiver.port,
    topology: forwarder ? 'inline' : 'fan-out',
    relay: relay ? 'standbys relay to the leader' : 'off',
  });
  return {
    correlator,
    close: async (budgetMs) => {
      await receiver.close();
      await Promise.all([forwarder?.close(budgetMs), relay?.close(Math.min(budgetMs, 2_000))]);
    },
  };
}
