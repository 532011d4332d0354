/**
 * HA: the standby's way to the leader. Components' gRPC connections pin to
 * whichever replica the tap Service picked, but only the leader exports, so a
 * standby relays the spans correlation needs to the leader's tap over OTLP,
 * marked with {@link TAP_RELAY_METADATA} so that the leader neither forwards
 * them upstream again nor relays them on. The leader's tap address is read
 * from the Lease's holder identity (see peer-identity.ts). The relay is a
 * bounded queue (the forwarder's): it never holds the receiver, and what it
 * cannot send is dropped and counted.
 */
import type { TapSpan } from '../../model/tap-span.js';
import { encodeTraceRequest } from './decode-trace-request.js';
import { GrpcUpstream, type SendResult, type TapUpstream } from './grpc-upstream.js';
import { tapAddressOf } from './peer-identity.js';
import { TapForwarder } from './tap-forwarder.js';
import { TAP_RELAY_METADATA } from './tap-receiver.js';

/** Why relayed spans were dropped. */
export type TapRelayDropReason = 'no_leader_address' | 'queue_full' | 'rejected' | 'shutdown';

/** Who leads, as this replica knows it. */
export interface TapRelayLeader {
  /** This replica leads (or holds the Lease): nothing to relay. */
  readonly self: boolean;
  /** The Lease's holder identity as last seen; '' or undefined when none is known. */
  readonly holder: string | undefined;
}

/** What the relay has done so far (cumulative), and what it holds now. */
export interface TapRelayCounters {
  /** Spans the leader's tap accepted (or that waited until this replica led, and needed no relay). */
  readonly spansRelayed: number;
  readonly spansDropped: Readonly<Record<TapRelayDropReason, number>>;
  readonly queuedRequests: number;
  readonly queuedBytes: number;
}

/** Options of {@link TapRelay}. */
export interface TapRelayOptions {
  /** This replica's holder identity: sent as the relay mark, so the leader's logs can name the sender. */
  readonly identity: string;
  /** Asked at each offer and at each send: leadership moves. */
  readonly leader: () => TapRelayLeader;
  readonly log: (message: string, fields: Readonly<Record<string, unknown>>) => void;
  /** Requests held at most. @default 256 */
  readonly maxQueueRequests?: number;
  /** Bytes held at most. @default 8388608 (8 MiB) */
  readonly maxQueueBytes?: number;
  /** How to reach a leader's tap (tests put anything here). @default plaintext gRPC with the relay mark */
  readonly upstreamFor?: (address: string) => TapUpstream;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Sends to whichever replica leads now; one channel, replaced when the leader moves. */
class LeaderUpstream implements TapUpstream {
  readonly #leader: () => TapRelayLeader;
  readonly #upstreamFor: (address: string) => TapUpstream;
  #current: { address: string; upstream: TapUpstream } | undefined;

  constructor(leader: () => TapRelayLeader, upstreamFor: (address: string) => TapUpstream) {
    this.#leader = leader;
    this.#upstreamFor = upstreamFor;
  }

  send(bytes: Buffer): Promise<SendResult> {
    const l = this.#leader();
    // Became leader while the request waited: its spans are indexed here already.
    if (l.self) return Promise.resolve({ ok: true });
    const address = tapAddressOf(l.holder);
    if (address === undefined)
      return Promise.resolve({ ok: false, retryable: true, error: 'no leader with a tap address yet' });
    if (this.#current?.address !== address) {
      this.#current?.upstream.close();
      this.#current = { address, upstream: this.#upstreamFor(address) };
    }
    return this.#current.upstream.send(bytes);
  }

  close(): void {
    this.#current?.upstream.close();
    this.#current = undefined;
  }
}

/** Relays correlation spans from a standby to the leader's tap. */
export class TapRelay {
  readonly #leader: () => TapRelayLeader;
  readonly #forwarder: TapForwarder;
  readonly #log: TapRelayOptions['log'];
  readonly #now: () => number;
  #noAddress = 0;
  #lastNoAddressLog = Number.NEGATIVE_INFINITY;

  constructor(o: TapRelayOptions) {
    if (!o.identity) throw new TypeError('the tap relay needs a non-empty identity');
    this.#leader = o.leader;
    this.#log = o.log;
    this.#now = o.now ?? Date.now;
    const upstreamFor =
      o.upstreamFor ??
      ((address: string) =>
        new GrpcUpstream({
          endpoint: address,
          insecure: true,
          headers: { [TAP_RELAY_METADATA]: o.identity },
          timeoutMs: 5_000,
        }));
    this.#forwarder = new TapForwarder({
      upstream: new LeaderUpstream(o.leader, upstreamFor),
      maxQueueRequests: o.maxQueueRequests ?? 256,
      maxQueueBytes: o.maxQueueBytes ?? 8 * 1024 * 1024,
      destination: "the leader's tap",
      log: o.log,
      now: this.#now,
    });
  }

  /** Relays `spans` (the correlation spans of one received request) unless this replica leads. Never waits. */
  offer(spans: readonly TapSpan[]): void {
    if (spans.length === 0) return;
    const l = this.#leader();
    if (l.self) return;
    // A leader that does not say where its tap is cannot be reached: waiting would only fill the queue.
    if (l.holder && tapAddressOf(l.holder) === undefined) {
      this.#noAddress += spans.length;
      const now = this.#now();
      if (now - this.#lastNoAddressLog > 60_000) {
        this.#lastNoAddressLog = now;
        this.#log(
          "tap: the leader's Lease identity carries no tap address (give every replica --tap-peer-address); its links miss the spans this standby receives",
          {
            holder: l.holder,
            spansDropped: this.#noAddress,
          },
        );
      }
      return;
    }
    this.#forwarder.enqueue(Buffer.from(encodeTraceRequest(spans)), spans.length);
  }

  /** A snapshot of the counters. */
  counters(): TapRelayCounters {
    const f = this.#forwarder.counters();
    return {
      spansRelayed: f.spansForwarded,
      spansDropped: { no_leader_address: this.#noAddress, ...f.spansDropped },
      queuedRequests: f.queuedRequests,
      queuedBytes: f.queuedBytes,
    };
  }

  /** Relays what is queued within `budgetMs`, then drops (and counts) the rest. */
  close(budgetMs: number): Promise<void> {
    return this.#forwarder.close(budgetMs);
  }
}
