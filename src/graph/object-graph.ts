import { LRUCache } from 'lru-cache';
import type { Clock } from '../model/clock.js';
import type { ObjectProjection } from '../model/projection.js';
import { numericRv } from '../model/resource-version.js';
import { lruBound } from './lru-bound.js';
import { RecencyMap } from './recency-map.js';

/** How far an owner chain is followed; real chains are 2–4 deep (CronJob → Job → Pod). */
export const MAX_OWNER_DEPTH = 32;
/** Chains up to this deep resolve without cycle bookkeeping; a loop is longer than that by then. */
const FAST_DEPTH = 6;

/** Controller owners remembered per object whose controller changed (orphaned, adopted). */
const MAX_OWNER_STATES = 8;

/** One controller owner of an object, from the write `rv` on; undefined: none (orphaned). */
interface OwnerState {
  readonly rv: number;
  readonly owner: string | undefined;
}

/** Sizes of the graph's buffers. */
export interface ObjectGraphOptions {
  readonly clock: Clock;
  readonly maxObjects: number;
  readonly maxTombstones: number;
  /** How long a deleted object is remembered, so late Events about it still resolve (kspan #39). */
  readonly tombstoneTtlMs: number;
  /** Called when a live object is evicted to respect `maxObjects`. */
  readonly onEvict?: (bound: 'objects' | 'tombstones') => void;
}

/** A deleted object, remembered for a while. */
export interface Tombstone {
  readonly projection: ObjectProjection;
  /** When the DELETED delta was observed, epoch ms. */
  readonly deletedAt: number;
}

/** Where an owner chain leads. */
export type RootResolution =
  | { readonly status: 'root'; readonly root: ObjectProjection; readonly depth: number }
  /** A link in the chain is not (yet) known: `missingUid` is the owner to wait for; `topmost` is the last known object. */
  | { readonly status: 'missing'; readonly missingUid: string; readonly topmost: ObjectProjection }
  /** The chain loops or is deeper than {@link MAX_OWNER_DEPTH}; `topmost` is where the walk stopped. */
  | { readonly status: 'cycle' | 'too-deep'; readonly topmost: ObjectProjection };

/**
 * The object graph: a bounded LRU of projections by uid, an index from
 * (kind, namespace, name) to the current uid, and tombstones of recently
 * deleted objects with a TTL measured on the injected clock.
 */
export class ObjectGraph {
  readonly #objects: RecencyMap<string, ObjectProjection>;
  readonly #tombstones: LRUCache<string, Tombstone>;
  /** kind → namespace → name → uid; nested so no key string is built per object or per lookup. */
  readonly #byName = new Map<string, Map<string, Map<string, string>>>();
  /**
   * Objects whose controller owner changed (a ReplicaSet orphaned, then adopted): each
   * owner by the write it began at, oldest first, so a fact is placed by the owner in
   * force at its own write whatever order the states arrived in.
   */
  readonly #owners: RecencyMap<string, OwnerState[]>;

