/**
 * A bounded, time-windowed index of the write requests kube-apiserver served,
 * built from its spans as the tap receives them. Pure: the caller passes the
 * time; nothing here reads a clock or keeps a timer.
 *
 * A request is assembled from up to two spans that may arrive in either order:
 * the handler span (`Create`, `Update`, `Patch`, `Delete`: resource, namespace,
 * name, verb, user agent, audit id) and, for a create, whose URL has no name,
 * its `Create etcd3` child (the storage `key`, `/pods/NS/NAME`). Both carry the
 * audit id, which joins them. The HTTP server span above them carries the
 * audit id too, and in `http.target` the `fieldManager` the client named; it is
 * kept by audit id and read when a link is looked for.
 */
import type { TapSpan } from '../model/tap-span.js';
import type { ApiRequest } from './api-request.js';
import { actorOfUserAgent } from './user-agent.js';

/** Handler span names of writes. */
const HANDLERS: ReadonlySet<string> = new Set(['Create', 'Update', 'Patch', 'Delete']);
/** etcd spans that carry the storage key of a write. */
const STORAGE: ReadonlySet<string> = new Set(['Create etcd3', 'GuaranteedUpdate etcd3', 'Delete etcd3']);

/** Options of {@link RequestIndex}; every bound is validated eagerly. */
export interface RequestIndexOptions {
  /** Requests older than this (by their end, against `now`) are evicted. @default 900000 (15 min, the longest trace) */
  readonly windowMs?: number;
  /** Requests held at most; the oldest go first. @default 50000 */
  readonly maxRequests?: number;
  /** Handler spans waiting for their storage key, at most. @default 5000 */
  readonly maxPartial?: number;
}

/** What the index holds. */
export interface RequestIndexStats {
  readonly requests: number;
  readonly partial: number;
  /** Requests evicted by the count bound (the window evicts silently). */
  readonly evicted: number;
}

/** Resources the apiserver stores under another prefix than their name (its SpecialDefaultResourcePrefixes: Nodes under `/minions`). */
const STORAGE_PREFIX: Readonly<Record<string, string>> = { nodes: 'minions' };

/** The namespace and name in a storage key `/<prefix…>/<resource>/<ns>/<name>` or `/<resource>/<name>`. */
export function parseStorageKey(
  key: string,
  resource: string,
): { namespace: string; name: string } | undefined {
  const parts = key.split('/').filter((p) => p !== '');
  const alias = STORAGE_PREFIX[resource];
  const at = Math.max(parts.lastIndexOf(resource), alias === undefined ? -1 : parts.lastIndexOf(alias));
  if (at < 0) return undefined;
  const rest = parts.slice(at + 1);
  if (rest.length === 2 && rest[0] && rest[1]) return { namespace: rest[0], name: rest[1] };
  if (rest.length === 1 && rest[0]) return { namespace: '', name: rest[0] };
  return undefined;
}

/** Namespace, resource, name and subresource from a request path (`/api/v1/namespaces/NS/pods/NAME/binding`). */
export function parseRequestPath(
  path: string,
): { namespace: string; resource: string; name: string; subresource: string } | undefined {
  const p =
    path
      .split('?')[0]
      ?.split('/')
      .filter((s) => s !== '') ?? [];
  let i: number;
  if (p[0] === 'api' && p.length >= 2) i = 2;
  else if (p[0] === 'apis' && p.length >= 3) i = 3;
  else return undefined;
  let namespace = '';
  if (p[i] === 'namespaces' && p.length > i + 2) {
    namespace = p[i + 1] ?? '';
    i += 2;
  }
  const resource = p[i];
  if (resource === undefined) return undefined;
  return { namespace, resource, name: p[i + 1] ?? '', subresource: p[i + 2] ?? '' };
}

function str(s: TapSpan, key: string): string {
  const v = s.attributes[key];
  return typeof v === 'string' ? v : '';
}

interface Partial {
  handler?: TapSpan;
  key?: string;
  /** When it was first seen (`now`), for eviction. */
  readonly seen: number;
}

/** The `fieldManager` query parameter of an HTTP server span's target, if any. */
function fieldManagerOf(span: TapSpan): string | undefined {
  const target = str(span, 'http.target');
  const q = target.indexOf('?');
  if (q < 0) return undefined;
  const v = new URLSearchParams(target.slice(q + 1)).get('fieldManager');
  return v === null || v === '' ? undefined : v.slice(0, 128);
}

/** Whether the index has any use for `span`: recordings keep only these. */
export function isIndexedSpan(span: TapSpan): boolean {
  if (str(span, 'audit-id') === '') return false;
  return HANDLERS.has(span.name) || STORAGE.has(span.name) || fieldManagerOf(span) !== undefined;
}

/** The bounded index of apiserver write requests, by resource, namespace and name. */
export class RequestIndex {
  readonly #windowMs: number;
  readonly #maxRequests: number;
  readonly #maxPartial: number;
  /** resource → namespace → name → requests, oldest first. */
  readonly #byObject = new Map<string, Map<string, Map<string, ApiRequest[]>>>();
  /** All requests in insertion order, for eviction. */
  readonly #order: ApiRequest[] = [];
  #head = 0;
  readonly #partial = new Map<string, Partial>();
  /** audit id → the fieldManager its HTTP span named, insertion-ordered for eviction. */
  readonly #managers = new Map<string, { manager: string; seen: number }>();
  #evicted = 0;

