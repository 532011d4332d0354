/**
 * Plain data (undefined, null, booleans, numbers, strings, arrays, plain
 * objects, Sets and Maps) in one one-byte string, made back equal: the same
 * values, the same keys in the same order, NaN, -0 and undefined properties
 * included. Made for the facts of settled root groups (see frozen-facts.ts),
 * which are mostly uids, span and trace ids, times and a few repeated words:
 *
 * - each distinct string is written once, then referred to by its index (one
 *   byte for the first 96), or is a word of the dictionary both sides share;
 * - a canonical uuid is its 16 bytes, a lowercase hex string its bytes, and a
 *   string that ends with a uuid (`lifecycle <uid>`, `change/<uid>`) its prefix
 *   and the uuid, each a string of the table;
 * - a string that begins with a string of the table and a dash (a Pod's
 *   name after its ReplicaSet's) is that string and the rest;
 * - a plain object with the same keys, in the same order, as one written
 *   before is its values after the index of those keys;
 * - an integer is a varint (7 bits a byte), a number of whole microseconds
 *   (a refined time) a varint of them, any other number its 8 bytes; a time
 *   (a number beyond 2^31) that is whole milliseconds or microseconds from
 *   the time written before it is that difference;
 * - a small integer (0–127) is one byte.
 *
 * Object identity is not kept: an object referred to twice is written twice,
 * and only an object's own enumerable string keys are (facts have no others).
 * A value of any other kind (a class instance, an object without a prototype,
 * a function, a symbol, a sparse array) is refused with a TypeError, so
 * nothing comes back different.
 */

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_UINT = 4;
const T_NEG_INT = 5;
const T_MICROS = 6;
const T_NEG_MICROS = 7;
const T_F64 = 8;
const T_REF = 9;
const T_LATIN1 = 10;
const T_UTF16 = 11;
const T_UUID = 12;
const T_HEX = 13;
const T_UUID_SUFFIX = 14;
const T_ARRAY = 15;
const T_OBJECT = 16;
const T_SET = 17;
const T_MAP = 18;
const T_SHAPED = 19;
const T_NEAR = 20;
const T_NEAR_MICROS = 21;
const T_PREFIXED = 22;
const T_WORD = 23;
/** Tags from here to {@link T_SMALL} are references to the first strings written, one byte each. */
const T_SHORT_REF = 32;
/** Tags from here on are the integers 0–127 themselves. */
const T_SMALL = 128;

const UUID_LENGTH = 36;
/** Numbers at least this far from zero are times: each may be written as its difference from the one before. */
const NEAR_FROM = 2 ** 31;
/** Differences from here on are written whole: their zigzag form would not be exact. */
const MAX_NEAR = 2 ** 50;
/** Prefixes shorter than this are not looked up. */
const MIN_PREFIX = 6;
/** Code units made into a string per call. */
const UTF16_CHUNK = 4096;

/** Grows as needed and is kept: packing allocates only the result. */
let scratch = new Uint8Array(16 * 1024);
const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

/**
 * Strings and object shapes both sides know before the first byte: the words
 * and keys every packed value of a kind repeats, each then a reference from
 * its first use on. Made once ({@link packingDictionary}), never changed.
 */
export interface PackingDictionary {
  readonly words: readonly string[];
  readonly wordIndex: ReadonlyMap<string, number>;
  readonly shapes: readonly (readonly string[])[];
  readonly shapeIndex: ReadonlyMap<string, number>;
}

/** A dictionary of `words` and of the objects with the keys of each of `shapes` (their keys words too). */
export function packingDictionary(
  words: readonly string[],
  shapes: readonly (readonly string[])[] = [],
): PackingDictionary {
  const all = [...new Set([...words, ...shapes.flat()])];
  const shapeList = [...new Map(shapes.map((keys) => [keys.join('\n'), [...keys]])).values()];
  return {
    words: all,
    wordIndex: new Map(all.map((w, i) => [w, i])),
    shapes: shapeList,
    shapeIndex: new Map(shapeList.map((keys, i) => [keys.join('\n'), i])),
  };
}

const NO_DICTIONARY = packingDictionary([]);

class Writer {
  at = 0;
  /** Strings written, by the order they were first written in. */
  readonly strings = new Map<string, number>();
  /** Keys of the objects written, joined, by index (the dictionary's shapes first). */
  readonly shapes = new Map<string, number>();
  /** The shapes written, after the dictionary's, in order. */
  readonly shapeList: (readonly string[])[] = [];

  constructor(readonly dictionary: PackingDictionary) {}

  /** The last number beyond {@link NEAR_FROM} written: the next one may be written as its difference. */
  near = 0;

