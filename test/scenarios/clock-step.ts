/**
 * Clock-step variants of a recording with readings of the apiserver's clock:
 * the watcher's clock steps forward (NTP, a VM's resume) at some point, and the
 * next burst of readings proves it. The spans after the step must come out as
 * without it, within the readings' precision. Only watcher-clock times change:
 * observation `time`s and readings' sent and received times; the apiserver's
 * `Date`s and every stamp in the objects stay.
 */
import { mergeTraceRecords } from '../../src/assembly/merge-records.js';
import { type ClockSample, combinedBounds } from '../../src/model/clock-sample.js';
import type { Delta } from '../../src/model/delta.js';
import type { TraceRecord } from '../../src/model/span-record.js';

/** The step of the variant: the watcher's clock jumps this far ahead. */
export const STEP_MS = 5_000;

/** A watcher clock stepped `stepMs` just after `at`: every observation after it is that much later. */
export function steppedDeltas(deltas: readonly Delta[], at: number, stepMs: number): Delta[] {
  return deltas.map((d) => (d.time > at ? { ...d, time: d.time + stepMs } : d));
}

/**
 * The readings such a watcher took: the local times after `at` are `stepMs`
 * later (one whose round trip spans the step keeps its sent time); the
 * server's `Date` is the cluster's and does not move.
 */
export function steppedSamples(samples: readonly ClockSample[], at: number, stepMs: number): ClockSample[] {
  return samples.map((s) => ({
    ...s,
    sentAt: s.sentAt > at ? s.sentAt + stepMs : s.sentAt,
    receivedAt: s.receivedAt > at ? s.receivedAt + stepMs : s.receivedAt,
  }));
}

/**
 * A later burst of the calibrator's: the recording's readings `seconds` whole
 * seconds later, their `Date`s too, so they say what the first burst said of
 * the offset.
 */
export function laterBurst(samples: readonly ClockSample[], seconds: number): ClockSample[] {
  const ms = seconds * 1000;
  return samples.map((s) => ({
    sentAt: s.sentAt + ms,
    receivedAt: s.receivedAt + ms,
    serverDate: s.serverDate + ms,
  }));
}

/** Where a recording is stepped: just before a later burst, in a second with no observation until it ends. */
export interface StepPlan {
  /** The step happens just after this (watcher clock, unstepped). */
  readonly at: number;
  /** The readings of the recording and of the later burst, unstepped. */
  readonly samples: readonly ClockSample[];
  /** How precise the later burst pins the offset (ms): its bounds' interval. */
  readonly precisionMs: number;
}

/**
 * Plans a step in a recording with readings: at the first whole second from
 * its middle observation on (else from its readings on) at which a copy of its
 * readings (see {@link laterBurst}) fits with no observation from the step to
 * the burst's last reading, and some after. Undefined without readings, or
 * without such a quiet spell.
 */
export function planStep(deltas: readonly Delta[], samples: readonly ClockSample[]): StepPlan | undefined {
  if (samples.length === 0) return undefined;
  const times = deltas.map((d) => d.time).sort((a, b) => a - b);
  const first = Math.min(...samples.map((s) => s.sentAt));
  const last = Math.max(...samples.map((s) => s.receivedAt));
  const middle = times[Math.floor(times.length / 2)] ?? first;
  const end = times[times.length - 1] ?? first;
  const fits = (k: number): boolean => {
    const at = first + k * 1000 - 1;
    return !times.some((t) => t > at && t <= last + k * 1000);
  };
  const fromMiddle = Math.max(1, Math.ceil((middle - first) / 1000));
  let k = fromMiddle;
  while (first + k * 1000 + (last - first) < end && !fits(k)) k++;
  if (first + k * 1000 + (last - first) >= end) {
    k = 1;
    while (k < fromMiddle && !fits(k)) k++;
    if (k === fromMiddle) return undefined;
  }
  const burst = laterBurst(samples, k);
  const b = combinedBounds(burst);
  if (b === undefined) return undefined;
  return { at: first + k * 1000 - 1, samples: [...samples, ...burst], precisionMs: b.upper - b.lower };
}

/**
 * The spans of `variant` whose start or end differs from the same span of
 * `original` (same trace and span id) by more than `toleranceMs`, and the
 * spans either lacks.
 */
export function compareSpanTimes(
  original: readonly TraceRecord[],
  variant: readonly TraceRecord[],
  toleranceMs: number,
): string[] {
  const spans = (rs: readonly TraceRecord[]) => {
    const out = new Map<string, { name: string; start: number; end: number }>();
    for (const t of mergeTraceRecords(rs))
      for (const s of t.spans)
        out.set(`${t.traceId}/${s.spanId}`, { name: s.name, start: s.startTime, end: s.endTime });
    return out;
  };
  const a = spans(original);
  const b = spans(variant);
  const out: string[] = [];
  for (const [id, s] of a) {
    const v = b.get(id);
    if (v === undefined) {
      out.push(`span lost: ${s.name} ${id.slice(0, 8)}`);
      continue;
    }
    const ds = v.start - s.start;
    const de = v.end - s.end;
    if (Math.abs(ds) > toleranceMs || Math.abs(de) > toleranceMs)
      out.push(`span ${s.name} ${id.slice(0, 8)} starts ${ds.toFixed(0)} ms, ends ${de.toFixed(0)} ms off`);
  }
  for (const [id, s] of b) if (!a.has(id)) out.push(`span new: ${s.name} ${id.slice(0, 8)}`);
  return out;
}
