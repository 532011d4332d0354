/** What the initial list showed of one StatefulSet. */
export interface ListedStatefulSet {
  readonly generation: number;
  /**
   * The lowest ordinal at which its controller makes a Pod at the update
   * revision of that generation (see updateOrdinalFromOf); undefined when unknown.
   */
  readonly updateFrom: number | undefined;
  /** Its status's update revision, when it had observed that generation; undefined otherwise. */
  readonly updateRevision: string | undefined;
}

/**
 * What the initial list showed of StatefulSets, of their Pods' revisions and of the writes of their Events:
 * after a restart, the evidence of which generation made a listed Pod (see
 * ParentDecision's #listedPodBefore). Empty without a restart.
 */
export interface ListedRevisions {
  /** The revision a listed StatefulSet Pod was made at (its `controller-revision-hash`). */
  podRevision(uid: string): string | undefined;
  /** What the list showed of the StatefulSet of this uid. */
  statefulSet(uid: string): ListedStatefulSet | undefined;
  /**
   * The numeric resourceVersion at which the list showed the Event of this uid, an
   * Event about a StatefulSet: the write of its last occurrence then.
   */
  eventRv(uid: string): number | undefined;
}

/** No restart evidence. */
export const NO_LISTED_REVISIONS: ListedRevisions = Object.freeze({
  podRevision: () => undefined,
  statefulSet: () => undefined,
  eventRv: () => undefined,
});
