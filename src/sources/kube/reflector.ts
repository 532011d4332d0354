/**
 * List-then-watch for one resource, that never dies silently. It lists (paged),
 * watches from the list's resourceVersion with bookmarks, re-watches when the
 * server ends a watch, re-lists and diffs on 410 Gone (so nothing is delivered
 * twice and deletions missed during the gap are synthesised), backs off with
 * jitter on any error, and restarts a watch that has gone silent.
 */

import type { Clock } from '../../model/clock.js';
import type { Delta, DeltaType } from '../../model/delta.js';
import type { KubeTransport } from './kube-transport.js';

/** Something the reflector reports, for metrics and logs. */
export type ReflectorEvent =
  | { readonly type: 'listed'; readonly items: number; readonly initial: boolean }
  | {
      readonly type: 'restart';
      /** `forbidden`: the apiserver answered 403 to the list or the watch (RBAC). */
      readonly reason: 'gone' | 'error' | 'forbidden' | 'stall' | 'end';
      readonly error?: string;
      /** The HTTP status of a refused list or watch. */
      readonly status?: number;
      /** Which request failed, when known. */
      readonly verb?: 'list' | 'watch';
    }
  | { readonly type: 'corrupt-frame'; readonly sample: string }
  | { readonly type: 'bookmark' };

/** Injected time: tests drive backoff and the watchdog without waiting. */
export interface ReflectorTiming {
  readonly clock: Clock;
  /** Resolves after `ms`, or early when `signal` aborts. */
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** [0, 1); jitter source. */
  readonly random: () => number;
}

/** How one reflector behaves. */
export interface ReflectorOptions {
  /** Collection path, e.g. `/apis/apps/v1/deployments` or `/api/v1/namespaces/web/pods`. */
  readonly path: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly transport: KubeTransport;
  readonly timing: ReflectorTiming;
  readonly onDelta: (delta: Delta) => void;
  readonly onEvent?: (event: ReflectorEvent) => void;
  /** Page size of the list. Default 500. */
  readonly pageSize?: number;
  /** First retry delay; doubles to maxBackoffMs, with ±50 % jitter. Default 500 ms. */
  readonly initialBackoffMs?: number;
  /** Default 30 s. */
  readonly maxBackoffMs?: number;
  /** A watch with no line (bookmarks included) for this long is restarted. Default 150 s. */
  readonly stallMs?: number;
  /** Server-side watch timeout; jittered up to twice this. Default 300 s. */
  readonly watchTimeoutSeconds?: number;
}

/**
 * What is remembered of an object: enough to diff a re-list and to synthesise
 * a DELETED. Flat and updated in place, so a delta allocates nothing here.
 */
interface Known {
  resourceVersion: string;
  apiVersion: unknown;
  kind: unknown;
  name: unknown;
  namespace: unknown;
}

/** The uid and resourceVersion of a watched object, read without allocating. */
function identity(object: unknown): Record<string, unknown> | undefined {
  if (typeof object !== 'object' || object === null) return undefined;
  const m = (object as Record<string, unknown>).metadata;
  if (typeof m !== 'object' || m === null) return undefined;
  const md = m as Record<string, unknown>;
  return typeof md.uid === 'string' && typeof md.resourceVersion === 'string' ? md : undefined;
}

