import { sameSecond } from '../normalise/refine-time.js';

/**
 * The replicas an object (a ReplicaSet) was asked for, by the order of its
 * writes: which scaling step a controller's create or delete answered. The
 * ReplicaSet controller reports each Pod it creates or deletes with the
 * ReplicaSet's resourceVersion as it acted on it (`regarding.resourceVersion`),
 * and the replicas that version asked for name the step ("Scaled up replica
 * set X from 1 to 2"). Unlike the times of the Event, the step and the
 * ReplicaSet, which depend on how late each watch delivered, that holds in
 * any arrival order.
 */

/** The replicas asked for from one write of the object on. */
export interface ReplicasAt {
  /** The numeric resourceVersion of the write. */
  readonly rv: number;
  readonly replicas: number;
  /** When it was written: its `f:spec` managedFields time, refined by the delta that showed it; undefined without one. */
  readonly at: number | undefined;
}

/**
 * The writes of one object that changed its replicas, and the newest write seen.
 * The writes are one flat list of numbers, three per write: a list of numbers
 * only holds them unboxed (8 bytes each), where a {@link ReplicasAt} per write
 * costs about 70 bytes with its boxed stamp. Read them with {@link replicasWrites}.
 */
export interface ReplicasHistory {
  /** Sorted by resourceVersion, each asking for other replicas than the one before it: rv, replicas, at (NaN without one). */
  readonly writes: number[];
  /** The newest resourceVersion seen, whether or not it changed the replicas. */
  newestRv: number;
  /** The object came with the initial list: its listed state's write (see {@link ListedWrite}). */
  listed?: ListedWrite;
}

/** What the initial list showed of an object's replicas: the write it was listed at. */
export interface ListedWrite {
  /** The listed state's numeric resourceVersion: its latest write before the list. */
  readonly rv: number;
  readonly replicas: number;
  /** Its generation: how many times its spec was written, its create included. */
  readonly generation: number | undefined;
  /**
   * Its status had not observed its generation yet (`observedGeneration < generation`):
   * the listed write is the spec write itself, no later status write came before the list.
   */
  readonly specWrite: boolean;
  /** Its `f:spec` managedFields time, as listed (the start of its second). */
  readonly at: number | undefined;
  /**
   * Its status had observed it and counted no more Pods than it asks for: the ReplicaSet
   * controller writes that status after the deletes a scale-down asked for, so none of
   * them comes after the list (see {@link replicasKeptBetween}).
   */
  readonly settled: boolean;
}

/** Numbers per write in {@link ReplicasHistory.writes}. */
const STRIDE = 3;

/** Writes kept per object: the latest, by resourceVersion. */
export const MAX_REPLICAS_HISTORY = 32;

/** An empty history whose newest write seen is `rv`. */
export function newReplicasHistory(rv: number): ReplicasHistory {
  return { writes: [], newestRv: rv };
}

/** The writes of `history`, oldest first, as records made for the caller. */
export function replicasWrites(history: ReplicasHistory): ReplicasAt[] {
  const w = history.writes;
  const out: ReplicasAt[] = [];
  for (let b = 0; b < w.length; b += STRIDE)
    out.push({ rv: w[b] ?? 0, replicas: w[b + 1] ?? 0, at: stampAt(w, b) });
  return out;
}

function stampAt(w: readonly number[], b: number): number | undefined {
  const at = w[b + 2];
  return at === undefined || Number.isNaN(at) ? undefined : at;
}

/**
 * Records that the write `rv` of an object asked for `replicas`: sorted by
 * resourceVersion, bounded to the latest {@link MAX_REPLICAS_HISTORY} changes.
 * A write that changed nothing (the same replicas as the write before it) is
 * not kept; a delta delivered out of order is put in its place.
 */
export function recordReplicas(
  history: ReplicasHistory,
  rv: number,
  replicas: number,
  at: number | undefined = undefined,
): void {
  if (rv > history.newestRv) history.newestRv = rv;
  const w = history.writes;
  let i = w.length / STRIDE;
  while (i > 0 && (w[(i - 1) * STRIDE] ?? 0) > rv) i--;
  if (i > 0) {
    const b = (i - 1) * STRIDE;
    if (w[b] === rv || w[b + 1] === replicas) {
      // A later delta showing the same write: the earliest refinement of its stamp stands, whatever the arrival order.
      const held = stampAt(w, b);
      const earliest = earliestStamp(held, at);
      if (earliest !== held) w[b + 2] = earliest ?? Number.NaN;
      return;
    }
  }
  const a = i * STRIDE;
  let stamp = at;
  if (a < w.length && w[a + 1] === replicas) {
    stamp = earliestStamp(at, stampAt(w, a));
    w.splice(a, STRIDE);
  }
  w.splice(a, 0, rv, replicas, stamp ?? Number.NaN);
  if (w.length > MAX_REPLICAS_HISTORY * STRIDE) w.splice(0, STRIDE);
}

