/** An attribute value as OpenTelemetry accepts it. */
export type AttributeValue = string | number | boolean | readonly string[];

/** Attributes of a span, an event or a link. */
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** What part of the trace model a span stands for. */
export type SpanRole = 'intent' | 'lifecycle' | 'termination' | 'action';

/** OpenTelemetry's span status, as the core decides it. */
export interface SpanStatus {
  readonly code: 'UNSET' | 'OK' | 'ERROR';
  readonly message?: string;
}

/** A point in a span's life, e.g. a condition transition. */
export interface SpanEventRecord {
  readonly name: string;
  /** Epoch milliseconds. */
  readonly time: number;
  readonly attributes?: Attributes;
}

/** A reference to a span in this or another trace. */
export interface SpanLinkRecord {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
  readonly attributes?: Attributes;
}

/**
 * A finished span as the pure core produces it: plain data, no SDK types.
 * The export edge turns it into whatever its backend needs.
 */
export interface SpanRecord {
  /** 32 lowercase hex digits: hash(root uid, generation or "delete"). */
  readonly traceId: string;
  /** 16 lowercase hex digits, deterministic: see `ids.ts` and the README's "The span model". */
  readonly spanId: string;
  /** Absent on the root span of a trace. */
  readonly parentSpanId?: string;
  /** Low cardinality: `Deployment.Update`, `Pod.Scheduled`, never an object name. */
  readonly name: string;
  readonly role: SpanRole;
  /** The component that did the work: the resource's `service.name`. */
  readonly service: string;
  /** The reporting instance, where known: the resource's `service.instance.id`. */
  readonly serviceInstance?: string;
  /** Epoch milliseconds. */
  readonly startTime: number;
  /** Epoch milliseconds, never before startTime. */
  readonly endTime: number;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly events: readonly SpanEventRecord[];
  readonly links: readonly SpanLinkRecord[];
}

/** Why a trace was emitted when it was. */
export type TraceEnd = 'converged' | 'error' | 'cut-off' | 'superseded' | 'shutdown';

/** A settled trace: the unit of sampling and of the tree exporter. */
export interface TraceRecord {
  readonly traceId: string;
  /** The root span, also present in `spans`. */
  readonly root: SpanRecord;
  /** Every span of the trace, root first, then in start-time order. */
  readonly spans: readonly SpanRecord[];
  readonly end: TraceEnd;
  /** True when the intent began before kubetrail started watching. */
  readonly partial: boolean;
  /** True when any span has status ERROR. */
  readonly hasError: boolean;
  /**
   * True for a further record of a trace that was already emitted: spans that
   * arrived after it settled. `spans` then holds only the new spans (their
   * parent ids name spans already exported, which deterministic ids make
   * valid), and `root` is the already-exported root span, given for context
   * and sampling but NOT repeated in `spans`. Absent on a first emission.
   */
  readonly late?: true;
}
