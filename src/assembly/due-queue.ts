/** An item the due queue can schedule: it remembers the stamp of its live entry. */
export interface Schedulable {
  dueStamp: number;
  dueAt: number;
}

interface Entry<T> {
  readonly at: number;
  readonly item: T;
  readonly stamp: number;
}

/**
 * A min-heap of "look at this item at time t". Rescheduling bumps the item's
 * stamp, so older entries are skipped when popped (lazy deletion): no search,
 * O(log n) per change.
 */
export class DueQueue<T extends Schedulable> {
  readonly #heap: Entry<T>[] = [];
  #stamp = 0;

  /** Entries held, including stale ones. */
  get size(): number {
    return this.#heap.length;
  }

  /** The earliest scheduled time (possibly of a stale entry); +Infinity when empty. */
  peekAt(): number {
    return this.#heap[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  /** Schedules `item` at `at`, replacing its earlier schedule. */
  schedule(item: T, at: number): void {
    if (item.dueStamp !== 0 && item.dueAt === at) return;
    this.#stamp += 1;
    item.dueStamp = this.#stamp;
    item.dueAt = at;
    this.#push({ at, item, stamp: this.#stamp });
  }

  /** Forgets `item`'s schedule. */
  cancel(item: T): void {
    item.dueStamp = 0;
    item.dueAt = Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the next item due at or before `now`, or undefined. */
  popDue(now: number): T | undefined {
    for (;;) {
      const top = this.#heap[0];
      if (top === undefined || top.at > now) return undefined;
      this.#pop();
      if (top.stamp === top.item.dueStamp) {
        top.item.dueStamp = 0;
        top.item.dueAt = Number.POSITIVE_INFINITY;
        return top.item;
      }
    }
  }

  #push(entry: Entry<T>): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p === undefined || p.at <= entry.at) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const left = heap[l];
      const right = heap[r];
      if (left === undefined) break;
      let child = l;
      let childEntry = left;
      if (right !== undefined && right.at < left.at) {
        child = r;
        childEntry = right;
      }
      if (childEntry.at >= last.at) break;
      heap[i] = childEntry;
      i = child;
    }
    heap[i] = last;
  }
}
