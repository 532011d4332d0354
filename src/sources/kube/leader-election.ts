/**
 * Lease-based leader election (coordination.k8s.io/v1), as client-go does it:
 * acquire a free or expired Lease with an optimistic-concurrency update, renew
 * it every retry period, give it up when renewal has failed for the renew
 * deadline, and release it on shutdown so a standby takes over at once.
 * Every replica watches and assembles; only the leader exports.
 *
 * Two rules keep two replicas from exporting at once:
 * - A Lease expires by the local time at which this replica last saw it change,
 *   never by its remote `renewTime`: the clocks of two machines do not agree.
 * - Leadership lapses by the local clock at the renew deadline, before the Lease
 *   can expire for the others, even while a renewal request hangs: every attempt
 *   is aborted at that deadline, and {@link LeaderElector.isLeader} reads the clock.
 */
import type { KubeTransport } from './kube-transport.js';
import type { ReflectorTiming } from './reflector.js';

/** Timing and identity of the election. */
export interface LeaderElectionOptions {
  readonly transport: KubeTransport;
  readonly namespace: string;
  readonly name: string;
  /** This replica's identity: the Pod name, or host name plus pid. */
  readonly identity: string;
  readonly timing: ReflectorTiming;
  /** How long a Lease is valid without renewal. @default 15_000 */
  readonly leaseDurationMs?: number;
  /** A leader that cannot renew for this long steps down; below leaseDurationMs. @default 10_000 */
  readonly renewDeadlineMs?: number;
  /** How often to try to acquire or renew; below renewDeadlineMs / 1.2. @default 2_000 */
  readonly retryPeriodMs?: number;
  readonly onChange: (leader: boolean) => void;
  /** Failed attempts (network errors, timeouts, unexpected status), for metrics and logs. */
  readonly onError?: (message: string) => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}
interface Lease {
  metadata?: { resourceVersion?: string; name?: string; namespace?: string };
  spec?: LeaseSpec;
}

/** Jitter of a standby's retry period, as client-go's JitterFactor. */
const JITTER = 1.2;

function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/** The part of a Lease whose change shows that its holder is alive. */
function recordKey(spec: LeaseSpec): string {
  return JSON.stringify([
    spec.holderIdentity ?? '',
    spec.leaseDurationSeconds ?? 0,
    spec.acquireTime ?? '',
    spec.renewTime ?? '',
    spec.leaseTransitions ?? 0,
  ]);
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw new TypeError(`${name} must be a positive number`);
  return value;
}

/** Runs the election loop until stopped. */
export class LeaderElector {
  readonly #o: LeaderElectionOptions;
  readonly #leaseDurationMs: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #stop = new AbortController();
  #leader = false;
  /** Local time at which the attempt that last renewed our Lease started. */
  #lastRenew = 0;
  /** The Lease record as last seen, and the local time it was first seen so. */
  #observed: { key: string; at: number } | undefined;
  /** The holder identity as last seen in the Lease ('' when free). */
  #holder: string | undefined;
  #loop: Promise<void> | undefined;

