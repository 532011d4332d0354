/**
 * The inline topology's bounded queue: received requests are forwarded
 * unchanged, a few at a time, so that the sender (the apiserver) never waits
 * on the backend. A full queue drops and counts; a backend that is down gets
 * one log line when it goes and one when it is back, and is retried with
 * backoff, oldest request first.
 */
import type { SendResult, TapUpstream } from './grpc-upstream.js';

/** Why forwarded spans were dropped. */
export type TapDropReason = 'queue_full' | 'rejected' | 'shutdown';

/** What the forwarder has done so far (cumulative), and what it holds now. */
export interface TapForwarderCounters {
  readonly requestsForwarded: number;
  readonly spansForwarded: number;
  readonly requestsDropped: number;
  readonly spansDropped: Readonly<Record<TapDropReason, number>>;
  readonly queuedRequests: number;
  readonly queuedBytes: number;
  /** Requests sent and not yet answered. */
  readonly inFlightRequests: number;
  /** False while the backend is unreachable. */
  readonly backendUp: boolean;
}

/** Cancels a timer set by {@link TapForwarderOptions.setTimer}. */
export type CancelTimer = () => void;

/** Options of {@link TapForwarder}. */
export interface TapForwarderOptions {
  readonly upstream: TapUpstream;
  /** Requests held at most. @default 1024 */
  readonly maxQueueRequests?: number;
  /** Bytes held at most. @default 33554432 (32 MiB) */
  readonly maxQueueBytes?: number;
  /** Requests in flight at once while the backend is up. @default 2 */
  readonly concurrency?: number;
  /** First retry delay after a retryable failure; doubles up to maxRetryDelayMs. @default 500 */
  readonly minRetryDelayMs?: number;
  /** @default 5000 */
  readonly maxRetryDelayMs?: number;
  /** What the upstream is, in log lines. @default 'the trace backend' */
  readonly destination?: string;
  /** Where trouble is reported (two lines per outage at most, plus rate-limited rejections). */
  readonly log: (message: string, fields: Readonly<Record<string, unknown>>) => void;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default setTimeout, unref'd */
  readonly setTimer?: (fn: () => void, ms: number) => CancelTimer;
}

interface Queued {
  /** Arrival order, so that retried requests go back in their place. */
  readonly seq: number;
  readonly bytes: Buffer;
  readonly spans: number;
}

function positive(name: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new TypeError(`${name} must be a positive integer, got ${String(v)}`);
  return n;
}

const defaultTimer = (fn: () => void, ms: number): CancelTimer => {
  const t = setTimeout(fn, ms);
  t.unref();
  return () => clearTimeout(t);
};