  constructor(options: ObjectGraphOptions) {
    const onEvict = options.onEvict;
    this.#objects = new RecencyMap<string, ObjectProjection>(options.maxObjects, (value, key) => {
      this.#unindex(value, key);
      onEvict?.('objects');
    });
    this.#owners = new RecencyMap<string, OwnerState[]>(Math.max(1000, options.maxObjects >> 4));
    this.#tombstones = new LRUCache<string, Tombstone>({
      ...lruBound(options.maxTombstones),
      ttl: options.tombstoneTtlMs,
      // No timers in the core: lru-cache's default ttlResolution schedules one.
      ttlResolution: 0,
      perf: options.clock,
      dispose: (_value, _key, reason) => {
        if (reason === 'evict') onEvict?.('tombstones');
      },
    });
  }

  /** Live objects held. */
  get size(): number {
    return this.#objects.size;
  }

  /** Tombstones held. */
  get tombstoneCount(): number {
    return this.#tombstones.size;
  }

  /** Stores `p`, replacing any earlier projection of its uid; returns the earlier one. */
  upsert(p: ObjectProjection): ObjectProjection | undefined {
    // The set below makes it most recent anyway: no recency update for the read.
    const previous = this.#objects.peek(p.uid);
    this.#objects.set(p.uid, p);
    let namespaces = this.#byName.get(p.kind);
    if (namespaces === undefined) {
      namespaces = new Map();
      this.#byName.set(p.kind, namespaces);
    }
    let names = namespaces.get(p.namespace);
    if (names === undefined) {
      names = new Map();
      namespaces.set(p.namespace, names);
    }
    names.set(p.name, p.uid);
    return previous;
  }

  /**
   * Remembers the controller owner `p` shows at its resourceVersion, once it differs
   * from that of `held` (the projection held before it, older or newer): from then
   * on {@link resolveRoot} follows the owner in force at the write it is asked about.
   */
  recordOwner(p: ObjectProjection, held: ObjectProjection | undefined): void {
    const rv = numericRv(p.resourceVersion);
    if (rv === undefined) return;
    let states = this.#owners.get(p.uid);
    if (states === undefined) {
      const heldRv = held === undefined ? undefined : numericRv(held.resourceVersion);
      if (held === undefined || heldRv === undefined || held.controllerUid === p.controllerUid) return;
      states = [{ rv: heldRv, owner: held.controllerUid }];
      this.#owners.set(p.uid, states);
    }
    let i = 0;
    while (i < states.length && (states[i]?.rv ?? 0) < rv) i++;
    if (states[i]?.rv === rv) return;
    states.splice(i, 0, { rv, owner: p.controllerUid });
    if (states.length > MAX_OWNER_STATES) states.shift();
  }

  /**
   * The controller owner of `p` at write `asOfRv`: the owner of the latest state
   * remembered at or before it, the earliest one when the write precedes them all;
   * `p`'s own when its owner never changed or the write is not known.
   */
  ownerAsOf(p: ObjectProjection, asOfRv: number | undefined): string | undefined {
    const states = asOfRv === undefined ? undefined : this.#owners.peek(p.uid);
    if (states === undefined || asOfRv === undefined) return p.controllerUid;
    let chosen = states[0];
    for (const s of states) if (s.rv <= asOfRv) chosen = s;
    return chosen === undefined ? p.controllerUid : chosen.owner;
  }

  /** Moves an object to the tombstones; returns its last projection. */
  remove(p: ObjectProjection, deletedAt: number): ObjectProjection | undefined {
    const previous = this.#objects.get(p.uid);
    this.#objects.delete(p.uid);
    this.#unindex(p, p.uid);
    this.#tombstones.set(p.uid, { projection: p, deletedAt });
    return previous;
  }

  /**
   * Replaces the projection a tombstone holds (a late, stale delta of a deleted
   * object carried earlier stamps), keeping its deletion time and TTL.
   * Returns false when there is no such tombstone.
   */
  refreshTombstone(p: ObjectProjection): boolean {
    const t = this.#tombstones.get(p.uid);
    if (t === undefined) return false;
    this.#tombstones.set(p.uid, { projection: p, deletedAt: t.deletedAt }, { noUpdateTTL: true });
    return true;
  }

  /** A live object, or a tombstoned one. */
  get(uid: string): ObjectProjection | undefined {
    return this.#objects.get(uid) ?? this.#tombstones.get(uid)?.projection;
  }

  /**
   * As {@link get}, without making the object most recently used: for reads
   * while building traces, which should not change what is evicted first.
   */
  peek(uid: string): ObjectProjection | undefined {
    return this.#objects.peek(uid) ?? this.#tombstones.peek(uid)?.projection;
  }

  /** True while `uid` is live (not deleted). */
  isLive(uid: string): boolean {
    return this.#objects.has(uid);
  }

  /** The tombstone of a deleted object, if still remembered. */
  tombstone(uid: string): Tombstone | undefined {
    return this.#tombstones.get(uid);
  }

  /** The live objects of `kind`, without making them recently used (one pass over that kind's index). */
  *liveOfKind(kind: string): IterableIterator<ObjectProjection> {
    for (const names of this.#byName.get(kind)?.values() ?? []) {
      for (const uid of names.values()) {
        const p = this.#objects.peek(uid);
        if (p !== undefined) yield p;
      }
    }
  }

  /** The uid of the live object with this kind, namespace and name. */
  uidByName(kind: string, namespace: string, name: string): string | undefined {
    return this.#byName.get(kind)?.get(namespace)?.get(name);
  }

  /**
   * Follows controller ownerReferences by uid to the root object. Cycle-safe and
   * depth-bounded, iterative, so a 1,000-deep chain or a self-owner cannot hang
   * or overflow the stack. `asOfRv`: the write the question is about (a Pod's
   * resourceVersion, or the one an Event names); an object whose controller
   * changed is followed to the owner it had then (see {@link ownerAsOf}).
   */
  resolveRoot(start: ObjectProjection, asOfRv?: number): RootResolution {
    // Fast path for the usual short chain (Pod → ReplicaSet → Deployment): no cycle bookkeeping.
    let current = start;
    for (let depth = 0; depth < FAST_DEPTH; depth++) {
      const ownerUid = this.ownerAsOf(current, asOfRv);
      if (ownerUid === undefined) return { status: 'root', root: current, depth };
      const owner = this.get(ownerUid);
      if (owner === undefined) return { status: 'missing', missingUid: ownerUid, topmost: current };
      current = owner;
    }
    return this.#resolveCareful(start, asOfRv);
  }

  #resolveCareful(start: ObjectProjection, asOfRv: number | undefined): RootResolution {
    let current = start;
    const seen: string[] = [start.uid];
    for (let depth = 0; depth < MAX_OWNER_DEPTH; depth++) {
      const ownerUid = this.ownerAsOf(current, asOfRv);
      if (ownerUid === undefined) return { status: 'root', root: current, depth };
      const loopAt = seen.indexOf(ownerUid);
      if (loopAt >= 0) return { status: 'cycle', topmost: this.#canonical(seen, loopAt) ?? current };
      const owner = this.get(ownerUid);
      if (owner === undefined) return { status: 'missing', missingUid: ownerUid, topmost: current };
      seen.push(ownerUid);
      current = owner;
    }
    return { status: 'too-deep', topmost: current };
  }

  /** Every member of a loop must agree on one root: the member with the smallest uid. */
  #canonical(seen: readonly string[], from: number): ObjectProjection | undefined {
    let best: string | undefined;
    for (let i = from; i < seen.length; i++) {
      const uid = seen[i];
      if (uid !== undefined && (best === undefined || uid < best)) best = uid;
    }
    return best === undefined ? undefined : this.get(best);
  }

  #unindex(p: ObjectProjection, uid: string): void {
    const namespaces = this.#byName.get(p.kind);
    const names = namespaces?.get(p.namespace);
    if (names === undefined || names.get(p.name) !== uid) return;
    names.delete(p.name);
    if (names.size === 0) {
      namespaces?.delete(p.namespace);
      if (namespaces?.size === 0) this.#byName.delete(p.kind);
    }
  }
}

/** The index key of (kind, namespace, name). */
export function nameKey(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}
