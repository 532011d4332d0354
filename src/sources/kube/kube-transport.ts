/**
 * The only module that talks HTTP to the apiserver. It borrows authentication
 * and TLS from the kubeconfig (`kubeconfig.ts`: files, contexts, exec plugins,
 * in-cluster service account) and does the requests itself, so
 * that the reflector sees every byte: corrupt frames are counted, stalls are
 * detected, and the user agent names kubetrail.
 */
import type { IncomingMessage } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { type KubeAccess, KubeConfigError } from './kubeconfig.js';
import { LineSplitter } from './line-splitter.js';
import { type CoalescedSocket, DEFAULT_READ_WINDOW_MS, ReadCoalescer } from './read-coalescer.js';

/** A JSON response. */
export interface JsonResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * What the reflector needs from the network, so that tests can inject faults.
 * Every request ends: the real transport bounds each one with its request timeout,
 * whatever signal the caller passes.
 */
export interface KubeTransport {
  /** GET `path?query`, parsed as JSON. Rejects on network errors and timeouts only. */
  getJson(path: string, query: Readonly<Record<string, string>>, signal: AbortSignal): Promise<JsonResponse>;
  /**
   * GET `path?query` as a stream of lines (a watch). Resolves once the status line arrives;
   * the body then lasts as long as the server keeps it open (the reflector's watchdog bounds it).
   */
  stream(path: string, query: Readonly<Record<string, string>>, signal: AbortSignal): Promise<LineStream>;
  /** A write (POST/PUT) of a JSON body: used only for kubetrail's own Lease. */
  sendJson(method: 'POST' | 'PUT', path: string, body: unknown, signal: AbortSignal): Promise<JsonResponse>;
}

/** A watch response: its status, and its body split into lines. */
export interface LineStream {
  readonly status: number;
  /** The whole body when status is not 200 (an apiserver Status), else empty. */
  readonly errorBody: string;
  /**
   * Hands every line of the body to `onLine`, synchronously within the chunk
   * that completes it, until `onLine` returns false (the stream is then closed)
   * or the body ends (resolves). Rejects when the stream fails, or when `onLine`
   * throws.
   */
  forEachLine(onLine: (line: string) => boolean): Promise<void>;
}

/** The answer to a GET read for its `Date` header alone (see {@link HttpKubeTransport.readDate}). */
export interface DateReading {
  readonly status: number;
  /** Watcher clock, epoch ms, just before the request went out (after its credentials were read). */
  readonly sentAt: number;
  /** Watcher clock, epoch ms, once the response's status line and headers arrived. */
  readonly receivedAt: number;
  /** The response's `Date` header, verbatim; undefined when it has none. */
  readonly date: string | undefined;
}

/** How long a request may take, unless told otherwise: client-go's default REST timeout is similar. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** A request the apiserver did not answer in time. */
export class KubeTimeoutError extends Error {
  override readonly name = 'KubeTimeoutError';
  readonly code = 'ERR_KUBE_TIMEOUT';
}

/** Options of {@link HttpKubeTransport}. */
export interface HttpKubeTransportOptions {
  /** The User-Agent header. */
  readonly userAgent: string;
  /**
   * Bound on each request: a list page or a Lease call until its whole body is read,
   * a watch until its status line arrives. @default 30_000
   */
  readonly requestTimeoutMs?: number;
  /**
   * How long the watches' reads wait, once they are busy, so that one wakeup
   * reads what every watch sent meanwhile (`read-coalescer.ts`); 0: never wait.
   * @default 50
   */
  readonly readWindowMs?: number;
}

/** The real transport: HTTPS (or HTTP) to the current cluster of `kc`. */
export class HttpKubeTransport implements KubeTransport {
  readonly #kc: KubeAccess;
  readonly #server: URL;
  readonly #userAgent: string;
  readonly #timeoutMs: number;
  readonly #coalescer: ReadCoalescer;

