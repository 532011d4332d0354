import { ManualClock } from '../model/clock.js';
import type { ClockSample } from '../model/clock-sample.js';
import type { Delta } from '../model/delta.js';
import type { TraceRecord } from '../model/span-record.js';
import type { EngineStats } from './engine-stats.js';
import { TraceEngine, type TraceEngineOptions } from './trace-engine.js';

/** Options of {@link replay}: the engine's, without the clock (replay brings its own). */
export type ReplayOptions = Omit<TraceEngineOptions, 'clock'> & {
  /** Receives the engine before the first delta, e.g. to read its stats afterwards. */
  readonly onEngine?: (engine: TraceEngine) => void;
  /**
   * Readings of the apiserver's clock (a recording's `CLOCK` lines), each given
   * to the engine before the first delta observed after its response arrived,
   * as a live run receives it then.
   */
  readonly clockSamples?: readonly ClockSample[];
};

/**
 * One replay in progress, fed a delta at a time: a fresh engine on a simulated clock
 * that advances to each delta's time. What settles comes back from {@link push} at
 * once, so a caller can stream a recording of any size.
 */
export class ReplayRun {
  readonly #clock = new ManualClock();
  readonly #engine: TraceEngine;

  constructor(options: Omit<TraceEngineOptions, 'clock'> = {}) {
    this.#engine = new TraceEngine({ ...options, clock: this.#clock });
  }

  /** The simulated clock's time: the latest delta time seen. */
  get now(): number {
    return this.#clock.now();
  }

  /** Moves the simulated clock forward to `time` (an input other than a delta, e.g. received spans). */
  advanceTo(time: number): void {
    if (Number.isFinite(time)) this.#clock.advanceTo(time);
  }

  /** The engine, e.g. for its stats. */
  get engine(): TraceEngine {
    return this.#engine;
  }

  /** Gives the engine a reading of the apiserver's clock; it settles nothing and moves no clock. */
  calibrate(sample: ClockSample): void {
    this.#engine.calibrate(sample);
  }

  /** Applies one delta, then returns the traces that settled. */
  push(delta: Delta): TraceRecord[] {
    // Bad deltas are the engine's to count; the clock only follows good times.
    const time: unknown = (delta as { time?: unknown } | null | undefined)?.time;
    const out: TraceRecord[] = [];
    if (typeof time === 'number' && Number.isFinite(time)) {
      this.#catchUp(time, out);
      this.#clock.advanceTo(time);
    }
    this.#engine.apply(delta);
    for (const r of this.#engine.tick()) out.push(r);
    return out;
  }

  /** Ticks at each time a waiting delta fell due before `time`, as a live run's loop would have. */
  #catchUp(time: number, out: TraceRecord[]): void {
    for (let due = this.#engine.nextAlignedAt(); due < time; due = this.#engine.nextAlignedAt()) {
      this.#clock.advanceTo(due);
      for (const r of this.#engine.tick()) out.push(r);
    }
  }

  /** The end of the recording: everything still open, emitted now. */
  finish(): TraceRecord[] {
    return this.#engine.flush();
  }

  /** The engine's counters and gauges. */
  stats(): EngineStats {
    return this.#engine.stats();
  }
}

/**
 * Runs deltas through a fresh engine on a simulated clock: the clock advances to
 * each delta's time, the engine ticks after each, and flushes at the end. Clock
 * samples go in by the time their responses arrived (see {@link ReplayOptions}).
 */
export function replay(deltas: Iterable<Delta>, options: ReplayOptions = {}): TraceRecord[] {
  const { onEngine, clockSamples, ...engineOptions } = options;
  const run = new ReplayRun(engineOptions);
  onEngine?.(run.engine);
  const samples = [...(clockSamples ?? [])].sort((a, b) => a.receivedAt - b.receivedAt);
  let next = 0;
  const out: TraceRecord[] = [];
  for (const delta of deltas) {
    const time = (delta as { time?: unknown } | null | undefined)?.time;
    if (typeof time === 'number')
      for (; next < samples.length && (samples[next]?.receivedAt ?? 0) <= time; next++)
        run.calibrate(samples[next] as ClockSample);
    for (const r of run.push(delta)) out.push(r);
  }
  for (; next < samples.length; next++) run.calibrate(samples[next] as ClockSample);
  for (const r of run.finish()) out.push(r);
  return out;
}
