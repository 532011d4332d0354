import { ManualClock } from '../model/clock.js';
import type { Delta } from '../model/delta.js';
import type { TraceRecord } from '../model/span-record.js';
import { TraceEngine, type TraceEngineOptions } from './trace-engine.js';

/** Options of {@link replay}: the engine's, without the clock (replay brings its own). */
export type ReplayOptions = Omit<TraceEngineOptions, 'clock'> & {
  /** Receives the engine before the first delta, e.g. to read its stats afterwards. */
  readonly onEngine?: (engine: TraceEngine) => void;
};

/**
 * Runs deltas through a fresh engine on a simulated clock: the clock advances to
 * each delta's time, the engine ticks after each, and flushes at the end.
 */
export function replay(deltas: Iterable<Delta>, options: ReplayOptions = {}): TraceRecord[] {
  const clock = new ManualClock();
  const { onEngine, ...engineOptions } = options;
  const engine = new TraceEngine({ ...engineOptions, clock });
  onEngine?.(engine);
  const out: TraceRecord[] = [];
  for (const delta of deltas) {
    // Bad deltas are the engine's to count; the clock only follows good times.
    const time: unknown = (delta as { time?: unknown } | null | undefined)?.time;
    if (typeof time === 'number' && Number.isFinite(time)) clock.advanceTo(time);
    engine.apply(delta);
    for (const r of engine.tick()) out.push(r);
  }
  for (const r of engine.flush()) out.push(r);
  return out;
}
