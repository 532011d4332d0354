/** Keys held in a plain array searched in order; beyond, searched through a sorted index. */
const MAX_SCANNED = 32;
const NONE: readonly string[] = Object.freeze([]);

/**
 * The keys of the spans one intent sent (an action's span id, `lifecycle <uid>`,
 * `termination <uid>`): a span goes out once. A Set while its trace is open;
 * once its root group settles, {@link compact} keeps them as a plain array in
 * the order they were added (a Set costs about 250 bytes even empty, and 30
 * bytes a key; an array 4 bytes a key). Up to {@link MAX_SCANNED} keys are
 * searched in order; a longer list gets a sorted index beside it (4 bytes a
 * key), searched by bisection. Keys added after that go to a Set beside the
 * array, until the next compaction.
 */
export class SpanKeys implements Iterable<string> {
  #set: Set<string> | undefined;
  #listed: readonly string[] = NONE;
  /** Positions in #listed, sorted by key; undefined while the list is short enough to scan. */
  #sorted: Uint32Array | undefined = undefined;

  constructor(keys?: Iterable<string>) {
    const set = keys === undefined ? undefined : new Set(keys);
    this.#set = set === undefined || set.size === 0 ? undefined : set;
  }

  /** Keys held. */
  get size(): number {
    return this.#listed.length + (this.#set?.size ?? 0);
  }

  /** True when `key` was sent. */
  has(key: string): boolean {
    return this.#set?.has(key) === true || this.#listedHas(key);
  }

  /** Records that `key` was sent. */
  add(key: string): void {
    if (this.#listedHas(key)) return;
    let set = this.#set;
    if (set === undefined) {
      set = new Set();
      this.#set = set;
    }
    set.add(key);
  }

  /** Keeps what is held in its smallest form: one array in insertion order, indexed when long. */
  compact(): void {
    const set = this.#set;
    if (set === undefined) return;
    const listed = this.#listed.length === 0 ? [...set] : [...this.#listed, ...set];
    this.#listed = listed;
    this.#set = undefined;
    if (listed.length <= MAX_SCANNED) {
      this.#sorted = undefined;
      return;
    }
    const sorted = new Uint32Array(listed.length);
    for (let i = 0; i < sorted.length; i++) sorted[i] = i;
    sorted.sort((a, b) => compareKeys(listed[a] ?? '', listed[b] ?? ''));
    this.#sorted = sorted;
  }

  #listedHas(key: string): boolean {
    const listed = this.#listed;
    const sorted = this.#sorted;
    if (sorted === undefined) return listed.includes(key);
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = listed[sorted[mid] ?? 0] ?? '';
      if (k === key) return true;
      if (k < key) lo = mid + 1;
      else hi = mid;
    }
    return false;
  }

  *[Symbol.iterator](): Iterator<string> {
    yield* this.#listed;
    if (this.#set !== undefined) yield* this.#set;
  }
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
