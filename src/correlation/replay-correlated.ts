/**
 * Replay with the correlation stage: the engine as in assembly's replay, and
 * the tap spans of the recording given to the correlator at their place in
 * the file, on the same simulated clock. A recording without tap spans goes
 * through assembly's replay unchanged.
 */
import { type ReplayOptions, replay } from '../assembly/replay.js';
import { TraceEngine } from '../assembly/trace-engine.js';
import { ManualClock } from '../model/clock.js';
import type { ClockSample } from '../model/clock-sample.js';
import type { Delta } from '../model/delta.js';
import type { TraceRecord } from '../model/span-record.js';
import type { PositionedTapBatch } from '../model/tap-span.js';
import { TapCorrelator, type TapCorrelatorOptions } from './tap-correlator.js';

/** Replays `deltas` with the tap `batches` interleaved by position; see the file comment. */
export function replayCorrelated(
  deltas: readonly Delta[],
  batches: readonly PositionedTapBatch[],
  options: ReplayOptions & { readonly correlation?: TapCorrelatorOptions } = {},
): TraceRecord[] {
  const { correlation, onEngine, clockSamples, ...engineOptions } = options;
  if (batches.length === 0)
    return replay(deltas, {
      ...engineOptions,
      ...(onEngine ? { onEngine } : {}),
      ...(clockSamples ? { clockSamples } : {}),
    });
  const clock = new ManualClock();
  const engine = new TraceEngine({ ...engineOptions, clock });
  onEngine?.(engine);
  // Clock samples go in by the time their responses arrived, as in assembly's replay.
  const samples = [...(clockSamples ?? [])].sort((a, b) => a.receivedAt - b.receivedAt);
  let nextSample = 0;
  const feedSamples = (upTo: number): void => {
    for (; nextSample < samples.length && (samples[nextSample]?.receivedAt ?? 0) <= upTo; nextSample++)
      engine.calibrate(samples[nextSample] as ClockSample);
  };
  const correlator = new TapCorrelator(correlation);
  const out: TraceRecord[] = [];
  let next = 0;
  const feedSpans = (upTo: number): void => {
    for (; next < batches.length && (batches[next]?.deltasBefore ?? 0) <= upTo; next++) {
      const b = (batches[next] as PositionedTapBatch).batch;
      clock.advanceTo(b.time);
      correlator.addSpans(b.spans, clock.now());
    }
  };
  for (let i = 0; i < deltas.length; i++) {
    feedSpans(i);
    const delta = deltas[i] as Delta;
    const time: unknown = (delta as { time?: unknown } | null | undefined)?.time;
    if (typeof time === 'number') feedSamples(time);
    if (typeof time === 'number' && Number.isFinite(time)) {
      // Tick where waiting deltas fell due, as a live run's loop would have.
      for (let due = engine.nextAlignedAt(); due < time; due = engine.nextAlignedAt()) {
        clock.advanceTo(due);
        for (const r of correlator.process(engine.tick(), clock.now())) out.push(r);
      }
      clock.advanceTo(time);
    }
    engine.apply(delta);
    for (const r of correlator.process(engine.tick(), clock.now())) out.push(r);
  }
  feedSpans(Number.POSITIVE_INFINITY);
  feedSamples(Number.POSITIVE_INFINITY);
  for (const r of correlator.process(engine.flush(), clock.now())) out.push(r);
  for (const r of correlator.flush(clock.now())) out.push(r);
  return out;
}