  constructor(kc: KubeAccess, options: HttpKubeTransportOptions) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new KubeConfigError('kubeconfig has no current cluster');
    const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    if (!(Number.isFinite(timeoutMs) && timeoutMs > 0))
      throw new TypeError(`requestTimeoutMs must be a positive number, got ${timeoutMs}`);
    this.#kc = kc;
    this.#server = new URL(cluster.server);
    this.#userAgent = options.userAgent;
    this.#timeoutMs = timeoutMs;
    this.#coalescer = new ReadCoalescer(options.readWindowMs ?? DEFAULT_READ_WINDOW_MS);
  }

  /** The apiserver's address, for logs. */
  get server(): string {
    return this.#server.origin;
  }

  /**
   * Sends one request. `deadline` aborts it when the timeout passes: for unary
   * calls the caller keeps it armed until the body is read; for a watch it is
   * disarmed once the response arrives.
   */
  async #request(
    path: string,
    query: Readonly<Record<string, string>>,
    signal: AbortSignal,
    deadline: AbortController,
    write?: { method: 'POST' | 'PUT'; body: string },
    onSend?: () => void,
  ): Promise<IncomingMessage> {
    const url = new URL(this.#server.pathname.replace(/\/$/, '') + path, this.#server);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const opts: https.RequestOptions = { headers: {} };
    // Re-applied per request: tokens from files and exec plugins rotate.
    await this.#kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {
      ...(opts.headers as Record<string, string>),
      'User-Agent': this.#userAgent,
      Accept: 'application/json',
    };
    if (write) headers['Content-Type'] = 'application/json';
    const lib = url.protocol === 'http:' ? http : https;
    const both = AbortSignal.any([signal, deadline.signal]);
    return new Promise((resolve, reject) => {
      const req = lib.request(
        url,
        { ...opts, method: write?.method ?? 'GET', headers, signal: both },
        resolve,
      );
      req.on('error', (err) => reject(deadline.signal.aborted ? deadline.signal.reason : err));
      onSend?.();
      req.end(write?.body);
    });
  }

  /** A controller that aborts with a {@link KubeTimeoutError} after the request timeout. */
  #deadline(method: string, path: string): { controller: AbortController; disarm: () => void } {
    const controller = new AbortController();
    const timer = setTimeout(
      () =>
        controller.abort(new KubeTimeoutError(`${method} ${path}: no answer within ${this.#timeoutMs} ms`)),
      this.#timeoutMs,
    );
    timer.unref();
    return { controller, disarm: () => clearTimeout(timer) };
  }

  async #unary(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    query: Readonly<Record<string, string>>,
    signal: AbortSignal,
    body?: string,
  ): Promise<JsonResponse> {
    const { controller, disarm } = this.#deadline(method, path);
    try {
      const write = method === 'GET' || body === undefined ? undefined : { method, body };
      return await readJson(await this.#request(path, query, signal, controller, write));
    } catch (err) {
      throw controller.signal.aborted ? controller.signal.reason : err;
    } finally {
      disarm();
    }
  }

  getJson(path: string, query: Readonly<Record<string, string>>, signal: AbortSignal): Promise<JsonResponse> {
    return this.#unary('GET', path, query, signal);
  }

  sendJson(method: 'POST' | 'PUT', path: string, body: unknown, signal: AbortSignal): Promise<JsonResponse> {
    return this.#unary(method, path, {}, signal, JSON.stringify(body));
  }

  /**
   * GET `path` for its `Date` header: when it went out and when its answer came,
   * on `now` (the watcher's clock), with the body discarded. Rejects on network
   * errors and timeouts only. A direct request, never a watch: its delay is its
   * own round trip.
   */
  async readDate(path: string, signal: AbortSignal, now: () => number): Promise<DateReading> {
    const { controller, disarm } = this.#deadline('GET', path);
    try {
      let sentAt = Number.NaN;
      const res = await this.#request(path, {}, signal, controller, undefined, () => {
        sentAt = now();
      });
      const receivedAt = now();
      const date = res.headers.date;
      res.resume();
      await new Promise<void>((resolve, reject) => {
        res.once('end', resolve);
        res.once('error', reject);
      });
      return { status: res.statusCode ?? 0, sentAt, receivedAt, date };
    } catch (err) {
      throw controller.signal.aborted ? controller.signal.reason : err;
    } finally {
      disarm();
    }
  }

  async stream(
    path: string,
    query: Readonly<Record<string, string>>,
    signal: AbortSignal,
  ): Promise<LineStream> {
    const { controller, disarm } = this.#deadline('WATCH', path);
    try {
      const res = await this.#request(path, query, signal, controller);
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const chunks: Buffer[] = [];
        for await (const chunk of res) chunks.push(chunk as Buffer);
        return { status, errorBody: Buffer.concat(chunks).toString('utf8'), forEachLine: async () => {} };
      }
      const held = { coalescer: this.#coalescer, socket: res.socket };
      return { status, errorBody: '', forEachLine: (onLine) => readLines(res, onLine, held) };
    } catch (err) {
      throw controller.signal.aborted ? controller.signal.reason : err;
    } finally {
      disarm();
    }
  }
}

async function readJson(res: IncomingMessage): Promise<JsonResponse> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { message: text.slice(0, 500) };
  }
  return { status: res.statusCode ?? 0, body };
}

/** A watch socket whose reads a coalescer holds together with the other watches'. */
export interface HeldReads {
  readonly coalescer: ReadCoalescer;
  readonly socket: CoalescedSocket;
}

/**
 * Reads `body` in flowing mode, one 'data' callback per chunk, and hands its
 * lines to `onLine` (see {@link LineStream.forEachLine}). With `held`, its
 * socket's reads are coalesced with the other watches' while it lasts.
 */
export function readLines(
  body: Readable,
  onLine: (line: string) => boolean,
  held?: HeldReads,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const splitter = new LineSplitter();
    let settled = false;
    held?.coalescer.add(held.socket);
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      held?.coalescer.remove(held.socket);
      body.off('data', onData);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onData = (chunk: Buffer | string): void => {
      if (settled) return;
      try {
        if (!splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, onLine)) {
          finish();
          body.destroy();
          return;
        }
      } catch (err) {
        finish(err);
        body.destroy();
        return;
      }
      held?.coalescer.chunk();
    };
    body.on('data', onData);
    body.once('end', () => {
      try {
        if (!settled) splitter.end(onLine);
        finish();
      } catch (err) {
        finish(err);
      }
    });
    body.once('error', (err) => finish(err));
    // 'close' after 'end' finds the promise settled; before it, the stream was cut.
    body.once('close', () => finish(new Error('stream closed before its end')));
  });
}