  byte(b: number): void {
    if (this.at >= scratch.length) this.room(1);
    scratch[this.at++] = b;
  }

  varint(n: number): void {
    while (n >= 128) {
      this.byte((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    this.byte(n);
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'undefined':
        this.byte(T_UNDEFINED);
        return;
      case 'boolean':
        this.byte(v ? T_TRUE : T_FALSE);
        return;
      case 'number':
        this.number(v);
        return;
      case 'string':
        this.string(v);
        return;
      case 'object':
        if (v === null) this.byte(T_NULL);
        else this.object(v);
        return;
      default:
        throw new TypeError(`cannot pack a ${typeof v}`);
    }
  }

  number(n: number): void {
    if (Math.abs(n) >= NEAR_FROM && Number.isFinite(n)) {
      const near = this.near;
      this.near = n;
      const d = n - near;
      if (Number.isSafeInteger(d) && Math.abs(d) < MAX_NEAR && near + d === n) {
        this.byte(T_NEAR);
        this.varint(zigzag(d));
        return;
      }
      const micros = Math.round(d * 1000);
      if (Number.isSafeInteger(micros) && Math.abs(micros) < MAX_NEAR && near + micros / 1000 === n) {
        this.byte(T_NEAR_MICROS);
        this.varint(zigzag(micros));
        return;
      }
    }
    if (Number.isSafeInteger(n) && !Object.is(n, -0)) {
      if (n >= 0 && n < 128) this.byte(T_SMALL + n);
      else if (n >= 0) {
        this.byte(T_UINT);
        this.varint(n);
      } else {
        this.byte(T_NEG_INT);
        this.varint(-n);
      }
      return;
    }
    const micros = Math.round(n * 1000);
    if (Number.isSafeInteger(micros) && micros / 1000 === n && !Object.is(n, -0)) {
      this.byte(micros >= 0 ? T_MICROS : T_NEG_MICROS);
      this.varint(Math.abs(micros));
      return;
    }
    this.byte(T_F64);
    f64[0] = n;
    for (let i = 0; i < 8; i++) this.byte(f64Bytes[i] ?? 0);
  }

  string(s: string): void {
    if (this.reference(s)) return;
    if (isUuid(s, 0)) {
      this.byte(T_UUID);
      this.hexBytes(s, 0, 8);
      this.hexBytes(s, 9, 13);
      this.hexBytes(s, 14, 18);
      this.hexBytes(s, 19, 23);
      this.hexBytes(s, 24, 36);
    } else if (s.length > UUID_LENGTH && isUuid(s, s.length - UUID_LENGTH)) {
      this.byte(T_UUID_SUFFIX);
      this.string(s.slice(0, s.length - UUID_LENGTH));
      this.string(s.slice(s.length - UUID_LENGTH));
    } else if (this.prefixed(s)) {
      // Written by prefixed().
    } else if (s.length > 0 && s.length % 2 === 0 && isLowerHex(s)) {
      this.byte(T_HEX);
      this.varint(s.length / 2);
      this.hexBytes(s, 0, s.length);
    } else if (isOneByte(s)) {
      this.byte(T_LATIN1);
      this.varint(s.length);
      this.room(s.length);
      for (let i = 0; i < s.length; i++) scratch[this.at++] = s.charCodeAt(i);
    } else {
      this.byte(T_UTF16);
      this.varint(s.length);
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        this.byte(c >> 8);
        this.byte(c & 255);
      }
    }
    // Indexed in the order strings are first written, as the reader meets them.
    this.strings.set(s, this.strings.size);
  }

  /** Writes a reference to `s`, a word or a string written before; false when it is neither. */
  reference(s: string): boolean {
    const known = this.strings.get(s);
    if (known !== undefined) {
      if (known < T_SMALL - T_SHORT_REF) this.byte(T_SHORT_REF + known);
      else {
        this.byte(T_REF);
        this.varint(known);
      }
      return true;
    }
    const word = this.dictionary.wordIndex.get(s);
    if (word === undefined) return false;
    this.byte(T_WORD);
    this.varint(word);
    return true;
  }

  /** Writes `s` as a string written before or a word, a dash and the rest, when it begins so; false when it does not. */
  prefixed(s: string): boolean {
    for (let dash = s.lastIndexOf('-'); dash >= MIN_PREFIX; dash = s.lastIndexOf('-', dash - 1)) {
      const prefix = s.slice(0, dash);
      if (!this.strings.has(prefix) && !this.dictionary.wordIndex.has(prefix)) continue;
      this.byte(T_PREFIXED);
      this.reference(prefix);
      this.string(s.slice(dash));
      return true;
    }
    return false;
  }

  /** The hex digits of `hex` from `from` to `to` (an even count), two a byte. */
  hexBytes(hex: string, from: number, to: number): void {
    this.room((to - from) / 2);
    for (let i = from; i < to; i += 2) scratch[this.at++] = hexDigit(hex, i) * 16 + hexDigit(hex, i + 1);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.at + n <= scratch.length) return;
    let size = scratch.length * 2;
    while (size < this.at + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(scratch);
    scratch = grown;
  }

  object(o: object): void {
    if (Array.isArray(o)) {
      this.byte(T_ARRAY);
      this.varint(o.length);
      for (let i = 0; i < o.length; i++) {
        const v: unknown = o[i];
        if (v === undefined && !(i in o)) throw new TypeError('cannot pack a sparse array');
        this.value(v);
      }
    } else if (o instanceof Set) {
      this.byte(T_SET);
      this.varint(o.size);
      for (const v of o) this.value(v);
    } else if (o instanceof Map) {
      this.byte(T_MAP);
      this.varint(o.size);
      for (const [k, v] of o) {
        this.value(k);
        this.value(v);
      }
    } else {
      const proto = Object.getPrototypeOf(o);
      if (proto !== Object.prototype) throw new TypeError('cannot pack a class instance');
      const keys = Object.keys(o);
      const record = o as Record<string, unknown>;
      const shape = keys.join('\n');
      const known = this.dictionary.shapeIndex.get(shape) ?? this.shapes.get(shape);
      // The same joined keys are the same keys unless a key holds the separator.
      if (known !== undefined && sameKeys(this.shapeAt(known), keys)) {
        this.byte(T_SHAPED);
        this.varint(known);
        for (const k of keys) this.value(record[k]);
        return;
      }
      this.byte(T_OBJECT);
      this.varint(keys.length);
      for (const k of keys) {
        this.string(k);
        this.value(record[k]);
      }
      // Registered once written, as the reader meets it.
      const index = this.dictionary.shapes.length + this.shapeList.length;
      this.shapeList.push(keys);
      if (!this.shapes.has(shape)) this.shapes.set(shape, index);
    }
  }

  shapeAt(index: number): readonly string[] | undefined {
    const shapes = this.dictionary.shapes;
    return index < shapes.length ? shapes[index] : this.shapeList[index - shapes.length];
  }
}

function sameKeys(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

class Reader {
  at = 0;
  /** Strings read, after the dictionary's words. */
  readonly strings: string[] = [];
  /** Shapes read, after the dictionary's. */
  readonly shapes: (readonly string[])[] = [];
  near = 0;

  constructor(
    readonly packed: string,
    readonly dictionary: PackingDictionary,
  ) {}

  /** The string written before as the `index`th. */
  known(index: number): string {
    const s = this.strings[index];
    if (s === undefined) throw new TypeError('packed string reference out of range');
    return s;
  }

  byte(): number {
    if (this.at >= this.packed.length) throw new TypeError('packed values end too soon');
    return this.packed.charCodeAt(this.at++);
  }

  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 127) * scale;
      if (b < 128) return n;
      scale *= 128;
    }
  }

  value(): unknown {
    const tag = this.byte();
    if (tag >= T_SMALL) return tag - T_SMALL;
    if (tag >= T_SHORT_REF) return this.known(tag - T_SHORT_REF);
    switch (tag) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_NEAR:
        this.near += unzigzag(this.varint());
        return this.near;
      case T_NEAR_MICROS:
        this.near += unzigzag(this.varint()) / 1000;
        return this.near;
      case T_UINT:
        return this.far(this.varint());
      case T_NEG_INT:
        return this.far(-this.varint());
      case T_MICROS:
        return this.far(this.varint() / 1000);
      case T_NEG_MICROS:
        return this.far(-this.varint() / 1000);
      case T_F64:
        for (let i = 0; i < 8; i++) f64Bytes[i] = this.byte();
        return this.far(f64[0] ?? Number.NaN);
      case T_ARRAY: {
        const n = this.varint();
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = this.value();
        return out;
      }
      case T_OBJECT: {
        const n = this.varint();
        const keys: string[] = [];
        const out: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const k = this.value();
          if (typeof k !== 'string') throw new TypeError('packed object key is not a string');
          keys.push(k);
          setProperty(out, k, this.value());
        }
        this.shapes.push(keys);
        return out;
      }
      case T_SHAPED: {
        const index = this.varint();
        const shapes = this.dictionary.shapes;
        const keys = index < shapes.length ? shapes[index] : this.shapes[index - shapes.length];
        if (keys === undefined) throw new TypeError('packed object shape out of range');
        const out: Record<string, unknown> = {};
        for (const k of keys) setProperty(out, k, this.value());
        return out;
      }
      case T_SET: {
        const n = this.varint();
        const out = new Set<unknown>();
        for (let i = 0; i < n; i++) out.add(this.value());
        return out;
      }
      case T_MAP: {
        const n = this.varint();
        const out = new Map<unknown, unknown>();
        for (let i = 0; i < n; i++) {
          const k = this.value();
          out.set(k, this.value());
        }
        return out;
      }
      default:
        return this.string(tag);
    }
  }

  /** `n`, remembered as the time the next difference is from when it is one. */
  far(n: number): number {
    if (Math.abs(n) >= NEAR_FROM && Number.isFinite(n)) this.near = n;
    return n;
  }

  string(tag: number): string {
    let s: string;
    switch (tag) {
      case T_PREFIXED:
      case T_UUID_SUFFIX: {
        const prefix = this.value();
        const rest = this.value();
        if (typeof prefix !== 'string' || typeof rest !== 'string') throw new TypeError('bad packed string');
        s = prefix + rest;
        break;
      }
      case T_REF:
        return this.known(this.varint());
      case T_WORD: {
        const word = this.dictionary.words[this.varint()];
        if (word === undefined) throw new TypeError('packed word out of range');
        return word;
      }
      case T_UUID: {
        const hex = this.hex(16);
        s = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
        break;
      }
      case T_HEX:
        s = this.hex(this.varint());
        break;
      case T_LATIN1: {
        const n = this.varint();
        s = this.packed.slice(this.at, this.at + n);
        if (s.length !== n) throw new TypeError('packed values end too soon');
        this.at += n;
        break;
      }
      case T_UTF16: {
        const n = this.varint();
        s = '';
        // In chunks: one call with every unit as an argument could overflow the stack.
        for (let done = 0; done < n; done += UTF16_CHUNK) {
          const units: number[] = [];
          for (let i = done; i < Math.min(n, done + UTF16_CHUNK); i++)
            units.push(this.byte() * 256 + this.byte());
          s += String.fromCharCode(...units);
        }
        break;
      }
      default:
        throw new TypeError(`unknown packed tag ${tag}`);
    }
    this.strings.push(s);
    return s;
  }

  hex(bytes: number): string {
    let s = '';
    for (let i = 0; i < bytes; i++) s += HEX_BYTES[this.byte()];
    return s;
  }
}

