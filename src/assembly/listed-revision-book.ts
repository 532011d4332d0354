import type { ListedRevisions, ListedStatefulSet } from '../causality/listed-revisions.js';
import { RecencyMap } from '../graph/recency-map.js';
import type { ObjectProjection } from '../model/projection.js';
import { statefulSetPodRevisionOf, updateOrdinalFromOf } from '../normalise/listed-rollout.js';

/**
 * What the initial list showed of StatefulSets and their Pods' revisions (see
 * {@link ListedRevisions}), kept from the list only: a Pod's revision label and
 * a StatefulSet's generation, partition and status are not in the projection
 * the graph keeps. Bounded, least recently recorded first out; nothing is kept
 * without a restart.
 */
export class ListedRevisionBook implements ListedRevisions {
  readonly #pods: RecencyMap<string, string>;
  readonly #sets: RecencyMap<string, ListedStatefulSet>;

  constructor(max: number) {
    this.#pods = new RecencyMap(max);
    this.#sets = new RecencyMap(max);
  }

  /** Records what a listed object shows: a StatefulSet Pod's revision, a StatefulSet's rollout. */
  record(raw: unknown, p: ObjectProjection): void {
    if (p.kind === 'Pod') {
      const revision = statefulSetPodRevisionOf(raw);
      if (revision !== undefined) this.#pods.set(p.uid, revision);
    } else if (p.kind === 'StatefulSet' && p.generation !== undefined) {
      this.#sets.set(p.uid, {
        generation: p.generation,
        updateFrom: updateOrdinalFromOf(raw),
        updateRevision: p.observedGeneration === p.generation ? p.status.updateRevision : undefined,
      });
    }
  }

  podRevision(uid: string): string | undefined {
    return this.#pods.peek(uid);
  }

  statefulSet(uid: string): ListedStatefulSet | undefined {
    return this.#sets.peek(uid);
  }
}
