/** The engine's storage bounds. When one is reached the oldest entry is evicted and counted. */
export interface EngineLimits {
  /** Live objects in the graph. */
  readonly maxObjects: number;
  /** Recently deleted objects remembered so late Events still resolve. */
  readonly maxTombstones: number;
  /** Root objects with an open (not yet emitted) or recently emitted trace. */
  readonly maxOpenTraces: number;
  /**
   * Spans per trace, the root included, cut breadth first after causality placed them;
   * also Events and objects held per root object (beyond, new ones are dropped).
   */
  readonly maxSpansPerTrace: number;
  /** Events and objects waiting for a missing piece (an object, an owner). */
  readonly maxPending: number;
}

/** Defaults sized for a 150,000-pod cluster on one replica. */
export const DEFAULT_LIMITS: EngineLimits = Object.freeze({
  maxObjects: 250_000,
  maxTombstones: 25_000,
  maxOpenTraces: 20_000,
  maxSpansPerTrace: 5_000,
  maxPending: 20_000,
});

/** Merges `partial` over the defaults; a bound that is not a positive integer throws a TypeError. */
export function resolveLimits(partial: Partial<EngineLimits> | undefined): EngineLimits {
  if (partial !== undefined && (typeof partial !== 'object' || partial === null)) {
    throw new TypeError('limits must be an object');
  }
  const merged = { ...DEFAULT_LIMITS, ...partial };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof EngineLimits)[]) {
    const value = merged[key];
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new TypeError(`limits.${key} must be a positive integer, got ${String(value)}`);
    }
  }
  for (const key of Object.keys(merged)) {
    if (!(key in DEFAULT_LIMITS)) throw new TypeError(`limits.${key} is not a known limit`);
  }
  return Object.freeze(merged);
}

/** Checks an optional duration option: a finite, non-negative number of milliseconds. */
export function durationOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `${name} must be a finite, non-negative number of milliseconds, got ${String(value)}`,
    );
  }
  return value;
}

/** Checks an optional instant option: a finite epoch-millisecond number. */
export function instantOption(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`${name} must be a finite epoch-millisecond number, got ${String(value)}`);
  }
  return value;
}
