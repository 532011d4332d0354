/**
 * Applies every property to a recording, in file order, in seeded shuffles and
 * in every clock-skew and watch-lag variant, and compares each variant with the
 * in-order replay; names where each violation was seen.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { replay } from '../../src/assembly/replay.js';
import type { ClockSample } from '../../src/model/clock-sample.js';
import type { Delta } from '../../src/model/delta.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { repoRoot, shuffleWithinWindows } from '../assembly/trees.js';
import { recordings } from '../cli/replay-golden.js';
import { compareVariant, lagged, SKEWS_S, skewed, skewedSamples } from './clock-skew.js';
import { compareSpanTimes, planStep, STEP_MS, steppedDeltas, steppedSamples } from './clock-step.js';
import { Observed, PROPERTIES, PROPERTY_NAMES, type PropertyName } from './properties.js';
import { readFacts } from './recording-facts.js';

/** The clock checks, beside the properties. */
export type ClockCheckName = 'clock-skew' | 'watch-lag' | 'clock-step';
/** Every column of the report: the properties, then the clock checks. */
export type CheckName = PropertyName | ClockCheckName;
/** Every check name, in table order. */
export const CHECK_NAMES: readonly CheckName[] = [...PROPERTY_NAMES, 'clock-skew', 'watch-lag', 'clock-step'];

/** Seeded shuffles (within 2 s windows) per recording. */
export const SHUFFLES = 6;
/** Seeds of the per-delta lag variant. */
export const LAG_SEEDS: readonly number[] = [1, 2, 3];
/** Most violations kept per check (the first ones tell the story). */
const KEEP = 8;

/**
 * The engine's bounds for these replays. No recording here comes near them;
 * the defaults (sized for 150,000 Pods) cost about 0.15 s of allocation per
 * replay, and a recording is replayed 16 times.
 */
const LIMITS = { maxObjects: 20_000, maxTombstones: 5_000, maxOpenTraces: 2_000 } as const;

function run(deltas: readonly Delta[], clockSamples: readonly ClockSample[]): TraceRecord[] {
  return replay(deltas, { limits: LIMITS, clockSamples });
}

/** Every recording in the repository: fixtures, live recordings, kspan captures and the bundled examples. */
export function allRecordings(): string[] {
  return recordings();
}

/** The deltas of a recording, by its path from the repository root. */
export function loadRecording(relative: string): Delta[] {
  return parseRecording(readFileSync(path.join(repoRoot(), relative), 'utf8'), relative);
}

/** The readings of the apiserver's clock (`CLOCK` lines) of a recording, by its path from the repository root. */
export function loadClockSamples(relative: string): ClockSample[] {
  const out: ClockSample[] = [];
  parseRecording(readFileSync(path.join(repoRoot(), relative), 'utf8'), relative, {
    onClock: (sample) => out.push(sample),
  });
  return out;
}

function propertyViolations(deltas: readonly Delta[], records: readonly TraceRecord[], label: string) {
  const observed = new Observed(readFacts(deltas), records);
  const out = new Map<PropertyName, string[]>();
  for (const name of PROPERTY_NAMES) {
    out.set(
      name,
      PROPERTIES[name](observed).map((v) => `${label}: ${v}`),
    );
  }
  return out;
}

/**
 * Violations of every check on one recording (its deltas and its readings of
 * the apiserver's clock); an empty list means it holds. A skewed variant shifts
 * the samples' local times too; a lagged one leaves them (see skewedSamples).
 * With readings, the watcher's clock also steps forward mid-way before a later
 * burst of them (see planStep): every span must come out as unstepped (with
 * that burst) within the burst's precision; without readings a step cannot be
 * proven, and the check has nothing to compare.
 */
export function evaluate(
  deltas: readonly Delta[],
  clockSamples: readonly ClockSample[] = [],
): Map<CheckName, string[]> {
  const result = new Map<CheckName, string[]>(CHECK_NAMES.map((n) => [n, []]));
  const add = (name: CheckName, lines: readonly string[]): void => {
    const list = result.get(name) ?? [];
    for (const l of lines) if (list.length < KEEP) list.push(l);
    result.set(name, list);
  };
  const inOrder = run(deltas, clockSamples);
  for (const [name, lines] of propertyViolations(deltas, inOrder, 'in order')) add(name, lines);
  for (let seed = 1; seed <= SHUFFLES; seed++) {
    const shuffled = shuffleWithinWindows(deltas, seed * 104729);
    for (const [name, lines] of propertyViolations(
      shuffled,
      run(shuffled, clockSamples),
      `shuffle ${seed}`,
    )) {
      add(name, lines);
    }
  }
  for (const s of SKEWS_S) {
    const label = `skew ${s > 0 ? '+' : ''}${s} s`;
    const variant = skewed(deltas, s * 1000);
    const records = run(variant, skewedSamples(clockSamples, s * 1000));
    for (const [name, lines] of propertyViolations(variant, records, label)) add(name, lines);
    add(
      'clock-skew',
      compareVariant(inOrder, records).map((v) => `${label}: ${v}`),
    );
  }
  for (const seed of LAG_SEEDS) {
    const label = `lag 0–2 s seed ${seed}`;
    const variant = lagged(deltas, seed);
    const records = run(variant, clockSamples);
    for (const [name, lines] of propertyViolations(variant, records, label)) add(name, lines);
    add(
      'watch-lag',
      compareVariant(inOrder, records).map((v) => `${label}: ${v}`),
    );
  }
  const plan = planStep(deltas, clockSamples);
  if (plan !== undefined) {
    const label = `step +${STEP_MS / 1000} s`;
    const unstepped = run(deltas, plan.samples);
    const variant = steppedDeltas(deltas, plan.at, STEP_MS);
    const records = run(variant, steppedSamples(plan.samples, plan.at, STEP_MS));
    for (const [name, lines] of propertyViolations(variant, records, label)) add(name, lines);
    add(
      'clock-step',
      [
        ...compareVariant(unstepped, records, plan.precisionMs),
        ...compareSpanTimes(unstepped, records, plan.precisionMs),
      ].map((v) => `${label}: ${v}`),
    );
  }
  return result;
}
