import type { ListedRevisions, ListedStatefulSet } from '../causality/listed-revisions.js';
import { RecencyMap } from '../graph/recency-map.js';
import type { NormalEvent, ObjectProjection } from '../model/projection.js';
import { numericRv } from '../model/resource-version.js';
import { statefulSetPodRevisionOf, updateOrdinalFromOf } from '../normalise/listed-rollout.js';

/**
 * What the initial list showed of StatefulSets, their Pods' revisions and their
 * Events' writes (see {@link ListedRevisions}), kept from the list only: a Pod's
 * revision label, a StatefulSet's generation, partition and status, and the
 * resourceVersion of a listed Event (an action keeps its latest delivery's) are
 * not in what the graph and the groups keep. Bounded, least recently recorded
 * first out; nothing is kept without a restart.
 */
export class ListedRevisionBook implements ListedRevisions {
  readonly #pods: RecencyMap<string, string>;
  readonly #sets: RecencyMap<string, ListedStatefulSet>;
  readonly #events: RecencyMap<string, number>;

  constructor(max: number) {
    this.#pods = new RecencyMap(max);
    this.#sets = new RecencyMap(max);
    this.#events = new RecencyMap(max);
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

  /** Records the write at which the list showed an Event about a StatefulSet. */
  recordEvent(ev: NormalEvent): void {
    const rv = numericRv(ev.resourceVersion);
    if (ev.involved.kind === 'StatefulSet' && rv !== undefined) this.#events.set(ev.uid, rv);
  }

  podRevision(uid: string): string | undefined {
    return this.#pods.peek(uid);
  }

  statefulSet(uid: string): ListedStatefulSet | undefined {
    return this.#sets.peek(uid);
  }

  eventRv(uid: string): number | undefined {
    return this.#events.peek(uid);
  }
}
