import { hostname } from 'node:os';
import type { KubetrailConfig } from '../config/config.js';
import type { MetricsFeed } from '../ops/metrics-feed.js';
import type { KubeTransport } from '../sources/kube/kube-transport.js';
import { LeaderElector } from '../sources/kube/leader-election.js';
import { realTiming } from '../sources/kube/reflector.js';
import { identityWithTapAddress } from '../sources/tap/peer-identity.js';
import type { Logger } from './log.js';

/** Whether this replica may export, and how to give that up. */
export interface Leadership {
  /** Asked before each export. */
  isLeader(): boolean;
  /** The Lease's holder identity as last seen; undefined without leader election or before the first look. */
  holder(): string | undefined;
  /** This replica's holder identity. */
  readonly identity: string;
  /** Stops campaigning and releases the Lease if held. */
  stop(): Promise<void>;
}

/** This replica's holder identity: --identity (default host name and pid), with its tap address when given. */
export function electionIdentity(config: KubetrailConfig): string {
  return identityWithTapAddress(config.identity || `${hostname()}-${process.pid}`, config.tapPeerAddress);
}

/** With --leader-elect, campaigns for the Lease; without, this replica always exports. */
export function startLeadership(options: {
  config: KubetrailConfig;
  transport: KubeTransport;
  feed: MetricsFeed;
  log: Logger;
}): Leadership {
  const { config, feed, log } = options;
  const identity = electionIdentity(config);
  if (!config.leaderElect) {
    feed.leader(true);
    return { isLeader: () => true, holder: () => undefined, identity, stop: () => Promise.resolve() };
  }
  feed.leader(false);
  const elector = new LeaderElector({
    transport: options.transport,
    namespace: config.leaseNamespace,
    name: config.leaseName,
    identity,
    timing: realTiming,
    onChange: (leader) => {
      feed.leader(leader);
      log.info(leader ? 'became leader: exporting' : 'lost leadership: standing by', { identity });
    },
    onError: (message) => {
      if (log.logEvery('leader-election', 30_000)) log.warn('leader election', { error: message });
    },
  });
  elector.start();
  return {
    isLeader: () => elector.isLeader,
    holder: () => elector.holder,
    identity,
    stop: () => elector.stop(),
  };
}
