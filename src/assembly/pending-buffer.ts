/** Something held until the object it waits for arrives. */
export interface PendingEntry {
  /** The uid whose arrival would resolve it. */
  readonly waitingOn: string;
  /** Clock time it was held, epoch ms. */
  readonly arrivedAt: number;
}

/**
 * The bounded buffer of unresolved items (an Event before its object, a child
 * before its owner). Indexed by the uid each waits on, and kept in arrival
 * order so expiry and eviction take the oldest first.
 */
export class PendingBuffer<T extends PendingEntry> {
  readonly #byUid = new Map<string, T[]>();
  readonly #fifo = new Set<T>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** Items held. */
  get size(): number {
    return this.#fifo.size;
  }

  /** Holds `item`; returns the oldest item when the bound forced it out. */
  add(item: T): T | undefined {
    this.#fifo.add(item);
    const list = this.#byUid.get(item.waitingOn);
    if (list === undefined) this.#byUid.set(item.waitingOn, [item]);
    else list.push(item);
    if (this.#fifo.size <= this.#max) return undefined;
    const oldest = this.#fifo.values().next().value;
    if (oldest === undefined) return undefined;
    this.#remove(oldest);
    return oldest;
  }

  /** Removes and returns every item waiting on `uid`, oldest first. */
  take(uid: string): readonly T[] {
    const list = this.#byUid.get(uid);
    if (list === undefined) return NONE;
    this.#byUid.delete(uid);
    for (const item of list) this.#fifo.delete(item);
    return list;
  }

  /** Removes and returns items held for `maxAgeMs` or longer as of `now`, oldest first. */
  expire(now: number, maxAgeMs: number): T[] {
    const out: T[] = [];
    for (const item of this.#fifo) {
      if (item.arrivedAt + maxAgeMs > now) break;
      out.push(item);
    }
    for (const item of out) this.#remove(item);
    return out;
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const out = [...this.#fifo];
    this.#fifo.clear();
    this.#byUid.clear();
    return out;
  }

  #remove(item: T): void {
    this.#fifo.delete(item);
    const list = this.#byUid.get(item.waitingOn);
    if (list === undefined) return;
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.#byUid.delete(item.waitingOn);
  }
}

const NONE: readonly never[] = Object.freeze([]);
