const NO_KEYS: readonly string[] = Object.freeze([]);

/** Span ids by index, as {@link SpanKeys.frozenParts} looks them up: made once for all the intents of a group. */
export interface KnownSpanIds {
  readonly byRecord: ReadonlyMap<string, number>;
}

/** `ids` (span id → index) as {@link SpanKeys.frozenParts} looks them up. */
export function knownSpanIds(ids: ReadonlyMap<string, number>): KnownSpanIds {
  const byRecord = new Map<string, number>();
  for (const [id, index] of ids) {
    const record = idRecord(id);
    if (record !== undefined) byRecord.set(record, index);
  }
  return { byRecord };
}

/** What {@link SpanKeys.frozenParts} gives: span id records, indexes of known span ids, object keys, other keys. */
export interface FrozenSpanKeys {
  readonly ids: string;
  readonly known: readonly number[];
  readonly objects: readonly string[];
  readonly keys: readonly string[];
}

/** UTF-16 code units per span id record: 16 hex digits, 16 bits a unit. */
const ID_UNITS = 4;
/** Code units per object record: the kind (lifecycle, termination), then the 128 bits of a uuid. */
const OBJECT_UNITS = 9;
const OBJECT_KINDS = ['lifecycle', 'termination'] as const;
/** Where a canonical uuid has its dashes. */
const UUID_DASHES = [8, 13, 18, 23];

/**
 * The keys of the spans one intent sent (an action's span id, `lifecycle <uid>`,
 * `termination <uid>`): a span goes out once. A Set while its trace is open;
 * once its root group settles, {@link compact} packs them: each span id (16 hex
 * digits) as 4 UTF-16 code units, and each `lifecycle`/`termination` key of an
 * object whose uid is a canonical uuid as 9 (the kind, then the uuid's 128
 * bits), in two strings of sorted fixed-width records (8 and 18 bytes a key,
 * where a key in a Set costs about 70); any other key stays a string, in a
 * sorted array. All three are searched by bisection. Keys added after that go
 * to a Set beside them, until the next compaction. Iteration gives every key
 * once, in no particular order.
 */
export class SpanKeys implements Iterable<string> {
  #set: Set<string> | undefined;
  /** Span id records, sorted, concatenated. */
  #ids = '';
  /** Object key records, sorted, concatenated. */
  #objects = '';
  /** The other keys, sorted. */
  #keys: readonly string[] = NO_KEYS;

  constructor(keys?: Iterable<string>) {
    const set = keys === undefined ? undefined : new Set(keys);
    this.#set = set === undefined || set.size === 0 ? undefined : set;
  }

