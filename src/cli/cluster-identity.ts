import type { KubeTransport } from '../sources/kube/kube-transport.js';
import type { Logger } from './log.js';

/** How long the one startup request for the cluster's identity may take. */
const CLUSTER_UID_TIMEOUT_MS = 10_000;

/**
 * The resource attributes of every span: the configured ones, plus
 * `k8s.cluster.uid`, the uid of the kube-system namespace (one GET at startup).
 */
export async function clusterResourceAttributes(
  transport: KubeTransport,
  configured: Readonly<Record<string, string>>,
  log: Logger,
): Promise<Record<string, string>> {
  const attributes: Record<string, string> = { ...configured };
  const uid = await transport
    .getJson('/api/v1/namespaces/kube-system', {}, AbortSignal.timeout(CLUSTER_UID_TIMEOUT_MS))
    .then((r) => (r.status === 200 ? (r.body as { metadata?: { uid?: unknown } }).metadata?.uid : undefined))
    .catch(() => undefined);
  if (typeof uid === 'string' && uid !== '') attributes['k8s.cluster.uid'] = uid;
  else log.warn('cannot read the kube-system namespace; k8s.cluster.uid is left out');
  return attributes;
}