  /** Validates the timing eagerly, as client-go does; a bad value throws a TypeError. */
  constructor(options: LeaderElectionOptions) {
    if (!options.identity) throw new TypeError('leader election needs a non-empty identity');
    this.#leaseDurationMs = positive('leaseDurationMs', options.leaseDurationMs ?? 15_000);
    this.#renewDeadlineMs = positive('renewDeadlineMs', options.renewDeadlineMs ?? 10_000);
    this.#retryPeriodMs = positive('retryPeriodMs', options.retryPeriodMs ?? 2_000);
    if (this.#renewDeadlineMs >= this.#leaseDurationMs)
      throw new TypeError('renewDeadlineMs must be below leaseDurationMs');
    if (this.#retryPeriodMs * JITTER >= this.#renewDeadlineMs)
      throw new TypeError(`retryPeriodMs × ${JITTER} must be below renewDeadlineMs`);
    this.#o = options;
  }

  /**
   * Whether this replica may act as leader now: it holds the Lease and renewed it
   * within the renew deadline, by the local clock. Read it before each export.
   */
  get isLeader(): boolean {
    return this.#leader && this.#o.timing.clock.now() - this.#lastRenew < this.#renewDeadlineMs;
  }

  /**
   * The Lease's holder identity as this replica last saw it (its own while
   * leading), '' when the Lease was free, undefined before the first look. It
   * may name a leader that has just died: the Lease says so only once expired.
   */
  get holder(): string | undefined {
    return this.#holder;
  }

  get #path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${this.#o.namespace}/leases/${this.#o.name}`;
  }

  /** Starts campaigning. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops, releasing the Lease if held. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    if (this.#leader) await this.#release();
  }

  #set(leader: boolean): void {
    if (leader === this.#leader) return;
    this.#leader = leader;
    this.#o.onChange(leader);
  }

  async #run(): Promise<void> {
    const { timing } = this.#o;
    while (!this.#stop.signal.aborted) {
      const started = timing.clock.now();
      // A leader's attempt may last only until its renew deadline; a standby's, one deadline.
      const budget = this.#leader ? this.#lastRenew + this.#renewDeadlineMs - started : this.#renewDeadlineMs;
      if (budget > 0) {
        try {
          if (await this.#attempt(started, budget)) this.#lastRenew = started;
        } catch (err) {
          if (this.#stop.signal.aborted) break;
          this.#o.onError?.(String((err as Error)?.message ?? err));
        }
      }
      if (this.#leader && timing.clock.now() - this.#lastRenew >= this.#renewDeadlineMs) this.#set(false);
      // Jitter keeps two standbys from colliding on every retry.
      const wait = this.#retryPeriodMs * (this.#leader ? 1 : 1 + (JITTER - 1) * timing.random());
      await timing.sleep(wait, this.#stop.signal);
    }
  }

  /** One acquire-or-renew, aborted after `budget` ms on the injected clock. */
  async #attempt(now: number, budget: number): Promise<boolean> {
    const attempt = new AbortController();
    const onStop = (): void => attempt.abort();
    this.#stop.signal.addEventListener('abort', onStop, { once: true });
    let timedOut = false;
    const timer = this.#o.timing.sleep(budget, attempt.signal).then(() => {
      if (attempt.signal.aborted) return;
      timedOut = true;
      attempt.abort();
    });
    try {
      const held = await Promise.race([
        this.#tryAcquireOrRenew(now, attempt.signal),
        // A transport that ignores the signal must not hold the loop either.
        new Promise<never>((_, reject) =>
          attempt.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }),
        ),
      ]);
      return held;
    } catch (err) {
      if (timedOut)
        throw new Error(`lease ${this.#o.namespace}/${this.#o.name}: no answer within ${budget} ms`);
      throw err;
    } finally {
      attempt.abort();
      this.#stop.signal.removeEventListener('abort', onStop);
      await timer;
    }
  }

  /** Records what the Lease says now; returns the local time it was first seen so. */
  #observe(spec: LeaseSpec, now: number): number {
    const key = recordKey(spec);
    this.#holder = spec.holderIdentity ?? '';
    if (this.#observed?.key !== key) this.#observed = { key, at: now };
    return this.#observed.at;
  }

  /** One attempt; true when we hold the Lease afterwards. */
  async #tryAcquireOrRenew(now: number, signal: AbortSignal): Promise<boolean> {
    const { transport, identity } = this.#o;
    const got = await transport.getJson(this.#path, {}, signal);
    // An answer that comes after the attempt was given up decides nothing.
    if (signal.aborted) return false;
    if (got.status === 404) {
      const spec = this.#spec(now, { leaseTransitions: 0 }, true);
      const created = await transport.sendJson(
        'POST',
        `/apis/coordination.k8s.io/v1/namespaces/${this.#o.namespace}/leases`,
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.#o.name, namespace: this.#o.namespace },
          spec,
        },
        signal,
      );
      if (signal.aborted) return false;
      if (created.status === 201 || created.status === 200) {
        this.#observe(spec, now);
        this.#set(true);
        return true;
      }
      if (created.status !== 409) this.#o.onError?.(`create lease: HTTP ${created.status}`);
      return false;
    }
    if (got.status !== 200) {
      this.#o.onError?.(`get lease: HTTP ${got.status}`);
      return false;
    }
    const lease = got.body as Lease;
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const seenAt = this.#observe(spec, now);
    const validFor = (spec.leaseDurationSeconds ?? 0) * 1000;
    const expired = !holder || seenAt + validFor <= now;
    if (holder !== identity && !expired) {
      this.#set(false);
      return false;
    }
    const next = this.#spec(now, spec, holder !== identity);
    const updated = await transport.sendJson('PUT', this.#path, { ...lease, spec: next }, signal);
    if (signal.aborted) return false;
    if (updated.status === 200) {
      this.#observe(next, now);
      this.#set(true);
      return true;
    }
    // 409: someone else updated it first; they lead.
    if (updated.status !== 409) this.#o.onError?.(`update lease: HTTP ${updated.status}`);
    return false;
  }

  #spec(now: number, previous: LeaseSpec, transition: boolean): LeaseSpec {
    return {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.ceil(this.#leaseDurationMs / 1000),
      acquireTime: transition ? microTime(now) : (previous.acquireTime ?? microTime(now)),
      renewTime: microTime(now),
      leaseTransitions: (previous.leaseTransitions ?? 0) + (transition && previous.holderIdentity ? 1 : 0),
    };
  }

  /** Gives the Lease up so a standby need not wait for it to expire. */
  async #release(): Promise<void> {
    // Not leading any more from here on, whether the release gets through or not.
    this.#set(false);
    const signal = AbortSignal.timeout(2_000);
    try {
      const got = await this.#o.transport.getJson(this.#path, {}, signal);
      const lease = got.body as Lease;
      if (got.status !== 200 || lease.spec?.holderIdentity !== this.#o.identity) return;
      await this.#o.transport.sendJson(
        'PUT',
        this.#path,
        { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } },
        signal,
      );
    } catch {
      // Best effort: the Lease expires by itself.
    }
  }
}