const HEX_BYTES: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** `value` packed (see the module), with `dictionary` (the same to unpack it); throws a TypeError for anything but plain data. */
export function packValues(value: unknown, dictionary: PackingDictionary = NO_DICTIONARY): string {
  const w = new Writer(dictionary);
  w.value(value);
  // latin1: one char a byte, a one-byte string of exactly this length.
  return Buffer.from(scratch.buffer, scratch.byteOffset, w.at).toString('latin1');
}

/**
 * The first `count` items of the array {@link packValues} packed into `packed`,
 * without reading the rest; throws a TypeError for a string it did not make.
 */
export function unpackHead(
  packed: string,
  count: number,
  dictionary: PackingDictionary = NO_DICTIONARY,
): unknown[] {
  const r = new Reader(packed, dictionary);
  if (r.byte() !== T_ARRAY) throw new TypeError('packed values are not an array');
  const n = r.varint();
  const out: unknown[] = [];
  for (let i = 0; i < Math.min(n, count); i++) out.push(r.value());
  return out;
}

/** The value {@link packValues} packed into `packed`; throws a TypeError for a string it did not make. */
export function unpackValues(packed: string, dictionary: PackingDictionary = NO_DICTIONARY): unknown {
  const r = new Reader(packed, dictionary);
  const v = r.value();
  if (r.at !== packed.length) throw new TypeError('packed values go on after their end');
  return v;
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function unzigzag(n: number): number {
  return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
}

function setProperty(out: Record<string, unknown>, k: string, v: unknown): void {
  // A key __proto__ is a property, not the prototype.
  if (k === '__proto__')
    Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
  else out[k] = v;
}

function isUuid(s: string, from: number): boolean {
  if (s.length - from !== UUID_LENGTH) return false;
  for (let i = 0; i < UUID_LENGTH; i++) {
    const c = s.charCodeAt(from + i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== 45) return false;
    } else if (!isLowerHexCode(c)) return false;
  }
  return true;
}

function isLowerHex(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isLowerHexCode(s.charCodeAt(i))) return false;
  return true;
}

function isLowerHexCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

function isOneByte(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 255) return false;
  return true;
}

function hexDigit(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c <= 57 ? c - 48 : c - 87;
}