/** `own`, unless `other` refines the same second earlier (as keep-earliest.ts does for an object's stamps). */
function earliestStamp(own: number | undefined, other: number | undefined): number | undefined {
  if (own === undefined) return other;
  return other !== undefined && other < own && sameSecond(own, other) ? other : own;
}

/**
 * The replicas asked for at the write `rv`: those of the latest recorded write
 * at or before it. Undefined when no recorded write is that old, or none seen
 * is as new (a write after the last one seen may have changed them).
 */
export function replicasAt(history: ReplicasHistory | undefined, rv: number): number | undefined {
  if (history === undefined || history.newestRv < rv) return undefined;
  const w = history.writes;
  let found: number | undefined;
  for (let b = 0; b < w.length; b += STRIDE) {
    if ((w[b] ?? 0) > rv) break;
    found = w[b + 1];
  }
  return found;
}

/** The replicas a scaling step's note asks for: the N of "… to N". */
export function stepTarget(message: string): number | undefined {
  const m = / to (\d{1,9})$/.exec(message);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** The replicas a scaling step's note asks for and those it started from: "… from A to B"; undefined without "from". */
export function stepSizes(message: string): { readonly from: number; readonly to: number } | undefined {
  const m = / from (\d{1,9}) to (\d{1,9})$/.exec(message);
  return m?.[1] === undefined || m[2] === undefined ? undefined : { from: Number(m[1]), to: Number(m[2]) };
}

/**
 * The writes of `history` that took the object from `from` to `to` replicas:
 * those asking for `to` right after a recorded write asking for `from`, or,
 * from 0, the object's create (`addedRv`) asking for `to`. The deployment
 * controller's step note ("Scaled up replica set X from 1 to 2") names both
 * sizes, so this finds the write a step reports by the object's own writes.
 */
export function stepWrites(
  history: ReplicasHistory | undefined,
  addedRv: number | undefined,
  from: number,
  to: number,
): ReplicasAt[] {
  const out: ReplicasAt[] = [];
  const w = history?.writes ?? [];
  for (let b = 0; b < w.length; b += STRIDE) {
    const rv = w[b] ?? 0;
    if (w[b + 1] !== to) continue;
    const was = b > 0 ? w[b - STRIDE + 1] : rv === addedRv ? 0 : undefined;
    if (was === from) out.push({ rv, replicas: to, at: stampAt(w, b) });
  }
  return out;
}

/** The {@link ListedWrite} of a listed state `p` at resourceVersion `rv`, asking for `replicas`. */
export function listedWriteOf(
  p: {
    readonly generation: number | undefined;
    readonly observedGeneration: number | undefined;
    readonly specChange: { readonly time: number | undefined } | undefined;
    readonly status: { readonly replicas: number | undefined };
  },
  rv: number,
  replicas: number,
): ListedWrite {
  const g = p.generation;
  const og = p.observedGeneration;
  const specWrite = g !== undefined && og !== undefined && og < g;
  const counted = p.status.replicas;
  return {
    rv,
    replicas,
    generation: g,
    specWrite,
    at: p.specChange?.time,
    settled:
      !specWrite && g !== undefined && og !== undefined && counted !== undefined && counted <= replicas,
  };
}

/**
 * True when every write of `history` from `fromRv` (an owned Pod's create) up to `toRv` (its
 * delete) asked for at least the replicas asked for at `fromRv`: the owner still wanted the Pod
 * when it went, so its delete was no scale-down. False when a write lowered them, when `toRv`
 * comes before `fromRv`, or when the history does not reach back to `fromRv` or forward to
 * `toRv` (nothing then says it was not).
 */
export function replicasKeptBetween(
  history: ReplicasHistory | undefined,
  fromRv: number,
  toRv: number,
): boolean {
  const at = replicasAt(history, fromRv);
  if (history === undefined || at === undefined || toRv < fromRv || replicasAt(history, toRv) === undefined)
    return false;
  const w = history.writes;
  for (let b = 0; b < w.length; b += STRIDE) {
    const rv = w[b] ?? 0;
    if (rv <= fromRv) continue;
    if (rv > toRv) break;
    if ((w[b + 1] ?? 0) < at) return false;
  }
  return true;
}
