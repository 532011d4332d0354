import type { JsonResponse, KubeTransport, LineStream } from '../../../src/sources/kube/kube-transport.js';

/** A Lease as the fake apiserver keeps it. */
export interface StoredLease {
  metadata: { name: string; namespace: string; resourceVersion: string };
  spec: Record<string, unknown>;
}

/**
 * The Lease endpoints of an apiserver, in memory, with optimistic concurrency
 * (a PUT with a stale resourceVersion gets 409), for fault injection.
 */
export class LeaseStore {
  readonly leases = new Map<string, StoredLease>();
  #rv = 1;

  /** Puts a Lease in place, as another replica would. */
  put(path: string, spec: Record<string, unknown>): void {
    const name = path.split('/').at(-1) ?? '';
    this.leases.set(path, {
      metadata: { name, namespace: 'kubetrail', resourceVersion: String(++this.#rv) },
      spec,
    });
  }

  get(path: string): JsonResponse {
    const lease = this.leases.get(path);
    return lease ? { status: 200, body: structuredClone(lease) } : { status: 404, body: {} };
  }

  write(method: 'POST' | 'PUT', path: string, body: unknown): JsonResponse {
    const b = body as StoredLease;
    const key = method === 'POST' ? `${path}/${b.metadata.name}` : path;
    const current = this.leases.get(key);
    if (method === 'POST' && current) return { status: 409, body: {} };
    if (method === 'PUT' && current?.metadata.resourceVersion !== b.metadata.resourceVersion)
      return { status: 409, body: {} };
    const stored = {
      ...b,
      metadata: { ...b.metadata, resourceVersion: String(++this.#rv) },
    } as StoredLease;
    this.leases.set(key, stored);
    return { status: method === 'POST' ? 201 : 200, body: structuredClone(stored) };
  }
}

/** One replica's connection to the store; `hang` makes every request wait until aborted. */
export class LeaseTransport implements KubeTransport {
  hang = false;
  requests = 0;
  constructor(readonly store: LeaseStore) {}

  #answer(signal: AbortSignal, f: () => JsonResponse): Promise<JsonResponse> {
    this.requests++;
    if (!this.hang) return Promise.resolve(f());
    return new Promise((_, reject) => {
      if (signal.aborted) reject(new Error('aborted'));
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  }

  getJson(path: string, _q: Readonly<Record<string, string>>, signal: AbortSignal): Promise<JsonResponse> {
    return this.#answer(signal, () => this.store.get(path));
  }

  sendJson(method: 'POST' | 'PUT', path: string, body: unknown, signal: AbortSignal): Promise<JsonResponse> {
    return this.#answer(signal, () => this.store.write(method, path, body));
  }

  stream(): Promise<LineStream> {
    return Promise.reject(new Error('no watches here'));
  }
}
