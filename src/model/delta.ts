/** The kind of change a watch delivered. */
export type DeltaType = 'ADDED' | 'MODIFIED' | 'DELETED';

/**
 * One watch delta, the unit every source produces and the core consumes.
 * `object` is the Kubernetes object exactly as the API served it (Events are
 * objects too); it is untrusted and narrowed once, in normalise.
 */
export interface Delta {
  /** When kubetrail observed the delta, epoch milliseconds (fractional allowed). */
  readonly time: number;
  readonly type: DeltaType;
  readonly object: unknown;
  /**
   * True for objects that already existed when the source started (the initial
   * list, or kspan's `initial` style): they fill the graph but emit no history.
   */
  readonly initial?: boolean;
}