  /** Keys held. */
  get size(): number {
    return (
      this.#ids.length / ID_UNITS +
      this.#objects.length / OBJECT_UNITS +
      this.#keys.length +
      (this.#set?.size ?? 0)
    );
  }

  /** True when `key` was sent. */
  has(key: string): boolean {
    return this.#set?.has(key) === true || this.#compactHas(key);
  }

  /** Records that `key` was sent. */
  add(key: string): void {
    if (this.#compactHas(key)) return;
    let set = this.#set;
    if (set === undefined) {
      set = new Set();
      this.#set = set;
    }
    set.add(key);
  }

  /**
   * What it holds, for a frozen root group (see frozen-facts.ts), once compacted:
   * the span id records other than those of the span ids `known` (see
   * {@link knownSpanIds}), the indexes of those it holds, and the object and
   * other keys as keys. Undefined when keys were added since the last compaction.
   */
  frozenParts(known: KnownSpanIds): FrozenSpanKeys | undefined {
    if (this.#set !== undefined) return undefined;
    const byRecord = known.byRecord;
    let ids = '';
    const indexes: number[] = [];
    for (let at = 0; at < this.#ids.length; at += ID_UNITS) {
      const record = this.#ids.slice(at, at + ID_UNITS);
      const index = byRecord.get(record);
      if (index === undefined) ids += record;
      else indexes.push(index);
    }
    const objects: string[] = [];
    for (let at = 0; at < this.#objects.length; at += OBJECT_UNITS)
      objects.push(objectKeyAt(this.#objects, at));
    return { ids, known: indexes, objects, keys: this.#keys };
  }

  /** The keys {@link frozenParts} gave, compacted again: the same records; `known` by index as given there. */
  static fromFrozenParts(parts: FrozenSpanKeys, known: readonly (string | undefined)[]): SpanKeys {
    const ids = records(parts.ids, ID_UNITS);
    for (const index of parts.known) {
      const id = known[index];
      const record = id === undefined ? undefined : idRecord(id);
      if (record === undefined) throw new TypeError('a frozen span key names no span id');
      ids.push(record);
    }
    const objects = parts.objects.map((key) => {
      const record = objectRecord(key);
      if (record === undefined) throw new TypeError('a frozen object key is not one');
      return record;
    });
    const keys = new SpanKeys();
    keys.#ids = ids.sort(compareKeys).join('');
    keys.#objects = objects.sort(compareKeys).join('');
    keys.#keys = parts.keys.length === 0 ? NO_KEYS : [...parts.keys];
    return keys;
  }

  /** Keeps what is held in its smallest form (see the class). */
  compact(): void {
    const set = this.#set;
    if (set === undefined) return;
    const ids = records(this.#ids, ID_UNITS);
    const objects = records(this.#objects, OBJECT_UNITS);
    const keys = [...this.#keys];
    for (const key of set) {
      const id = idRecord(key);
      if (id !== undefined) ids.push(id);
      else {
        const object = objectRecord(key);
        if (object !== undefined) objects.push(object);
        else keys.push(key);
      }
    }
    this.#ids = ids.sort(compareKeys).join('');
    this.#objects = objects.sort(compareKeys).join('');
    this.#keys = keys.length === 0 ? NO_KEYS : keys.sort(compareKeys);
    this.#set = undefined;
  }

  #compactHas(key: string): boolean {
    const id = idRecord(key);
    if (id !== undefined) return hasRecord(this.#ids, ID_UNITS, id);
    const object = objectRecord(key);
    if (object !== undefined) return hasRecord(this.#objects, OBJECT_UNITS, object);
    const keys = this.#keys;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid] ?? '';
      if (k === key) return true;
      if (k < key) lo = mid + 1;
      else hi = mid;
    }
    return false;
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let at = 0; at < this.#ids.length; at += ID_UNITS) yield hexOfUnits(this.#ids, at, ID_UNITS);
    for (let at = 0; at < this.#objects.length; at += OBJECT_UNITS) yield objectKeyAt(this.#objects, at);
    yield* this.#keys;
    if (this.#set !== undefined) yield* this.#set;
  }
}

/** The key of the object record at `at`. */
function objectKeyAt(records: string, at: number): string {
  let uuid = hexOfUnits(records, at + 1, OBJECT_UNITS - 1);
  for (const d of UUID_DASHES) uuid = `${uuid.slice(0, d)}-${uuid.slice(d)}`;
  return `${OBJECT_KINDS[records.charCodeAt(at)] ?? ''} ${uuid}`;
}

/** The record of a span id (16 lowercase hex digits); undefined for any other key. */
function idRecord(key: string): string | undefined {
  if (key.length !== 16) return undefined;
  return unitsOfHex(key, 0, 16);
}

/** The record of `lifecycle <uuid>` or `termination <uuid>` (canonical, lowercase); undefined for any other key. */
function objectRecord(key: string): string | undefined {
  const space = key.indexOf(' ');
  const kind = OBJECT_KINDS.indexOf(key.slice(0, space) as (typeof OBJECT_KINDS)[number]);
  if (kind < 0 || key.length !== space + 37) return undefined;
  const from = space + 1;
  for (const d of UUID_DASHES) if (key.charCodeAt(from + d) !== 45) return undefined;
  let hex = '';
  let last = from;
  for (const d of UUID_DASHES) {
    hex += key.slice(last, from + d);
    last = from + d + 1;
  }
  hex += key.slice(last);
  const units = unitsOfHex(hex, 0, 32);
  return units === undefined ? undefined : String.fromCharCode(kind) + units;
}

/** 4 lowercase hex digits a UTF-16 code unit; undefined when `text` has anything else there. */
function unitsOfHex(text: string, from: number, digits: number): string | undefined {
  const units: number[] = [];
  for (let i = from; i < from + digits; i += 4) {
    let n = 0;
    for (let j = i; j < i + 4; j++) {
      const c = text.charCodeAt(j);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) return undefined;
      n = n * 16 + d;
    }
    units.push(n);
  }
  return String.fromCharCode(...units);
}

const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function hexOfUnits(records: string, at: number, units: number): string {
  let hex = '';
  for (let i = at; i < at + units; i++) {
    const unit = records.charCodeAt(i);
    hex += (HEX_PAIRS[unit >> 8] ?? '') + (HEX_PAIRS[unit & 255] ?? '');
  }
  return hex;
}

/** The records of a packed string, one string each. */
function records(packed: string, units: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < packed.length; at += units) out.push(packed.slice(at, at + units));
  return out;
}

/** Bisection over the sorted fixed-width records of `packed`. */
function hasRecord(packed: string, units: number, record: string): boolean {
  let lo = 0;
  let hi = packed.length / units;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareAt(packed, mid * units, record);
    if (c === 0) return true;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/** The record of `packed` at `at` against `record`, code unit by code unit. */
function compareAt(packed: string, at: number, record: string): number {
  for (let i = 0; i < record.length; i++) {
    const d = packed.charCodeAt(at + i) - record.charCodeAt(i);
    if (d !== 0) return d;
  }
  return 0;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