/** The object a synthesised DELETED carries: what is known of it. */
function stubOf(uid: string, k: Known): Record<string, unknown> {
  return {
    apiVersion: k.apiVersion,
    kind: k.kind,
    metadata: { name: k.name, namespace: k.namespace, uid, resourceVersion: k.resourceVersion },
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** A list response with its kind filled in on each item (the API leaves it out; the items are ours to change). */
function itemsOf(body: unknown): { items: unknown[]; resourceVersion: string; next: string } | undefined {
  if (!isRecord(body) || !Array.isArray(body.items) || !isRecord(body.metadata)) return undefined;
  const listKind = typeof body.kind === 'string' ? body.kind.replace(/List$/, '') : undefined;
  const items: unknown[] = body.items;
  for (const item of items) {
    if (isRecord(item) && item.kind === undefined) {
      item.kind = listKind;
      item.apiVersion = body.apiVersion;
    }
  }
  return {
    items,
    resourceVersion: String(body.metadata.resourceVersion ?? ''),
    next: typeof body.metadata.continue === 'string' ? body.metadata.continue : '',
  };
}

/** Stop reasons of one watch attempt. */
type WatchEnd =
  | { kind: 'gone' }
  | { kind: 'end' }
  | { kind: 'stall' }
  | { kind: 'error'; error: string; status?: number };

/** A restart event for an error, `forbidden` when the apiserver refused with 403. */
function errorRestart(error: string, verb: 'list' | 'watch' | undefined, status?: number): ReflectorEvent {
  return {
    type: 'restart',
    reason: status === 403 ? 'forbidden' : 'error',
    error,
    ...(status === undefined ? {} : { status }),
    ...(verb === undefined ? {} : { verb }),
  };
}

/**
 * A watch answered by the server that lasts this long without a line (a quiet
 * resource, before its first bookmark) still counts as working when it ends.
 */
const WORKING_WATCH_MS = 10_000;

/** Lists and watches one resource until stopped. */
export class Reflector {
  readonly #o: ReflectorOptions;
  readonly #known = new Map<string, Known>();
  readonly #stop = new AbortController();
  #resourceVersion = '';
  #listed = false;
  /** The last watch was answered and said something or stayed up: the next retry backs off from the start. */
  #watchWorked = false;
  #running: Promise<void> | undefined;

  constructor(options: ReflectorOptions) {
    if (!options.path.startsWith('/'))
      throw new TypeError(`reflector path must start with "/": ${options.path}`);
    this.#o = options;
  }

  /** Objects currently known to exist. */
  get size(): number {
    return this.#known.size;
  }

  /** Starts the loop; resolves after the first successful list. */
  start(): Promise<void> {
    let firstList: () => void = () => {};
    const listed = new Promise<void>((resolve) => {
      firstList = resolve;
    });
    this.#running = this.#loop(firstList);
    return Promise.race([listed, this.#running]);
  }

  /** Stops watching and waits for the loop to end. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#running;
  }

  #emit(type: DeltaType, object: unknown, initial: boolean): void {
    const time = this.#o.timing.clock.now();
    this.#o.onDelta(initial ? { time, type, object, initial } : { time, type, object });
  }

  #query(): Record<string, string> {
    const q: Record<string, string> = {};
    if (this.#o.labelSelector) q.labelSelector = this.#o.labelSelector;
    if (this.#o.fieldSelector) q.fieldSelector = this.#o.fieldSelector;
    return q;
  }

  async #loop(firstList: () => void): Promise<void> {
    const { timing } = this.#o;
    const signal = this.#stop.signal;
    const initialBackoff = this.#o.initialBackoffMs ?? 500;
    const maxBackoff = this.#o.maxBackoffMs ?? 30_000;
    let backoff = initialBackoff;
    let needList = true;
    while (!signal.aborted) {
      try {
        if (needList) {
          await this.#list();
          needList = false;
          firstList();
        }
        const end = await this.#watch();
        if (signal.aborted) return;
        if (end.kind === 'end') {
          // A server-side timeout: resume at once from the last resourceVersion.
          this.#o.onEvent?.({ type: 'restart', reason: 'end' });
          backoff = initialBackoff;
          continue;
        }
        if (end.kind === 'gone') needList = true;
        // A watch that worked ended: the server is back to being reached as
        // before, so the next try waits the least, not what earlier outages grew to.
        if (this.#watchWorked) backoff = initialBackoff;
        this.#o.onEvent?.(
          end.kind === 'error'
            ? errorRestart(end.error, 'watch', end.status)
            : { type: 'restart', reason: end.kind },
        );
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ReflectorGoneError) {
          needList = true;
          this.#o.onEvent?.({ type: 'restart', reason: 'gone' });
        } else {
          const status = err instanceof ListError ? err.status : undefined;
          this.#o.onEvent?.(errorRestart(String((err as Error)?.message ?? err), 'list', status));
        }
      }
      const jittered = backoff * (0.5 + timing.random());
      await timing.sleep(jittered, signal);
      backoff = Math.min(backoff * 2, maxBackoff);
    }
  }

  /**
   * Lists every page and delivers each page's changes as it arrives (a page is
   * never held past its own handling), then synthesises the deletions that the
   * whole list shows: nothing is delivered twice, even when a list is retried.
   */
  async #list(): Promise<void> {
    const seen = new Set<string>();
    const initial = !this.#listed;
    let next = '';
    let resourceVersion = '';
    do {
      const q: Record<string, string> = { ...this.#query(), limit: String(this.#o.pageSize ?? 500) };
      if (next) q.continue = next;
      const res = await this.#o.transport.getJson(this.#o.path, q, this.#stop.signal);
      if (res.status === 410) throw new ReflectorGoneError('list continue token expired');
      if (res.status !== 200)
        throw new ListError(
          `list ${this.#o.path}: HTTP ${res.status} ${statusMessage(res.body)}`,
          res.status,
        );
      const page = itemsOf(res.body);
      if (!page) throw new Error(`list ${this.#o.path}: not a list`);
      for (const item of page.items) {
        const md = identity(item);
        if (md === undefined) continue;
        const uid = md.uid as string;
        const rv = md.resourceVersion as string;
        seen.add(uid);
        const known = this.#known.get(uid);
        if (known?.resourceVersion === rv) continue;
        this.#emit(known ? 'MODIFIED' : 'ADDED', item, initial);
        this.#remember(uid, rv, item as Record<string, unknown>, md, known);
      }
      next = page.next;
      resourceVersion = page.resourceVersion;
    } while (next);

    for (const [uid, known] of this.#known) {
      if (seen.has(uid)) continue;
      this.#known.delete(uid);
      this.#emit('DELETED', stubOf(uid, known), false);
    }
    this.#listed = true;
    this.#resourceVersion = resourceVersion;
    this.#o.onEvent?.({ type: 'listed', items: seen.size, initial });
  }

  #remember(
    uid: string,
    resourceVersion: string,
    object: Record<string, unknown>,
    md: Record<string, unknown>,
    known: Known | undefined,
  ): void {
    if (known === undefined) {
      this.#known.set(uid, {
        resourceVersion,
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: md.name,
        namespace: md.namespace,
      });
      return;
    }
    known.resourceVersion = resourceVersion;
    known.apiVersion = object.apiVersion;
    known.kind = object.kind;
    known.name = md.name;
    known.namespace = md.namespace;
  }

  async #watch(): Promise<WatchEnd> {
    const { timing } = this.#o;
    const attempt = new AbortController();
    const onStop = () => attempt.abort();
    this.#stop.signal.addEventListener('abort', onStop, { once: true });
    const stallMs = this.#o.stallMs ?? 150_000;
    const timeout = Math.round((this.#o.watchTimeoutSeconds ?? 300) * (1 + timing.random()));
    const startedAt = timing.clock.now();
    let lastLine = startedAt;
    let lines = 0;
    let stalled = false;
    this.#watchWorked = false;
    let answered = false;
    // The watchdog: a watch that has said nothing, not even a bookmark, is presumed dead.
    const watchdog = (async () => {
      while (!attempt.signal.aborted) {
        await timing.sleep(Math.min(stallMs, 5_000), attempt.signal);
        if (!attempt.signal.aborted && timing.clock.now() - lastLine >= stallMs) {
          stalled = true;
          attempt.abort();
        }
      }
    })();
    try {
      const query = {
        ...this.#query(),
        watch: 'true',
        allowWatchBookmarks: 'true',
        resourceVersion: this.#resourceVersion,
        timeoutSeconds: String(timeout),
      };
      const res = await this.#o.transport.stream(this.#o.path, query, attempt.signal);
      answered = res.status === 200;
      if (res.status === 410) return { kind: 'gone' };
      if (res.status !== 200)
        return {
          kind: 'error',
          error: `watch ${this.#o.path}: HTTP ${res.status} ${res.errorBody.slice(0, 200)}`,
          status: res.status,
        };
      // Every frame of a chunk is handled synchronously: no promise per line.
      let end: WatchEnd | undefined;
      await res.forEachLine((line) => {
        lastLine = timing.clock.now();
        lines += 1;
        end = this.#frame(line);
        return end === undefined;
      });
      if (end !== undefined) return end;
      return stalled ? { kind: 'stall' } : { kind: 'end' };
    } catch (err) {
      if (stalled) return { kind: 'stall' };
      if (this.#stop.signal.aborted) return { kind: 'end' };
      return { kind: 'error', error: String((err as Error)?.message ?? err) };
    } finally {
      // Answered, and said something or stayed up a while: it worked.
      this.#watchWorked = answered && (lines > 0 || timing.clock.now() - startedAt >= WORKING_WATCH_MS);
      attempt.abort();
      this.#stop.signal.removeEventListener('abort', onStop);
      await watchdog;
    }
  }

  /** Handles one watch line; returns a WatchEnd when the watch must stop. */
  #frame(line: string): WatchEnd | undefined {
    let frame: unknown;
    try {
      frame = JSON.parse(line);
    } catch {
      this.#o.onEvent?.({ type: 'corrupt-frame', sample: line.slice(0, 120) });
      return undefined;
    }
    if (!isRecord(frame) || typeof frame.type !== 'string') {
      this.#o.onEvent?.({ type: 'corrupt-frame', sample: line.slice(0, 120) });
      return undefined;
    }
    const { type, object } = frame;
    if (type === 'ERROR') {
      const code = isRecord(object) ? object.code : undefined;
      if (code === 410) return { kind: 'gone' };
      return { kind: 'error', error: `watch error: ${statusMessage(object)}` };
    }
    if (type === 'BOOKMARK') {
      if (
        isRecord(object) &&
        isRecord(object.metadata) &&
        typeof object.metadata.resourceVersion === 'string'
      ) {
        this.#resourceVersion = object.metadata.resourceVersion;
      }
      this.#o.onEvent?.({ type: 'bookmark' });
      return undefined;
    }
    const md = identity(object);
    if (md === undefined || (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED')) {
      this.#o.onEvent?.({ type: 'corrupt-frame', sample: line.slice(0, 120) });
      return undefined;
    }
    const uid = md.uid as string;
    const rv = md.resourceVersion as string;
    this.#resourceVersion = rv;
    if (type === 'DELETED') this.#known.delete(uid);
    else this.#remember(uid, rv, object as Record<string, unknown>, md, this.#known.get(uid));
    this.#emit(type, object, false);
    return undefined;
  }
}

/** A list the apiserver answered with an error status. */
class ListError extends Error {
  override readonly name = 'ListError';
  readonly code = 'ERR_LIST';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The server forgot the resourceVersion we hold: re-list. */
class ReflectorGoneError extends Error {
  override readonly name = 'ReflectorGoneError';
  readonly code = 'ERR_WATCH_GONE';
}

function statusMessage(body: unknown): string {
  return isRecord(body) && typeof body.message === 'string' ? body.message : '';
}

/** Real timing: wall clock, setTimeout, Math.random. */
export const realTiming: ReflectorTiming = {
  clock: { now: () => Date.now() },
  random: Math.random,
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    }),
};
