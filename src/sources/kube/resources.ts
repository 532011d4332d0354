/**
 * Which collections kubetrail watches: the default set (`--resources`), plus any
 * group/version/resource named on the command line, resolved against the
 * apiserver's discovery once at startup.
 */

/** One watched collection. */
export interface WatchedResource {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  /** Plural resource name, e.g. `deployments`. */
  readonly resource: string;
  readonly namespaced: boolean;
  /** Whether label selectors apply (they do not to Events and Nodes). */
  readonly selectable: boolean;
}

/** The default resource names (all start at once; Events are delivered after the objects have listed). */
export const DEFAULT_RESOURCES: readonly string[] = [
  'nodes',
  'deployments',
  'statefulsets',
  'daemonsets',
  'cronjobs',
  'jobs',
  'replicasets',
  'pods',
  'events',
];

const BUILTIN: Readonly<Record<string, Omit<WatchedResource, 'resource'>>> = {
  pods: { group: '', version: 'v1', namespaced: true, selectable: true },
  nodes: { group: '', version: 'v1', namespaced: false, selectable: false },
  replicasets: { group: 'apps', version: 'v1', namespaced: true, selectable: true },
  deployments: { group: 'apps', version: 'v1', namespaced: true, selectable: true },
  statefulsets: { group: 'apps', version: 'v1', namespaced: true, selectable: true },
  daemonsets: { group: 'apps', version: 'v1', namespaced: true, selectable: true },
  jobs: { group: 'batch', version: 'v1', namespaced: true, selectable: true },
  cronjobs: { group: 'batch', version: 'v1', namespaced: true, selectable: true },
};

/** A `--resources` or `--watch` value that cannot be used. */
export class ResourceError extends Error {
  override readonly name = 'ResourceError';
  readonly code = 'ERR_RESOURCE';
}

/** A built-in resource by plural name; `events` is resolved by discovery instead. */
export function builtinResource(name: string): WatchedResource | undefined {
  const r = BUILTIN[name];
  return r ? { ...r, resource: name } : undefined;
}

/** Parses `group/version/resource` (`v1/configmaps` or `core/v1/configmaps` for the core group). */
export function parseGvr(spec: string): { group: string; version: string; resource: string } {
  const parts = spec.split('/');
  if (parts.length === 2 && parts[0] && parts[1]) return { group: '', version: parts[0], resource: parts[1] };
  if (parts.length === 3 && parts[0] && parts[1] && parts[2]) {
    return { group: parts[0] === 'core' ? '' : parts[0], version: parts[1], resource: parts[2] };
  }
  throw new ResourceError(`--watch "${spec}": expected group/version/resource, e.g. example.com/v1/widgets`);
}

/** The collection path of `r`, optionally inside one namespace. */
export function collectionPath(r: WatchedResource, namespace?: string): string {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return namespace && r.namespaced
    ? `${base}/namespaces/${namespace}/${r.resource}`
    : `${base}/${r.resource}`;
}

/** The discovery path of a group version. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}
