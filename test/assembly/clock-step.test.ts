// A watcher clock stepped forward mid-recording, on real recordings with
// readings of the apiserver's clock: once the next burst of readings proves the
// step, the spans after it are placed and timed as without it (with that
// burst), within the burst's precision. Before, the bounds only tightened: the
// times after the step came out late, as far as their stamps' seconds let them
// (cronjob-runs: 7 spans up to 0.9 s off; deployment-lifecycle: 37 up to 0.6 s).
// cronjob-runs steps between its second and third run (16 of 64 deltas after),
// deployment-lifecycle after its startup burst (142 of 145).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { TraceEngine } from '../../src/assembly/trace-engine.js';
import type { ClockStep } from '../../src/model/clock-offset.js';
import { compareVariant } from '../scenarios/clock-skew.js';
import {
  compareSpanTimes,
  planStep,
  STEP_MS,
  steppedDeltas,
  steppedSamples,
} from '../scenarios/clock-step.js';
import { loadClockSamples, loadRecording } from '../scenarios/evaluate.js';

for (const file of [
  'test/fixtures/live/cronjob-runs.jsonl',
  'test/fixtures/tap/deployment-lifecycle.jsonl',
]) {
  describe(`${file}, its watcher clock stepped ${STEP_MS / 1000} s ahead mid-way`, () => {
    const deltas = loadRecording(file);
    const plan = planStep(deltas, loadClockSamples(file));

    it('has a quiet second for the step and the burst that proves it, with most spans after it', () => {
      assert.ok(plan !== undefined);
      const after = deltas.filter((d) => d.time > plan.at).length;
      assert.ok(after > 10 && after < deltas.length, `${after} of ${deltas.length} observed after the step`);
      assert.ok(plan.precisionMs > 0 && plan.precisionMs < 250, `precision ${plan.precisionMs} ms`);
    });

    it('proves one forward step, and every span comes out as unstepped within the burst’s precision', () => {
      assert.ok(plan !== undefined);
      const original = replay(deltas, { clockSamples: plan.samples });
      const steps: ClockStep[] = [];
      let engine: TraceEngine | undefined;
      const variant = replay(steppedDeltas(deltas, plan.at, STEP_MS), {
        clockSamples: steppedSamples(plan.samples, plan.at, STEP_MS),
        onClockStep: (s) => steps.push(s),
        onEngine: (e) => {
          engine = e;
        },
      });
      assert.deepEqual(
        steps.map((s) => s.direction),
        ['forward'],
      );
      assert.deepEqual(engine?.stats().clockSteps, { forward: 1, backward: 0 });
      assert.ok((steps[0]?.atLeastMs ?? 0) > STEP_MS - 1_100, `at least ${steps[0]?.atLeastMs} ms`);
      assert.deepEqual(compareVariant(original, variant, plan.precisionMs), []);
      assert.deepEqual(compareSpanTimes(original, variant, plan.precisionMs), []);
    });
  });
}
