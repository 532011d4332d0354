import { LRUCache } from 'lru-cache';
import { lruBound } from '../graph/lru-bound.js';
import type { Clock } from '../model/clock.js';
import type { IntentKey } from '../model/ids.js';

/** What the {@link ClosedRoots} needs: a bound by count and one by time (ms on the clock). */
export interface ClosedRootsOptions {
  readonly clock: Clock;
  readonly max: number;
  readonly ttlMs: number;
}

/**
 * Root objects whose group the engine let go of (evicted by the open-traces
 * bound, or retained long enough after emission), with the intents that were
 * already emitted. A later fact of one of those intents is dropped rather than
 * starting its trace again: it would send the root and spans already exported
 * once more. A new intent of the root (a later generation, a delete) is traced
 * as usual. Bounded by count and by time; when an entry is gone, a late fact
 * is traced as if first seen.
 */
export class ClosedRoots {
  readonly #closed: LRUCache<string, readonly IntentKey[]>;

  constructor(options: ClosedRootsOptions) {
    this.#closed = new LRUCache<string, readonly IntentKey[]>({
      ...lruBound(options.max),
      ttl: Math.max(1, options.ttlMs),
      // No timers in the core: lru-cache's default ttlResolution schedules one.
      ttlResolution: 0,
      perf: options.clock,
    });
  }

  /** Remembers that the intents `keys` of `rootUid` are closed (added to what was known). */
  close(rootUid: string, keys: readonly IntentKey[]): void {
    const known = this.#closed.peek(rootUid);
    if (known === undefined) this.#closed.set(rootUid, keys);
    else this.#closed.set(rootUid, [...new Set([...known, ...keys])]);
  }

  /** True when `rootUid` has closed intents. */
  has(rootUid: string): boolean {
    return this.#closed.has(rootUid);
  }

  /** True when intent `key` of `rootUid` was closed. */
  isClosed(rootUid: string, key: IntentKey): boolean {
    return this.#closed.get(rootUid)?.includes(key) === true;
  }

  /** Entries held. */
  get size(): number {
    return this.#closed.size;
  }
}
