/** A scalar attribute value of a received span (arrays and maps are not kept). */
export type TapAttributeValue = string | number | boolean;

/**
 * A span another component (kube-apiserver, kubelet) exported to kubetrail's tap
 * receiver, reduced to what correlation needs: plain data, no protobuf types.
 */
export interface TapSpan {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
  /** Absent on a trace's root span. */
  readonly parentSpanId?: string;
  readonly name: string;
  /** The resource's `service.name`, e.g. `apiserver` or `kubelet`; empty when absent. */
  readonly service: string;
  /** Epoch milliseconds (fractional: the wire has nanoseconds). */
  readonly startTime: number;
  /** Epoch milliseconds. */
  readonly endTime: number;
  /** Scalar attributes only; string values cut to a bounded length. */
  readonly attributes: Readonly<Record<string, TapAttributeValue>>;
}

/** Spans received together, as a recording keeps them: when kubetrail observed them, and the spans. */
export interface TapBatch {
  /** Epoch milliseconds, the watcher's clock (as a Delta's `time`). */
  readonly time: number;
  readonly spans: readonly TapSpan[];
}

/** A batch of received spans at its place in a recording: after `deltasBefore` deltas. */
export interface PositionedTapBatch {
  readonly batch: TapBatch;
  readonly deltasBefore: number;
}
