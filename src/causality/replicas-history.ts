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

/** The writes of one object that changed its replicas, and the newest write seen. */
export interface ReplicasHistory {
  /** Sorted by resourceVersion; each asks for other replicas than the one before it. */
  readonly writes: ReplicasAt[];
  /** The newest resourceVersion seen, whether or not it changed the replicas. */
  newestRv: number;
}

/** Writes kept per object: the latest, by resourceVersion. */
export const MAX_REPLICAS_HISTORY = 32;

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
  const writes = history.writes;
  let i = writes.length;
  while (i > 0 && (writes[i - 1]?.rv ?? 0) > rv) i--;
  const before = writes[i - 1];
  if (before !== undefined && (before.rv === rv || before.replicas === replicas)) {
    // A later delta showing the same write: the earliest refinement of its stamp stands, whatever the arrival order.
    const earliest = earliestStamp(before.at, at);
    if (earliest !== before.at) writes[i - 1] = { ...before, at: earliest };
    return;
  }
  const after = writes[i];
  let stamp = at;
  if (after !== undefined && after.replicas === replicas) {
    stamp = earliestStamp(at, after.at);
    writes.splice(i, 1);
  }
  writes.splice(i, 0, { rv, replicas, at: stamp });
  if (writes.length > MAX_REPLICAS_HISTORY) writes.shift();
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
  let found: number | undefined;
  for (const h of history.writes) {
    if (h.rv > rv) break;
    found = h.replicas;
  }
  return found;
}

/** The replicas a scaling step's note asks for: the N of "… to N". */
export function stepTarget(message: string): number | undefined {
  const m = / to (\d{1,9})$/.exec(message);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
