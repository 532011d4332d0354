/**
 * The live source: resolves the watched resources once (discovery), then runs
 * one reflector per collection and namespace, feeding every delta to `onDelta`.
 * Events come from events.k8s.io/v1 when the cluster serves it, else from
 * core/v1 — never both, which would duplicate every span.
 *
 * Every list starts at once, and none waits for another to succeed: a resource
 * the apiserver refuses (403) is reported with the RBAC rule it needs, and the
 * others go on. Only delivery keeps an order: a collection's deltas are held
 * until every collection before it (objects in the configured order, then
 * Events) has made its first attempt, listed or failed. The engine sees the
 * startup lists in the same order whatever the network does, and the first
 * Events find their owners.
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
  /** The apiserver refused a list or watch (403); called once until that collection lists again. */
  readonly onForbidden?: (refused: RefusedAccess) => void;
  readonly timing?: ReflectorTiming;
  readonly stallMs?: number;
}

/** A collection the apiserver refuses to kubetrail, and the RBAC rule that would allow it. */
export interface RefusedAccess {
  /** `group/version/resource` (`core` for the core group). */
  readonly resource: string;
  /** Set when the collection is one namespace's (`--namespace`). */
  readonly namespace?: string;
  readonly verb: 'list' | 'watch';
  /** The missing rule, e.g. `apiGroups: ["apps"], resources: ["deployments"], verbs: ["list", "watch"]`. */
  readonly rule: string;
  /** What the apiserver said. */
  readonly message: string;
}

/** The RBAC rule that lets kubetrail list and watch `r`. */
export function rbacRuleFor(r: WatchedResource): string {
  return `apiGroups: ["${r.group}"], resources: ["${r.resource}"], verbs: ["list", "watch"]`;
}

/** Where one collection stands in its first list. */
type CollectionState = 'waiting' | 'listed' | 'refused';

interface Collection {
  readonly label: string;
  /** Deltas held until the collections before this one have made their first attempt. */
  held: Delta[] | undefined;
  state: CollectionState;
  /** It has listed or failed at least once. */
  attempted: boolean;
  /** A refusal was reported and has not been cleared by a list since. */
  reported: boolean;
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
  readonly #collections: Collection[] = [];
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

  /**
   * Resolves, then starts every reflector at once. Resolves when each collection
   * has either listed or been refused by the apiserver: the graph holds all that
   * kubetrail may read. Other failures are retried, and keep it waiting.
   */
  async start(): Promise<void> {
    const resolved = this.resolved.length > 0 ? this.resolved : await this.resolve();
    const excluded = (this.#o.excludeNamespaces ?? []).map((ns) => `metadata.namespace!=${ns}`).join(',');
    let settle: () => void = () => {};
    const settled = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const check = (): void => {
      // Release, in order, each collection whose predecessors have all made their first attempt.
      for (const c of this.#collections) {
        if (c.held !== undefined) {
          const held = c.held;
          c.held = undefined;
          for (const d of held) this.#o.onDelta(d);
        }
        if (!c.attempted) break;
      }
      if (this.#collections.every((c) => c.state !== 'waiting')) settle();
    };
    // Objects before Events, as configured otherwise.
    const ordered = [...resolved].sort(
      (a, b) => Number(a.resource === 'events') - Number(b.resource === 'events'),
    );
    for (const r of ordered) {
      const scopes = r.namespaced && this.#o.namespaces?.length ? this.#o.namespaces : [undefined];
      for (const ns of scopes) {
        const label = `${r.group || 'core'}/${r.version}/${r.resource}`;
        const c: Collection = {
          label: ns === undefined ? label : `${label} in ${ns}`,
          held: [],
          state: 'waiting',
          attempted: false,
          reported: false,
        };
        this.#collections.push(c);
        const onEvent = (e: ReflectorEvent): void => {
          this.#o.onEvent?.(label, e);
          if (e.type === 'listed') {
            c.state = 'listed';
            c.attempted = true;
            c.reported = false;
          } else if (e.type === 'restart' && (e.reason === 'error' || e.reason === 'forbidden')) {
            c.attempted = true;
            if (e.reason === 'forbidden') {
              if (c.state === 'waiting') c.state = 'refused';
              if (!c.reported) {
                c.reported = true;
                this.#o.onForbidden?.({
                  resource: label,
                  ...(ns === undefined ? {} : { namespace: ns }),
                  verb: e.verb ?? 'list',
                  rule: rbacRuleFor(r),
                  message: e.error ?? '',
                });
              }
            }
          } else {
            return;
          }
          check();
        };
        const onDelta = (d: Delta): void => {
          if (c.held === undefined) this.#o.onDelta(d);
          else c.held.push(d);
        };
        this.#reflectors.push(
          new Reflector({
            path: collectionPath(r, ns),
            transport: this.#o.transport,
            timing: this.#o.timing ?? realTiming,
            onDelta,
            onEvent,
            ...(r.selectable && this.#o.labelSelector ? { labelSelector: this.#o.labelSelector } : {}),
            ...(r.namespaced && excluded && !ns ? { fieldSelector: excluded } : {}),
            ...(this.#o.stallMs !== undefined ? { stallMs: this.#o.stallMs } : {}),
          }),
        );
      }
    }
    check();
    // All at once: no list waits for another, so one refused resource holds up nothing.
    for (const reflector of this.#reflectors) void reflector.start();
    await settled;
  }

  /** Collections that have neither listed nor been refused yet, for the readiness probe. */
  get waiting(): readonly string[] {
    return this.#collections.filter((c) => c.state === 'waiting').map((c) => c.label);
  }

  /** Collections the apiserver refuses (403) and that have not listed since. */
  get refused(): readonly string[] {
    return this.#collections.filter((c) => c.reported).map((c) => c.label);
  }

  /** Stops every reflector. */
  async stop(): Promise<void> {
    await Promise.all(this.#reflectors.map((r) => r.stop()));
  }
}
