import type { ConditionState, ObjectProjection } from '../model/projection.js';
import { earliestDeletion } from './project-object.js';
import { sameSecond } from './refine-time.js';

/**
 * Refined stamps must come from the delta that first showed them, whatever the
 * arrival order: `next` takes each refined stamp of `earlier` (an older
 * projection of the same object) that stands for the same second and is
 * smaller. Returns `next` itself when nothing is earlier.
 */
export function keepEarliest(
  next: ObjectProjection,
  earlier: ObjectProjection | undefined,
): ObjectProjection {
  if (earlier === undefined || earlier.uid !== next.uid) return next;
  const creation = earliestOf(next.creationTimestamp, earlier.creationTimestamp);
  const deletion =
    next.deletionTimestamp === undefined
      ? undefined
      : earliestDeletion(next.deletionTimestamp, next.deletionGracePeriodSeconds, earlier);
  const conditions = earliestConditions(next.conditions, earlier.conditions);
  if (
    creation === next.creationTimestamp &&
    deletion === next.deletionTimestamp &&
    conditions === next.conditions
  ) {
    return next;
  }
  return {
    ...next,
    creationTimestamp: creation,
    deletionTimestamp: deletion,
    conditions,
  };
}

function earliestOf(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined) return a;
  return b < a && sameSecond(a, b) ? b : a;
}

function earliestConditions(
  next: readonly ConditionState[],
  earlier: readonly ConditionState[],
): readonly ConditionState[] {
  if (next.length === 0 || earlier.length === 0) return next;
  let out: ConditionState[] | undefined;
  for (let i = 0; i < next.length; i++) {
    const c = next[i];
    if (c === undefined || c.lastTransitionTime === undefined) continue;
    for (const e of earlier) {
      if (e.type !== c.type || e.status !== c.status || e.lastTransitionTime === undefined) continue;
      if (
        e.lastTransitionTime < c.lastTransitionTime &&
        sameSecond(e.lastTransitionTime, c.lastTransitionTime)
      ) {
        out ??= next.slice();
        out[i] = { ...c, lastTransitionTime: e.lastTransitionTime };
      }
      break;
    }
  }
  return out ?? next;
}
