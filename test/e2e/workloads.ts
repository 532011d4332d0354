/** Objects and namespaces the end-to-end scenarios create. */
import { eventually, type LocalCluster } from '../cluster/cluster.js';

/** An image no node pulls: kwok runs Pods without pulling. */
export const IMAGE = 'kubetrail.invalid/web:1';

/** A Deployment manifest (JSON) of `replicas` Pods running `image`, with extra spec fields. */
export function deployment(
  name: string,
  replicas: number,
  image = IMAGE,
  extra: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
      ...extra,
    },
  });
}

/** Creates namespace `name` and waits for its default ServiceAccount, without which no Pod can be created. */
export async function createNamespace(cluster: LocalCluster, name: string): Promise<string> {
  await cluster.kubectl(['create', 'namespace', name]);
  await eventually(`ServiceAccount in ${name}`, 60_000, async () =>
    (await cluster.kubectl(['get', 'serviceaccount', 'default', '-n', name, '-o', 'name']))
      ? true
      : undefined,
  );
  return name;
}
