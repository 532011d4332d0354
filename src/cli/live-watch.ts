import type { KubetrailConfig } from '../config/config.js';
import type { Delta } from '../model/delta.js';
import type { MetricsFeed } from '../ops/metrics-feed.js';
import type { KubeTransport } from '../sources/kube/kube-transport.js';
import { LiveSource, type RefusedAccess } from '../sources/kube/live-source.js';
import type { Logger } from './log.js';

/** How often a refused resource is logged again while it stays refused. */
const FORBIDDEN_LOG_EVERY_MS = 10 * 60_000;

/** The log line for a resource the apiserver refuses: what is missing, and that the rest goes on. */
export function forbiddenMessage(r: RefusedAccess): string {
  const where =
    r.namespace === undefined ? 'its ClusterRole' : `a Role in namespace ${r.namespace} (or its ClusterRole)`;
  return `forbidden to ${r.verb} ${r.resource}${r.namespace === undefined ? '' : ` in ${r.namespace}`}: grant the RBAC rule {${r.rule}} in ${where}; watching the other resources meanwhile`;
}

/** The live source as configured, reporting to the metrics and the log. */
export function createLiveWatch(options: {
  config: KubetrailConfig;
  transport: KubeTransport;
  onDelta: (delta: Delta) => void;
  feed: MetricsFeed;
  log: Logger;
}): LiveSource {
  const { config, feed, log } = options;
  return new LiveSource({
    transport: options.transport,
    resources: config.resources,
    watch: config.watch.map((g) => `${g.group || 'core'}/${g.version}/${g.resource}`),
    namespaces: config.namespaces,
    excludeNamespaces: config.excludeNamespaces,
    ...(config.selector ? { labelSelector: config.selector } : {}),
    onDelta: options.onDelta,
    onForbidden: (r) => {
      if (log.logEvery(`forbidden:${r.resource}:${r.namespace ?? ''}`, FORBIDDEN_LOG_EVERY_MS))
        log.error(forbiddenMessage(r), { resource: r.resource, verb: r.verb, apiserver: r.message });
    },
    onEvent: (resource, e) => {
      feed.reflector(resource, e);
      if (e.type === 'restart') {
        if (e.reason !== 'end' && e.reason !== 'forbidden' && log.logEvery(`restart:${resource}`, 30_000))
          log.warn('watch restarting', { resource, reason: e.reason, error: e.error });
      } else if (e.type === 'corrupt-frame') {
        if (log.logEvery(`corrupt:${resource}`, 60_000))
          log.warn('corrupt watch frame skipped', { resource, sample: e.sample });
      } else if (e.type === 'listed') {
        log.debug('listed', { resource, items: e.items, initial: e.initial });
      }
    },
  });
}
