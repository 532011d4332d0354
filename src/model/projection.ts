/**
 * The compact projection of a Kubernetes object that the object graph keeps.
 * Never the raw object: only what causality and the trace model need. Every
 * field is always present (`undefined` when absent) so that all projections
 * share one hidden class, which keeps the hot path monomorphic.
 */

/** One ownerReference, by uid. */
export interface OwnerRef {
  readonly uid: string;
  readonly kind: string;
  readonly name: string;
  readonly controller: boolean;
}

/** One status condition. Times are epoch milliseconds. */
export interface ConditionState {
  readonly type: string;
  readonly status: string;
  readonly reason: string | undefined;
  readonly message: string | undefined;
  readonly lastTransitionTime: number | undefined;
}

/** A managedFields writer: manager and operation. */
export interface SpecWriter {
  readonly manager: string;
  readonly operation: string;
}

/**
 * The managedFields entry with the newest time among those that touch `f:spec`
 * (ties: the later in the list, the others kept as `peers`), or the untimed one
 * when none has a time.
 */
export interface SpecChange extends SpecWriter {
  /** Epoch milliseconds (refined by the delta's observation), when the entry has a valid time. */
  readonly time: number | undefined;
  /**
   * The last `f:spec` entry without a time, next to a timed one: v1.37 writes no
   * time for `kubectl scale` (subresource `scale`). Which of the two made a
   * change is decided against the previous state (see specWriterOf).
   */
  readonly untimed: SpecWriter | undefined;
  /**
   * The other timed `f:spec` entries stamped in the same second as this one,
   * when there are any. The apiserver sorts managedFields by operation, time
   * and manager name, so the list's order says nothing of which of them wrote
   * last: that is decided against the previous state (see specWriterOf).
   */
  readonly peers: readonly SpecWriter[] | undefined;
}

/**
 * Who cordoned a Node, and when: the managedFields entry that owns
 * `f:spec.f:unschedulable` while `spec.unschedulable` is true.
 */
export interface CordonWrite extends SpecWriter {
  /** Epoch milliseconds (refined by the delta's observation); undefined when the entry has no time. */
  readonly time: number | undefined;
}

/** The few status numbers that decide "done" for each kind. */
export interface StatusNumbers {
  readonly specReplicas: number | undefined;
  readonly replicas: number | undefined;
  readonly readyReplicas: number | undefined;
  readonly updatedReplicas: number | undefined;
  readonly availableReplicas: number | undefined;
  readonly currentRevision: string | undefined;
  readonly updateRevision: string | undefined;
  readonly numberReady: number | undefined;
  readonly desiredNumberScheduled: number | undefined;
  readonly updatedNumberScheduled: number | undefined;
  readonly succeeded: number | undefined;
  readonly failed: number | undefined;
  /** Pod (and legacy Job) phase. */
  readonly phase: string | undefined;
}

/** What the graph keeps of one object. Times are epoch milliseconds. */
export interface ObjectProjection {
  readonly uid: string;
  /** Interned. */
  readonly kind: string;
  /** Interned. */
  readonly apiVersion: string;
  /** Interned; `''` for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string | undefined;
  readonly generation: number | undefined;
  readonly observedGeneration: number | undefined;
  readonly owners: readonly OwnerRef[];
  /** The uid of the owner with `controller: true`, if any: the owner chain follows it. */
  readonly controllerUid: string | undefined;
  readonly creationTimestamp: number | undefined;
  readonly deletionTimestamp: number | undefined;
  readonly deletionGracePeriodSeconds: number | undefined;
  readonly specChange: SpecChange | undefined;
  /**
   * When the status this delta shows was written: the newest managedFields time
   * of an entry that owns `f:status` (the `status` subresource's, or an older
   * apiserver's main-resource entry), refined inside its second by the delta.
   * A status without a time of its own (a Deployment's "done") ends here, not at
   * the delta's observation, which a lagging watch makes late.
   */
  readonly statusWrittenAt: number | undefined;
  readonly conditions: readonly ConditionState[];
  readonly status: StatusNumbers;
  readonly nodeName: string | undefined;
  /** A Node only: its cordon, while `spec.unschedulable` is true; undefined otherwise. */
  readonly cordon: CordonWrite | undefined;
  /** The `tracing.k8s.io/traceparent` annotation (KEP-5915). */
  readonly traceparent: string | undefined;
  /** The older `trace.kubernetes.io/context` annotation. */
  readonly traceContext: string | undefined;
}

/** The object an Event is about (core/v1 `involvedObject`, events.k8s.io `regarding`). */
export interface ObjectRef {
  /** Interned. */
  readonly kind: string;
  /** Interned; `''` when absent. */
  readonly namespace: string;
  readonly name: string;
  /** `''` when the Event does not name a uid (e.g. Flux's Sync events). */
  readonly uid: string;
  readonly apiVersion: string;
  readonly fieldPath: string | undefined;
  /**
   * The object's resourceVersion as the reporter saw it: the write the Event
   * follows. Only compared with resourceVersions of the same object.
   */
  readonly resourceVersion: string | undefined;
}

/**
 * An Event of either API version, in one shape. Times are epoch milliseconds.
 * `firstTime` is the first occurrence, `lastTime` the latest one this delivery reports.
 */
export interface NormalEvent {
  readonly uid: string;
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string | undefined;
  readonly reason: string;
  /** `Normal`, `Warning`, or whatever the reporter wrote. */
  readonly type: string;
  readonly note: string;
  readonly noteTruncated: boolean;
  /**
   * What the note reports, as rules read it: the note without client-go's
   * `(combined from similar events): ` prefix; the note itself when it has none.
   */
  readonly message: string;
  /**
   * For a combined Event (its note has that prefix): the count of the occurrence
   * this delivery reports. Each occurrence is an action of its own, with its own
   * message; `firstTime` and `lastTime` are then both its time. Undefined for any
   * other Event, whose repeats are one action.
   */
  readonly occurrence: number | undefined;
  /** Interned: reportingController, reportingComponent, or source.component. */
  readonly controller: string;
  /** reportingInstance or source.host; `''` when absent. */
  readonly instance: string;
  readonly involved: ObjectRef;
  readonly related: ObjectRef | undefined;
  readonly firstTime: number;
  readonly lastTime: number;
  /**
   * `firstTime` is a MicroTime as the reporter wrote it (eventTime, or a combined
   * Event's series.lastObservedTime): exact in cluster time, not a whole-second
   * stamp refined by when the delta was observed.
   */
  readonly exactFirstTime: boolean;
  readonly count: number;
}
