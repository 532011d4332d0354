/**
 * Lease-based leader election (coordination.k8s.io/v1), as client-go does it:
 * acquire a free or expired Lease with an optimistic-concurrency update, renew
 * it every retry period, give it up when renewal has failed for the renew
 * deadline, and release it on shutdown so a standby takes over at once.
 * Every replica watches and assembles; only the leader exports.
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
  /** How long a Lease is valid without renewal. Default 15 s. */
  readonly leaseDurationMs?: number;
  /** A leader that cannot renew for this long steps down. Default 10 s. */
  readonly renewDeadlineMs?: number;
  /** How often to try to acquire or renew. Default 2 s. */
  readonly retryPeriodMs?: number;
  readonly onChange: (leader: boolean) => void;
  /** Failed attempts (network errors, unexpected status), for metrics and logs. */
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

function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

/** Runs the election loop until stopped. */
export class LeaderElector {
  readonly #o: LeaderElectionOptions;
  readonly #stop = new AbortController();
  #leader = false;
  #lastRenew = 0;
  #loop: Promise<void> | undefined;

  constructor(options: LeaderElectionOptions) {
    if (!options.identity) throw new TypeError('leader election needs a non-empty identity');
    this.#o = options;
  }

  /** Whether this replica holds the Lease now. */
  get isLeader(): boolean {
    return this.#leader;
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
    const retry = this.#o.retryPeriodMs ?? 2_000;
    const renewDeadline = this.#o.renewDeadlineMs ?? 10_000;
    while (!this.#stop.signal.aborted) {
      try {
        if (await this.#tryAcquireOrRenew()) this.#lastRenew = timing.clock.now();
      } catch (err) {
        if (this.#stop.signal.aborted) break;
        this.#o.onError?.(String((err as Error)?.message ?? err));
      }
      if (this.#leader && timing.clock.now() - this.#lastRenew > renewDeadline) this.#set(false);
      // Jitter keeps two standbys from colliding on every retry.
      await timing.sleep(retry * (this.#leader ? 1 : 1 + 0.2 * timing.random()), this.#stop.signal);
    }
  }

  /** One attempt; true when we hold the Lease afterwards. */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const { transport, timing, identity } = this.#o;
    const signal = this.#stop.signal;
    const now = timing.clock.now();
    const durationMs = this.#o.leaseDurationMs ?? 15_000;
    const got = await transport.getJson(this.#path, {}, signal);
    if (got.status === 404) {
      const created = await transport.sendJson(
        'POST',
        `/apis/coordination.k8s.io/v1/namespaces/${this.#o.namespace}/leases`,
        {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.#o.name, namespace: this.#o.namespace },
          spec: this.#spec(now, durationMs, { leaseTransitions: 0 }, true),
        },
        signal,
      );
      if (created.status === 201 || created.status === 200) {
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
    const renewed = spec.renewTime ? Date.parse(spec.renewTime) : Number.NaN;
    const validFor = (spec.leaseDurationSeconds ?? 0) * 1000;
    const expired = !holder || Number.isNaN(renewed) || renewed + validFor < now;
    if (holder !== identity && !expired) {
      this.#set(false);
      return false;
    }
    const updated = await transport.sendJson(
      'PUT',
      this.#path,
      { ...lease, spec: this.#spec(now, durationMs, spec, holder !== identity) },
      signal,
    );
    if (updated.status === 200) {
      this.#set(true);
      return true;
    }
    // 409: someone else updated it first; they lead.
    if (updated.status !== 409) this.#o.onError?.(`update lease: HTTP ${updated.status}`);
    return false;
  }

  #spec(now: number, durationMs: number, previous: LeaseSpec, transition: boolean): LeaseSpec {
    return {
      holderIdentity: this.#o.identity,
      leaseDurationSeconds: Math.ceil(durationMs / 1000),
      acquireTime: transition ? microTime(now) : (previous.acquireTime ?? microTime(now)),
      renewTime: microTime(now),
      leaseTransitions: (previous.leaseTransitions ?? 0) + (transition && previous.holderIdentity ? 1 : 0),
    };
  }

  /** Gives the Lease up so a standby need not wait for it to expire. */
  async #release(): Promise<void> {
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
    } finally {
      this.#set(false);
    }
  }
}
