/**
 * The latest write of an object whose deletion was requested that carries a
 * stamp of its own (the request itself, or one after it): what bounds the
 * object's DELETED, which carries none. A DELETED is observed on the watch
 * that delivered the object's earlier writes, in order; a watch that is late
 * delivers both late alike, so the DELETED came no later after that write than
 * its observation came after that write's observation. The write's own stamp
 * (whole seconds, refined by the delta that showed it) never leaves its second,
 * whatever the lag: the DELETED is then no later than that refined time plus the
 * time between the two observations, where its own converted observation is late
 * by the watch's lag. Only a watch that caught up between the two (a backlog
 * drained) would place it early, and never before the newest stamp it carries.
 *
 * A stamp is a write's own only when that write set it: an object's create
 * (`creationTimestamp`), a delete request (`deletionTimestamp` less the grace
 * period, at the write that set it or shortened the grace period: some
 * apiservers stamp a shortened one with its own time, others keep the first
 * request's, which the excess bound below then tells apart; one in the
 * request's second is refined by its own delta, while the object's projection
 * keeps the request's refinement), a spec change (a new generation: its writer's
 * managedFields time) and a status write (a status that changed, or a newer
 * status managedFields time: the apiserver stamps the entry of the manager
 * whose write changed a field). Other writes (a finalizer removed, a label, a
 * grace period shortened) keep older stamps, which say nothing of when they
 * were made.
 */
import { REORDER_MS } from '../model/clock-offset.js';
import type { DeltaType } from '../model/delta.js';
import type { ObjectProjection, StatusNumbers } from '../model/projection.js';
import { deletionRequestedAt } from '../normalise/project-object.js';
import { refineTime, sameSecond, secondOf } from '../normalise/refine-time.js';

/**
 * How far (ms) a write's observation may be past its own stamp's second and the
 * stamp still be taken for its own: the most one watch may lag another that the
 * engine allows for. Beyond it, the stamp is an older write's (an ADDED from a
 * re-list, a status that did not move).
 */
export const OWN_WRITE_MAX_EXCESS_MS = REORDER_MS;

/** An object's latest write with a stamp of its own. */
export interface OwnWrite {
  /** Its numeric resourceVersion. */
  readonly rv: number;
  /** Its own stamp, refined by the delta that showed it (cluster time, ms). */
  readonly at: number;
  /** When that delta was observed, converted to cluster time (ms). */
  readonly seenAt: number;
}

/** True when a status number other than the spec's replicas differs. */
function statusMoved(a: StatusNumbers, b: StatusNumbers): boolean {
  return (
    a !== b &&
    (a.replicas !== b.replicas ||
      a.readyReplicas !== b.readyReplicas ||
      a.updatedReplicas !== b.updatedReplicas ||
      a.availableReplicas !== b.availableReplicas ||
      a.currentRevision !== b.currentRevision ||
      a.updateRevision !== b.updateRevision ||
      a.numberReady !== b.numberReady ||
      a.desiredNumberScheduled !== b.desiredNumberScheduled ||
      a.updatedNumberScheduled !== b.updatedNumberScheduled ||
      a.succeeded !== b.succeeded ||
      a.failed !== b.failed ||
      a.phase !== b.phase)
  );
}

/**
 * The stamp the write shown by `p` set itself (refined), given the state held
 * before it (`previous`); undefined when it set none that can be told. `at`:
 * the write's observation in cluster time, which refines the stamp of a write
 * that shortened the grace period. The projection keeps the first request (see
 * earliestDeletion); such a write stamped its own, `newest` (the newest stamp the
 * delta carries), in the request's second or a later one.
 */
export function ownWriteStamp(
  p: ObjectProjection,
  previous: ObjectProjection | undefined,
  type: DeltaType,
  at?: number,
  newest?: number,
): number | undefined {
  if (type === 'DELETED') return undefined;
  if (type === 'ADDED') return p.creationTimestamp;
  if (previous === undefined) return undefined;
  const requested = deletionRequestedAt(p);
  const grace = p.deletionGracePeriodSeconds ?? 0;
  if (requested !== undefined) {
    const before = deletionRequestedAt(previous);
    const shortened =
      previous.deletionTimestamp !== undefined && grace < (previous.deletionGracePeriodSeconds ?? 0);
    // Shortened (now plus the new grace): the projection keeps the first request, not this write's.
    if (shortened && requested === before && at !== undefined)
      return refineTime(secondOf(Math.max(requested, newest ?? requested)), at);
    if (requested !== before || previous.deletionTimestamp === undefined || shortened) return requested;
  }
  if (p.generation !== undefined && p.generation !== previous.generation && p.specChange?.time !== undefined)
    return p.specChange.time;
  const status = p.statusWrittenAt;
  if (status === undefined) return undefined;
  const before = previous.statusWrittenAt;
  const newer = before === undefined || (status > before && !sameSecond(status, before));
  const moved =
    statusMoved(p.status, previous.status) ||
    p.conditions !== previous.conditions ||
    p.observedGeneration !== previous.observedGeneration;
  return newer || moved ? status : undefined;
}

/**
 * The latest cluster time a DELETED seen at `seenAt` (its converted observation)
 * can be placed at, after the write `own` of the same object: `own`'s stamp plus
 * the time between their observations. Undefined when `own`'s observation was
 * more than {@link OWN_WRITE_MAX_EXCESS_MS} past its stamp.
 */
export function deletedNoLaterThan(own: OwnWrite, seenAt: number): number | undefined {
  if (own.seenAt - own.at > OWN_WRITE_MAX_EXCESS_MS) return undefined;
  return own.at + Math.max(0, seenAt - own.seenAt);
}

/**
 * Records in `holder` the write of resourceVersion `rv`, seen at `seenAt` (its
 * converted observation), that set the stamp `at` itself (see ownWriteStamp),
 * when it is the latest such write by resourceVersion.
 */
export function recordOwnWrite(
  holder: { ownWrite: OwnWrite | undefined },
  rv: number | undefined,
  at: number | undefined,
  seenAt: number,
): void {
  if (rv === undefined || at === undefined) return;
  if (holder.ownWrite !== undefined && rv <= holder.ownWrite.rv) return;
  holder.ownWrite = { rv, at, seenAt };
}
