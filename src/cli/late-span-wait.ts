import type { TraceRecord } from '../model/span-record.js';

/** What {@link awaitLateSpans} needs of the correlation stage. */
export interface HeldTraces {
  /** When the last trace held is due; -Infinity when none is. */
  heldUntil(): number;
  /** Releases (linked) the traces due by `now`. */
  process(traces: readonly TraceRecord[], now: number): TraceRecord[];
}

/**
 * At shutdown, with the tap on: the traces just flushed wait out the
 * apiserver's batching (up to 5 s) in the correlator, as they would have
 * running, while the tap still receives, and each is released, linked, when
 * due. Without this wait, a trace flushed at shutdown was linked at once, and
 * missed its request whenever the apiserver had not yet sent that request's
 * spans (a drain's `Pod.Evict` roots lost their eviction `POST`). Bounded by
 * the correlator's hold (7 s) after the flush.
 */
export async function awaitLateSpans(
  held: HeldTraces,
  now: () => number,
  emit: (traces: readonly TraceRecord[]) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  stepMs = 250,
): Promise<void> {
  const until = held.heldUntil();
  for (let t = now(); t < until; t = now()) {
    await sleep(Math.min(stepMs, until - t));
    emit(held.process([], now()));
  }
}