  constructor(o: RequestIndexOptions = {}) {
    this.#windowMs = positive('windowMs', o.windowMs, 900_000);
    this.#maxRequests = positive('maxRequests', o.maxRequests, 50_000);
    this.#maxPartial = positive('maxPartial', o.maxPartial, 5_000);
  }

  /** Takes one received span; spans it has no use for are ignored. */
  add(span: TapSpan, now: number): void {
    if (!isIndexedSpan(span)) return;
    const auditId = str(span, 'audit-id');
    const manager = fieldManagerOf(span);
    if (manager !== undefined) {
      if (this.#managers.size >= this.#maxRequests) {
        const oldest = this.#managers.keys().next().value;
        if (oldest !== undefined) this.#managers.delete(oldest);
      }
      this.#managers.set(auditId, { manager, seen: now });
      return;
    }
    let p = this.#partial.get(auditId);
    if (p === undefined) {
      if (this.#partial.size >= this.#maxPartial) {
        const oldest = this.#partial.keys().next().value;
        if (oldest !== undefined) this.#partial.delete(oldest);
      }
      p = { seen: now };
      this.#partial.set(auditId, p);
    }
    if (HANDLERS.has(span.name)) p.handler = span;
    else {
      const key = str(span, 'key');
      if (key !== '') p.key = key;
    }
    const h = p.handler;
    if (h === undefined) return;
    const request = toRequest(h, p.key);
    if (request === undefined) {
      // A create waits for its storage key; anything else without a name is of no use.
      if (p.key !== undefined || h.name !== 'Create') this.#partial.delete(auditId);
      return;
    }
    this.#partial.delete(auditId);
    this.#insert(request);
    this.evict(now);
  }

  /** The fieldManager the request with `auditId` named, if its HTTP span said. */
  fieldManager(auditId: string): string | undefined {
    return this.#managers.get(auditId)?.manager;
  }

  /** The requests for one object, oldest first (empty when none). */
  find(resource: string, namespace: string, name: string): readonly ApiRequest[] {
    return this.#byObject.get(resource)?.get(namespace)?.get(name) ?? [];
  }

  /** Drops requests that ended before `now - windowMs`, and partial ones as old. */
  evict(now: number): void {
    const cutoff = now - this.#windowMs;
    while (this.#head < this.#order.length) {
      const r = this.#order[this.#head] as ApiRequest;
      if (this.#order.length - this.#head <= this.#maxRequests && r.endTime >= cutoff) break;
      if (this.#order.length - this.#head > this.#maxRequests) this.#evicted += 1;
      this.#remove(r);
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#order.length) {
      this.#order.splice(0, this.#head);
      this.#head = 0;
    }
    for (const [id, p] of this.#partial) {
      if (p.seen >= cutoff) break;
      this.#partial.delete(id);
    }
    for (const [id, m] of this.#managers) {
      if (m.seen >= cutoff) break;
      this.#managers.delete(id);
    }
  }

  stats(): RequestIndexStats {
    return { requests: this.#order.length - this.#head, partial: this.#partial.size, evicted: this.#evicted };
  }

  #insert(r: ApiRequest): void {
    let byNs = this.#byObject.get(r.resource);
    if (byNs === undefined) {
      byNs = new Map();
      this.#byObject.set(r.resource, byNs);
    }
    let byName = byNs.get(r.namespace);
    if (byName === undefined) {
      byName = new Map();
      byNs.set(r.namespace, byName);
    }
    const list = byName.get(r.name);
    if (list === undefined) byName.set(r.name, [r]);
    else list.push(r);
    this.#order.push(r);
  }

  #remove(r: ApiRequest): void {
    const byNs = this.#byObject.get(r.resource);
    const byName = byNs?.get(r.namespace);
    const list = byName?.get(r.name);
    if (byNs === undefined || byName === undefined || list === undefined) return;
    const i = list.indexOf(r);
    if (i >= 0) list.splice(i, 1);
    if (list.length > 0) return;
    byName.delete(r.name);
    if (byName.size > 0) return;
    byNs.delete(r.namespace);
    if (byNs.size === 0) this.#byObject.delete(r.resource);
  }
}

function positive(name: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new TypeError(`${name} must be a positive integer, got ${String(v)}`);
  return n;
}

/** The request a handler span (and its storage key) describes; undefined while its name is unknown. */
function toRequest(h: TapSpan, key: string | undefined): ApiRequest | undefined {
  const fromPath = parseRequestPath(str(h, 'url') || str(h, 'url.path') || str(h, 'http.target'));
  const resource = str(h, 'resource') || fromPath?.resource || '';
  if (resource === '') return undefined;
  let namespace = str(h, 'namespace') || fromPath?.namespace || '';
  let name = str(h, 'name') || fromPath?.name || '';
  if (name === '' && key !== undefined) {
    const k = parseStorageKey(key, resource);
    if (k === undefined) return undefined;
    name = k.name;
    namespace ||= k.namespace;
  }
  if (name === '') return undefined;
  const verb = (str(h, 'verb') || h.name).toUpperCase();
  return {
    traceId: h.traceId,
    spanId: h.spanId,
    verb,
    resource,
    subresource: str(h, 'subresource') || fromPath?.subresource || '',
    namespace,
    name,
    userAgent: str(h, 'user-agent'),
    actor: actorOfUserAgent(str(h, 'user-agent')),
    auditId: str(h, 'audit-id'),
    startTime: h.startTime,
    endTime: h.endTime,
  };
}
