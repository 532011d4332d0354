import type { EngineStats } from '../assembly/engine-stats.js';
import { ReplayRun } from '../assembly/replay.js';
import { TapCorrelator } from '../correlation/tap-correlator.js';
import type { ClockSample } from '../model/clock-sample.js';
import type { Delta } from '../model/delta.js';
import type { TraceRecord } from '../model/span-record.js';
import type { TapBatch } from '../model/tap-span.js';
import type { ReplayCore, ReplayRunner, ReplaySettings } from './replay.js';

/**
 * A streaming replay with the correlation stage: the engine on a simulated clock,
 * the recording's tap spans given to the correlator and its clock samples to the
 * engine at their place in the file. Without tap spans the correlator links nothing and keeps the order, so the
 * traces are the engine's own.
 */
class CorrelatedReplay implements ReplayRunner {
  readonly #run: ReplayRun;
  readonly #correlator = new TapCorrelator();

  constructor(settings: ReplaySettings) {
    this.#run = new ReplayRun(settings);
  }

  push(delta: Delta): TraceRecord[] {
    const out = this.#run.push(delta);
    return this.#correlator.process(out, this.#run.now);
  }

  pushSpans(batch: TapBatch): TraceRecord[] {
    this.#run.advanceTo(batch.time);
    this.#correlator.addSpans(batch.spans, this.#run.now);
    return [];
  }

  pushClock(sample: ClockSample): void {
    this.#run.calibrate(sample);
  }

  finish(): TraceRecord[] {
    const out = this.#correlator.process(this.#run.finish(), this.#run.now);
    for (const r of this.#correlator.flush(this.#run.now)) out.push(r);
    return out;
  }

  stats(): EngineStats {
    return this.#run.stats();
  }
}

/**
 * The real pure core behind `kubetrail replay`. The settings carry the whole rule
 * table (built-in, then --rules), already validated by the configuration.
 */
export const replayCore: ReplayCore = {
  startReplay: (s) => new CorrelatedReplay(s),
};
