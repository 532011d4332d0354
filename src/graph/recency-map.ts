/**
 * A map of at most `max` entries kept in order of use, the least recently used
 * evicted first: what lru-cache does with `maxSize` and a size of 1 per entry,
 * in one Map (its insertion order is the order of use). lru-cache keeps six
 * arrays beside its Map, about 120 bytes an entry once grown; this keeps the
 * Map's own, about 30–60.
 *
 * `get` and `set` make an entry the most recent; `peek` and `has` do not.
 * Values are never `undefined` (`get` answers `undefined` for a missing key).
 */
export class RecencyMap<K, V> {
  readonly #max: number;
  readonly #onEvict: ((value: V, key: K) => void) | undefined;
  readonly #map = new Map<K, V>();
  /** The most recent key, when known: getting it again moves nothing. */
  #newest: K | undefined = undefined;

  constructor(max: number, onEvict?: (value: V, key: K) => void) {
    if (!Number.isSafeInteger(max) || max < 1)
      throw new TypeError(`max must be a positive integer, got ${max}`);
    this.#max = max;
    this.#onEvict = onEvict;
  }

  /** Entries held. */
  get size(): number {
    return this.#map.size;
  }

  /** The value of `key`, made the most recent. */
  get(key: K): V | undefined {
    const map = this.#map;
    const value = map.get(key);
    if (value === undefined || key === this.#newest) return value;
    map.delete(key);
    map.set(key, value);
    this.#newest = key;
    return value;
  }

  /** The value of `key`, leaving the order as it is. */
  peek(key: K): V | undefined {
    return this.#map.get(key);
  }

  /** True when `key` is held; leaves the order as it is. */
  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** Sets `key` to `value` as the most recent, evicting the least recent beyond the bound. */
  set(key: K, value: V): void {
    const map = this.#map;
    if (key !== this.#newest) map.delete(key);
    map.set(key, value);
    this.#newest = key;
    if (map.size <= this.#max) return;
    for (const [k, v] of map) {
      map.delete(k);
      this.#onEvict?.(v, k);
      break;
    }
  }

  /** Forgets `key`; true when it was held. */
  delete(key: K): boolean {
    if (key === this.#newest) this.#newest = undefined;
    return this.#map.delete(key);
  }
}
