/** Keys held as a plain array, searched in order, once compacted; beyond, a Set. */
const MAX_LISTED = 32;
const NONE: readonly string[] = Object.freeze([]);

/**
 * The keys of the spans one intent sent (an action's span id, `lifecycle <uid>`,
 * `termination <uid>`): a span goes out once. A Set while its trace is open;
 * once its root group settles, {@link compact} keeps up to {@link MAX_LISTED}
 * keys as a plain array (a Set costs about 250 bytes even empty, and 30 bytes
 * a key), and keys added after that go to a Set beside it.
 */
export class SpanKeys implements Iterable<string> {
  #set: Set<string> | undefined;
  #listed: readonly string[] = NONE;

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
    return this.#set?.has(key) === true || this.#listed.includes(key);
  }

  /** Records that `key` was sent. */
  add(key: string): void {
    if (this.#listed.includes(key)) return;
    let set = this.#set;
    if (set === undefined) {
      set = new Set();
      this.#set = set;
    }
    set.add(key);
  }

  /** Keeps what is held in its smallest form: a short list as an array, a long one as a Set. */
  compact(): void {
    const set = this.#set;
    if (set === undefined || this.size > MAX_LISTED) return;
    this.#listed = this.#listed.length === 0 ? [...set] : [...this.#listed, ...set];
    this.#set = undefined;
  }

  *[Symbol.iterator](): Iterator<string> {
    yield* this.#listed;
    if (this.#set !== undefined) yield* this.#set;
  }
}
