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

/** Stale entries tolerated beyond the live ones before they are swept out. */
const STALE_SLACK = 64;

/**
 * A min-heap of "look at this item at time t", ordered by time, then by when
 * it was scheduled. Rescheduling bumps the item's stamp, so older entries are
 * skipped when popped (lazy deletion): no search, O(log n) per change. Stale
 * entries would keep items the caller let go of (a forgotten root group and
 * all its facts) until their time came, up to the maximum trace length
 * later; once they outnumber the live ones they are swept out, which keeps
 * the heap within twice the scheduled items. The order is total, so the sweep
 * cannot change which item pops first.
 */
export class DueQueue<T extends Schedulable> {
  #heap: Entry<T>[] = [];
  #stamp = 0;
  /** Items scheduled (dueStamp ≠ 0). */
  #live = 0;

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
    if (item.dueStamp === 0) this.#live += 1;
    this.#stamp += 1;
    item.dueStamp = this.#stamp;
    item.dueAt = at;
    this.#push({ at, item, stamp: this.#stamp });
    if (this.#heap.length > 2 * this.#live + STALE_SLACK) this.#sweep();
  }

  /** Forgets `item`'s schedule. */
  cancel(item: T): void {
    if (item.dueStamp !== 0) this.#live -= 1;
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
        this.#live -= 1;
        top.item.dueStamp = 0;
        top.item.dueAt = Number.POSITIVE_INFINITY;
        return top.item;
      }
    }
  }

  /** Drops stale entries; a sorted array is a heap. */
  #sweep(): void {
    const live = this.#heap.filter((e) => e.stamp === e.item.dueStamp);
    live.sort(byDue);
    this.#heap = live;
  }

  #push(entry: Entry<T>): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent];
      if (p === undefined || !popsBefore(entry, p)) break;
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
      if (right !== undefined && popsBefore(right, left)) {
        child = r;
        childEntry = right;
      }
      if (!popsBefore(childEntry, last)) break;
      heap[i] = childEntry;
      i = child;
    }
    heap[i] = last;
  }
}

/** True when `a` pops before `b`: earlier time, then scheduled earlier. */
function popsBefore<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.stamp < b.stamp);
}

function byDue<T>(a: Entry<T>, b: Entry<T>): number {
  return a.at - b.at || a.stamp - b.stamp;
}
