/**
 * The live source: resolves the watched resources once (discovery), then runs
 * one reflector per collection and namespace, feeding every delta to `onDelta`.
 * Events come from events.k8s.io/v1 when the cluster serves it, else from
 * core/v1 — never both, which would duplicate every span.
 */
import type { Delta } from '../../model/delta.js';
import type { KubeTransport } from './kube-transport.js';
import { Reflector, type ReflectorEvent, type ReflectorTiming, realTiming } from './reflector.js';
import {
  builtinResource,
  collectionPath,
  groupVersionPath,
  parseGvr,
  ResourceError,
  type WatchedResource,
} from './resources.js';

/** What to watch and how. */
export interface LiveSourceOptions {
  readonly transport: KubeTransport;
  /** Built-in resource names (see DEFAULT_RESOURCES). */
  readonly resources: readonly string[];
  /** Extra group/version/resource specs, CRDs included. */
  readonly watch?: readonly string[];
  /** Only these namespaces (empty: all). */
  readonly namespaces?: readonly string[];
  /** Never these namespaces. */
  readonly excludeNamespaces?: readonly string[];
  /** Label selector for object collections (not Events or Nodes). */
  readonly labelSelector?: string;
  readonly onDelta: (delta: Delta) => void;
  /** Reflector events, tagged with the resource they came from. */
  readonly onEvent?: (resource: string, event: ReflectorEvent) => void;
  readonly timing?: ReflectorTiming;
  readonly stallMs?: number;
}

interface DiscoveryResource {
  name: string;
  namespaced: boolean;
  verbs: string[];
}

/** Runs every reflector of a live watch. */
export class LiveSource {
  readonly #o: LiveSourceOptions;
  readonly #reflectors: Reflector[] = [];
  /** The resolved collections, for logs and tests. */
  resolved: readonly WatchedResource[] = [];

  constructor(options: LiveSourceOptions) {
    this.#o = options;
  }

  async #discover(
    group: string,
    version: string,
    signal: AbortSignal,
  ): Promise<DiscoveryResource[] | undefined> {
    const res = await this.#o.transport.getJson(groupVersionPath(group, version), {}, signal);
    if (res.status === 404) return undefined;
    if (res.status !== 200)
      throw new ResourceError(`discovery of ${group || 'core'}/${version}: HTTP ${res.status}`);
    const body = res.body as { resources?: DiscoveryResource[] };
    return Array.isArray(body.resources) ? body.resources : [];
  }

  /** Resolves the resource list against the cluster; every problem is reported at once. */
  async resolve(signal: AbortSignal = new AbortController().signal): Promise<WatchedResource[]> {
    const out: WatchedResource[] = [];
    const problems: string[] = [];
    for (const name of this.#o.resources) {
      if (name === 'events') {
        const modern = await this.#discover('events.k8s.io', 'v1', signal);
        out.push(
          modern?.some((r) => r.name === 'events')
            ? {
                group: 'events.k8s.io',
                version: 'v1',
                resource: 'events',
                namespaced: true,
                selectable: false,
              }
            : { group: '', version: 'v1', resource: 'events', namespaced: true, selectable: false },
        );
        continue;
      }
      const r = builtinResource(name);
      if (r) out.push(r);
      else
        problems.push(
          `unknown resource "${name}" in --resources; use --watch group/version/resource for others`,
        );
    }
    for (const spec of this.#o.watch ?? []) {
      try {
        const gvr = parseGvr(spec);
        const found = (await this.#discover(gvr.group, gvr.version, signal))?.find(
          (r) => r.name === gvr.resource,
        );
        if (!found) problems.push(`--watch ${spec}: the cluster serves no such resource`);
        else if (!found.verbs.includes('watch'))
          problems.push(`--watch ${spec}: the resource cannot be watched`);
        else out.push({ ...gvr, namespaced: found.namespaced, selectable: true });
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    if (problems.length > 0) throw new ResourceError(problems.join('\n'));
    this.resolved = out;
    return out;
  }

  /** Resolves, starts every reflector, and resolves once each has listed (the graph is full). */
  async start(): Promise<void> {
    const resolved = this.resolved.length > 0 ? this.resolved : await this.resolve();
    // Objects list before Events, so the graph knows owners when history starts.
    const resources = [...resolved].sort(
      (a, b) => Number(a.resource === 'events') - Number(b.resource === 'events'),
    );
    const excluded = (this.#o.excludeNamespaces ?? []).map((ns) => `metadata.namespace!=${ns}`).join(',');
    for (const r of resources) {
      const scopes = r.namespaced && this.#o.namespaces?.length ? this.#o.namespaces : [undefined];
      for (const ns of scopes) {
        const label = `${r.group || 'core'}/${r.version}/${r.resource}`;
        const reflector = new Reflector({
          path: collectionPath(r, ns),
          transport: this.#o.transport,
          timing: this.#o.timing ?? realTiming,
          onDelta: this.#o.onDelta,
          onEvent: (e) => this.#o.onEvent?.(label, e),
          ...(r.selectable && this.#o.labelSelector ? { labelSelector: this.#o.labelSelector } : {}),
          ...(r.namespaced && excluded && !ns ? { fieldSelector: excluded } : {}),
          ...(this.#o.stallMs !== undefined ? { stallMs: this.#o.stallMs } : {}),
        });
        this.#reflectors.push(reflector);
      }
    }
    // Lists run in order (objects before events) so the graph knows owners first.
    for (const reflector of this.#reflectors) await reflector.start();
  }

  /** Stops every reflector. */
  async stop(): Promise<void> {
    await Promise.all(this.#reflectors.map((r) => r.stop()));
  }
}
