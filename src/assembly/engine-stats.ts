/** Plain counters and gauges, for /metrics and tests. */
export interface EngineStats {
  /** Deltas applied, by watch type (`ADDED`, `MODIFIED`, `DELETED`). */
  readonly deltasByType: Readonly<Record<string, number>>;
  /** Deltas applied, by object kind (`Event`, `Pod`, …). */
  readonly deltasByKind: Readonly<Record<string, number>>;
  /** Inputs dropped, by reason (`missing-uid`, `duplicate`, `owner-cycle`, …). */
  readonly rejected: Readonly<Record<string, number>>;
  /** Inputs kept after a repair, by reason (`note-truncated`, `invalid-timestamp`, …). */
  readonly repaired: Readonly<Record<string, number>>;
  /** Entries evicted because a bound was reached, by bound. */
  readonly evictions: Readonly<Record<string, number>>;
  /** Trace records emitted (first emissions and late ones). */
  readonly tracesEmitted: number;
  /** Late trace records emitted. */
  readonly lateRecords: number;
  /** Spans emitted in all records. */
  readonly spansEmitted: number;
  /** Spans --backfill left out because the initial list does not settle their trace or parent. */
  readonly backfillLeftOut: number;
  /** Gauge: live objects in the graph. */
  readonly objects: number;
  /** Gauge: tombstones held. */
  readonly tombstones: number;
  /** Gauge: root objects with open or recently emitted traces. */
  readonly openTraces: number;
  /** Gauge: items waiting for a missing piece. */
  readonly pending: number;
  /**
   * Gauge: the estimate of the watcher's clock minus the cluster's, ms (the
   * tightest upper bound: observed minus stamped, and with clock samples their
   * upper bounds too); undefined until one is known.
   */
  readonly clockOffsetMs: number | undefined;
  /**
   * Gauge: how far that estimate can be off, ms (the interval between its
   * bounds); undefined without a clock sample, or when the bounds contradict each other.
   */
  readonly clockOffsetUncertaintyMs: number | undefined;
  /** Counters: steps of the watcher's clock the offset's bounds proved, by direction (see ClockOffset). */
  readonly clockSteps: { readonly forward: number; readonly backward: number };
}

/** A counter keyed by reason; a null-prototype record so any reason string is safe. */
export class Counters {
  readonly #values = new Map<string, number>();
  /** Adds one to `key`. */
  add(key: string, by = 1): void {
    this.#values.set(key, (this.#values.get(key) ?? 0) + by);
  }
  /** The count for `key`. */
  get(key: string): number {
    return this.#values.get(key) ?? 0;
  }
  /** A frozen snapshot. */
  snapshot(): Readonly<Record<string, number>> {
    const out: Record<string, number> = Object.create(null) as Record<string, number>;
    for (const [k, v] of this.#values) out[k] = v;
    return Object.freeze(out);
  }
}
