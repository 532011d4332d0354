import type { ObjectProjection } from '../model/projection.js';
import { conditionOf } from '../normalise/project-object.js';

/** Where an object stands against its kind's own "done". */
export type Outcome =
  | { readonly state: 'done'; readonly time: number | undefined }
  | { readonly state: 'failed'; readonly time: number | undefined; readonly message: string }
  | { readonly state: 'progressing' }
  /** The kind has no notion of done (CronJob, most custom resources without conditions). */
  | { readonly state: 'unknown' };

const PROGRESSING: Outcome = Object.freeze({ state: 'progressing' });
const UNKNOWN: Outcome = Object.freeze({ state: 'unknown' });

function generationObserved(p: ObjectProjection): boolean {
  if (p.generation === undefined) return true;
  return p.observedGeneration !== undefined && p.observedGeneration >= p.generation;
}

const DONE: Outcome = Object.freeze({ state: 'done', time: undefined });

function done(time: number | undefined): Outcome {
  // Called for every delta of every object: no allocation when there is no time.
  return time === undefined ? DONE : { state: 'done', time };
}

/**
 * The kind's own "done" (README "The span model"): Deployment available and up to date;
 * StatefulSet/DaemonSet revisions match and ready; Job Complete; Pod Ready;
 * ReplicaSet ready at its size. Failures: ProgressDeadlineExceeded, Job Failed,
 * Pod phase Failed.
 */
export function outcomeOf(p: ObjectProjection): Outcome {
  const s = p.status;
  switch (p.kind) {
    case 'Deployment': {
      const progressing = conditionOf(p, 'Progressing');
      if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
        return {
          state: 'failed',
          time: progressing.lastTransitionTime,
          message: progressing.message ?? 'ProgressDeadlineExceeded',
        };
      }
      if (!generationObserved(p)) return PROGRESSING;
      const want = s.specReplicas ?? 1;
      const available = conditionOf(p, 'Available')?.status === 'True' || want === 0;
      const upToDate =
        (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) >= want;
      return available && upToDate ? done(undefined) : PROGRESSING;
    }
    case 'StatefulSet': {
      if (!generationObserved(p)) return PROGRESSING;
      const want = s.specReplicas ?? 1;
      const revisionsMatch = s.currentRevision !== undefined && s.currentRevision === s.updateRevision;
      return revisionsMatch && (s.readyReplicas ?? 0) >= want && (s.replicas ?? 0) === want
        ? done(undefined)
        : PROGRESSING;
    }
    case 'DaemonSet': {
      if (!generationObserved(p)) return PROGRESSING;
      const want = s.desiredNumberScheduled;
      if (want === undefined) return PROGRESSING;
      return (s.updatedNumberScheduled ?? 0) === want && (s.numberReady ?? 0) === want
        ? done(undefined)
        : PROGRESSING;
    }
    case 'ReplicaSet': {
      if (!generationObserved(p)) return PROGRESSING;
      const want = s.specReplicas ?? 1;
      return (s.readyReplicas ?? 0) === want && (s.replicas ?? 0) === want ? done(undefined) : PROGRESSING;
    }
    case 'Job': {
      const failed = conditionOf(p, 'Failed');
      if (failed?.status === 'True') {
        return {
          state: 'failed',
          time: failed.lastTransitionTime,
          message: failed.message ?? failed.reason ?? 'Job failed',
        };
      }
      const complete = conditionOf(p, 'Complete');
      return complete?.status === 'True' ? done(complete.lastTransitionTime) : PROGRESSING;
    }
    case 'Pod': {
      if (s.phase === 'Failed') return { state: 'failed', time: undefined, message: 'Pod phase Failed' };
      if (s.phase === 'Succeeded') return done(undefined);
      const ready = conditionOf(p, 'Ready');
      return ready?.status === 'True' ? done(ready.lastTransitionTime) : PROGRESSING;
    }
    default: {
      const ready = conditionOf(p, 'Ready');
      if (ready !== undefined) {
        return ready.status === 'True' && generationObserved(p)
          ? done(ready.lastTransitionTime)
          : PROGRESSING;
      }
      if (p.generation !== undefined && p.observedGeneration !== undefined) {
        return generationObserved(p) ? done(undefined) : PROGRESSING;
      }
      return UNKNOWN;
    }
  }
}