/** Forwards raw OTLP trace requests behind a bounded queue. */
export class TapForwarder {
  readonly #upstream: TapUpstream;
  readonly #maxRequests: number;
  readonly #maxBytes: number;
  readonly #concurrency: number;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #log: TapForwarderOptions['log'];
  readonly #destination: string;
  readonly #setTimer: (fn: () => void, ms: number) => CancelTimer;
  readonly #now: () => number;
  readonly #queue: Queued[] = [];
  #queuedBytes = 0;
  #seq = 0;
  #inFlight = 0;
  #down = false;
  #delay: number;
  #retryTimer: CancelTimer | undefined;
  #closed = false;
  #idle: (() => void) | undefined;
  #droppedWhileDown = 0;
  #lastRejectLog = Number.NEGATIVE_INFINITY;
  readonly #counters = {
    requestsForwarded: 0,
    spansForwarded: 0,
    requestsDropped: 0,
    spansDropped: { queue_full: 0, rejected: 0, shutdown: 0 } as Record<TapDropReason, number>,
  };

  constructor(o: TapForwarderOptions) {
    this.#upstream = o.upstream;
    this.#maxRequests = positive('maxQueueRequests', o.maxQueueRequests, 1_024);
    this.#maxBytes = positive('maxQueueBytes', o.maxQueueBytes, 32 * 1024 * 1024);
    this.#concurrency = positive('concurrency', o.concurrency, 2);
    this.#minDelay = positive('minRetryDelayMs', o.minRetryDelayMs, 500);
    this.#maxDelay = positive('maxRetryDelayMs', o.maxRetryDelayMs, 5_000);
    this.#delay = this.#minDelay;
    this.#log = o.log;
    this.#destination = o.destination ?? 'the trace backend';
    this.#setTimer = o.setTimer ?? defaultTimer;
    this.#now = o.now ?? Date.now;
  }

  /** A snapshot of the counters. */
  counters(): TapForwarderCounters {
    return {
      requestsForwarded: this.#counters.requestsForwarded,
      spansForwarded: this.#counters.spansForwarded,
      requestsDropped: this.#counters.requestsDropped,
      spansDropped: { ...this.#counters.spansDropped },
      queuedRequests: this.#queue.length,
      queuedBytes: this.#queuedBytes,
      inFlightRequests: this.#inFlight,
      backendUp: !this.#down,
    };
  }

  /** Queues `bytes` (a request holding `spans` spans) for forwarding; false when it was dropped. Never waits. */
  enqueue(bytes: Buffer, spans: number): boolean {
    if (this.#closed) {
      this.#drop('shutdown', spans);
      return false;
    }
    if (this.#queue.length >= this.#maxRequests || this.#queuedBytes + bytes.length > this.#maxBytes) {
      this.#drop('queue_full', spans);
      return false;
    }
    this.#queue.push({ seq: this.#seq++, bytes, spans });
    this.#queuedBytes += bytes.length;
    this.#pump();
    return true;
  }

  /**
   * Stops taking requests, forwards what is queued within `budgetMs`, then drops
   * (and counts) the rest and closes the upstream.
   */
  async close(budgetMs: number): Promise<void> {
    this.#closed = true;
    if (this.#queue.length > 0 || this.#inFlight > 0) {
      await new Promise<void>((resolve) => {
        const cancel = this.#setTimer(resolve, budgetMs);
        this.#idle = () => {
          cancel();
          resolve();
        };
        this.#pump();
      });
    }
    this.#idle = undefined;
    this.#retryTimer?.();
    this.#retryTimer = undefined;
    for (const q of this.#queue.splice(0)) this.#drop('shutdown', q.spans);
    this.#queuedBytes = 0;
    this.#upstream.close();
  }

  #drop(reason: TapDropReason, spans: number): void {
    this.#counters.requestsDropped += 1;
    this.#counters.spansDropped[reason] += spans;
    if (this.#down) this.#droppedWhileDown += spans;
  }

  #pump(): void {
    const limit = this.#down ? 1 : this.#concurrency;
    while (this.#retryTimer === undefined && this.#inFlight < limit && this.#queue.length > 0) {
      const item = this.#queue.shift() as Queued;
      this.#queuedBytes -= item.bytes.length;
      this.#inFlight += 1;
      this.#upstream.send(item.bytes).then(
        (r) => this.#settled(item, r),
        (err: unknown) => this.#settled(item, { ok: false, retryable: true, error: String(err) }),
      );
    }
    if (this.#idle && this.#inFlight === 0 && this.#queue.length === 0) this.#idle();
  }

  #settled(item: Queued, r: SendResult): void {
    this.#inFlight -= 1;
    if (r.ok) {
      this.#counters.requestsForwarded += 1;
      this.#counters.spansForwarded += item.spans;
      this.#delay = this.#minDelay;
      if (this.#down) {
        this.#down = false;
        this.#log(`tap: ${this.#destination} is reachable again; forwarding resumed`, {
          spansDroppedWhileDown: this.#droppedWhileDown,
        });
        this.#droppedWhileDown = 0;
      }
    } else if (r.retryable) {
      if (!this.#down) {
        this.#down = true;
        this.#log(`tap: ${this.#destination} is unreachable; holding requests in the bounded queue`, {
          error: r.error,
        });
      }
      // Oldest first: the failed request goes back in its place near the head, if there is room.
      if (this.#queue.length < this.#maxRequests) {
        let at = 0;
        while (at < this.#queue.length && (this.#queue[at] as Queued).seq < item.seq) at += 1;
        this.#queue.splice(at, 0, item);
        this.#queuedBytes += item.bytes.length;
      } else this.#drop('queue_full', item.spans);
      if (this.#retryTimer === undefined) {
        this.#retryTimer = this.#setTimer(() => {
          this.#retryTimer = undefined;
          this.#pump();
        }, this.#delay);
        this.#delay = Math.min(this.#maxDelay, this.#delay * 2);
      }
    } else {
      this.#drop('rejected', item.spans);
      const now = this.#now();
      if (now - this.#lastRejectLog > 60_000) {
        this.#lastRejectLog = now;
        this.#log(`tap: ${this.#destination} refused a forwarded request; dropped`, { error: r.error });
      }
    }
    this.#pump();
  }
}
