import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClockOffset, type ClockStep, LOOKAHEAD_MS, STEP_SLACK_MS } from '../../src/model/clock-offset.js';
import type { ClockSample } from '../../src/model/clock-sample.js';

const T = Date.UTC(2026, 10, 22, 10, 0, 0);

describe('ClockOffset', () => {
  it('reports the tightest bound seen; a delta is converted with the bounds observed by LOOKAHEAD_MS after it', () => {
    const c = new ClockOffset();
    assert.equal(c.offsetMs, undefined);
    assert.equal(c.offsetFor(T), undefined);
    c.sample(T + 300, T);
    assert.equal(c.offsetMs, 300);
    assert.equal(c.offsetFor(T + 300 - LOOKAHEAD_MS - 1), undefined, 'observed too long after');
    assert.equal(c.offsetFor(T + 300 - LOOKAHEAD_MS), 300);
    assert.equal(c.offsetFor(T + 60_000), 300);
  });

  it('keeps the tightest bound observed by each time', () => {
    const c = new ClockOffset();
    c.sample(T + 700, T); // 700
    c.sample(T + 1_250, T + 1_000); // 250
    c.sample(T + 1_900, T + 1_000); // 900: not tighter
    assert.equal(c.tightestBy(T + 699), undefined);
    assert.equal(c.tightestBy(T + 700), 700);
    assert.equal(c.tightestBy(T + 1_249), 700);
    assert.equal(c.tightestBy(T + 1_250), 250);
    assert.equal(c.tightestBy(T + 60_000), 250);
    assert.equal(c.offsetMs, 250);
  });

  it('follows a watcher clock behind the cluster (negative offset)', () => {
    const c = new ClockOffset();
    c.sample(T - 60_000 + 40, T);
    assert.equal(c.offsetMs, -59_960);
    assert.equal(c.offsetFor(T - 50_000), -59_960);
  });

  it('tightens an offset with the delta’s own bound, never loosens it', () => {
    const c = new ClockOffset();
    c.sample(T + 500, T);
    // Own bound 100 is tighter than 500.
    assert.equal(c.offsetFor(T + 10_100, T + 10_000), 100);
    // Own bound 900 is looser: the estimate stands.
    assert.equal(c.offsetFor(T + 10_900, T + 10_000), 500);
    // With nothing else, the own bound alone.
    assert.equal(new ClockOffset().offsetFor(T + 10_900, T + 10_000), 900);
  });

  it('gives each delta the same offset whatever order the samples arrived in', () => {
    const samples: readonly (readonly [number, number])[] = [
      [T + 640, T],
      [T + 120, T],
      [T + 2_480, T + 2_000],
      [T + 2_030, T + 2_000],
      [T + 3_900, T + 3_000],
      [T + 4_100, T + 4_000],
    ];
    const offsets = (order: readonly (readonly [number, number])[]): (number | undefined)[] => {
      const c = new ClockOffset();
      for (const [observed, stamp] of order) c.sample(observed, stamp);
      return samples.map(([observed]) => c.offsetFor(observed));
    };
    const forward = offsets(samples);
    assert.deepEqual(forward, [120, 120, 30, 30, 30, 30]);
    const reversed = [...samples].reverse();
    assert.deepEqual(offsets(reversed), forward);
  });

  it('a constant shift of every observation shifts the estimate by exactly that much', () => {
    const run = (shift: number): number | undefined => {
      const c = new ClockOffset();
      for (const [observed, stamp] of [
        [T + 640, T],
        [T + 2_010, T + 2_000],
        [T + 5_300, T + 5_000],
      ] as const) {
        c.sample(observed + shift, stamp);
      }
      return c.offsetMs;
    };
    assert.equal(run(0), 10);
    for (const s of [-60_000, -3_000, 3_000, 60_000]) assert.equal(run(s), 10 + s);
  });

  it('ignores bounds that are not finite', () => {
    const c = new ClockOffset();
    c.sample(Number.NaN, T);
    c.sample(T, Number.POSITIVE_INFINITY);
    assert.equal(c.offsetMs, undefined);
    assert.equal(c.offsetFor(T + 60_000), undefined);
  });

  it('reads back which observation a converted time came from, and its offset', () => {
    const c = new ClockOffset();
    // Bounds of 900 ms (observed 900 ms after T) and 10 ms (observed 2.11 s after T).
    c.sample(T + 900, T);
    c.sample(T + 2_110, T + 2_100);
    for (const observed of [T + 500, T + 950, T + 1_109, T + 1_111, T + 5_000]) {
      const offset = c.offsetFor(observed);
      assert.ok(offset !== undefined);
      assert.deepEqual(c.conversionOf(observed - offset), { observed, offset }, `observed ${observed - T}`);
    }
    // Observations before T + 1,110 ms convert to before T + 210 ms, later ones to T + 1,100 ms
    // or later: nothing converts to a time between.
    assert.equal(c.conversionOf(T + 600), undefined);
    // Before the first bound, nothing was converted with one.
    assert.equal(c.conversionOf(T - 2_000), undefined);
  });

  describe('with readings of the apiserver clock (HTTP Date)', () => {
    /** A request sent `sent` ms after T, answered `rtt` ms later, by a server whose clock is `offset` behind. */
    const reading = (sent: number, rtt: number, offset: number): ClockSample => {
      const handled = T + sent + rtt / 2 - offset;
      return { sentAt: T + sent, receivedAt: T + sent + rtt, serverDate: Math.floor(handled / 1000) * 1000 };
    };

    it('pins the offset between the bounds of two readings across a Date boundary, and stays inside them', () => {
      const c = new ClockOffset();
      // True offset 230 ms: the server's second turns at T + 1,230 (watcher clock).
      c.calibrate(reading(1_190, 4, 230)); // Date T: offset in [1_190 − 1_000, 1_194] = [190, 1_194]
      c.calibrate(reading(1_240, 4, 230)); // Date T + 1 s: offset in [−760, 244]
      // Bounds together: lower 1_190 − 0 − 1_000 = 190, upper 1_244 − 1_000 = 244.
      assert.equal(c.highestBy(T + 60_000), 190);
      assert.equal(c.tightestBy(T + 60_000), 244);
      // The estimate is the upper bound: never below the true offset, so no converted time is later than it can be.
      assert.equal(c.offsetMs, 244);
      assert.equal(c.uncertaintyMs, 54);
      assert.ok((c.offsetMs ?? 0) >= 230);
      assert.ok((c.offsetMs ?? 0) - 230 <= (c.uncertaintyMs ?? 0));
    });

    it('a stamp that errs late no longer sets the estimate: the readings bound it tighter', () => {
      const c = new ClockOffset();
      // The run's first write, stamped T, observed 787 ms into its second (delivered late).
      c.sample(T + 787, T);
      assert.equal(c.offsetFor(T + 787), 787);
      // Readings show the offset is within [−20, 40].
      c.calibrate({ sentAt: T + 980, receivedAt: T + 990, serverDate: T });
      c.calibrate({ sentAt: T + 1_030, receivedAt: T + 1_040, serverDate: T + 1_000 });
      assert.equal(c.highestBy(T + 2_000), -20);
      assert.equal(c.tightestBy(T + 2_000), 40);
      assert.equal(c.offsetFor(T + 787), 40);
    });

    it('stamps still tighten the upper bound, and the estimate follows', () => {
      const c = new ClockOffset();
      c.calibrate({ sentAt: T + 980, receivedAt: T + 990, serverDate: T });
      c.calibrate({ sentAt: T + 1_030, receivedAt: T + 1_040, serverDate: T + 1_000 });
      assert.equal(c.offsetMs, 40);
      assert.equal(c.uncertaintyMs, 60);
      c.sample(T + 2_004, T + 2_000); // upper 4
      assert.equal(c.offsetMs, 4);
      assert.equal(c.uncertaintyMs, 24);
    });

    it('uses only the readings observed by LOOKAHEAD_MS after a delta, whatever the order they came in', () => {
      const readings = [
        { sentAt: T + 980, receivedAt: T + 990, serverDate: T },
        { sentAt: T + 1_030, receivedAt: T + 1_040, serverDate: T + 1_000 },
      ];
      const run = (order: readonly ClockSample[]): (number | undefined)[] => {
        const c = new ClockOffset();
        c.sample(T - 500 + 300, T - 1_000); // upper 800, observed at T − 200
        for (const r of order) c.calibrate(r);
        return [T - 200, T - 11, T - 10, T + 40, T + 5_000].map((o) => c.offsetFor(o));
      };
      // Up to T − 11 no reading was received by a second later: the stamp's 800 alone.
      // T − 10 sees the first reading (received T + 990: upper 990, lower −20): the stamp's 800 is tighter.
      // From T + 40 both: [−20, 40] → 40.
      const forward = run(readings);
      assert.deepEqual(forward, [800, 800, 800, 40, 40]);
      assert.deepEqual(run([...readings].reverse()), forward);
    });

    it('a constant shift of the watcher clock (readings and observations) shifts the estimate by as much', () => {
      const run = (shift: number): number | undefined => {
        const c = new ClockOffset();
        c.sample(T + 640 + shift, T);
        c.calibrate({ sentAt: T + 980 + shift, receivedAt: T + 990 + shift, serverDate: T });
        c.calibrate({ sentAt: T + 1_030 + shift, receivedAt: T + 1_040 + shift, serverDate: T + 1_000 });
        return c.offsetFor(T + 640 + shift);
      };
      assert.equal(run(0), 40);
      for (const s of [-60_000, -3_000, 3_000, 60_000]) assert.equal(run(s), 40 + s);
    });

    it('where the bounds contradict each other (a clock stepped), the upper bound wins', () => {
      const c = new ClockOffset();
      c.sample(T + 100, T); // upper 100
      c.calibrate({ sentAt: T + 5_500, receivedAt: T + 5_510, serverDate: T + 4_000 }); // lower 500
      assert.equal(c.offsetMs, 100);
      assert.equal(c.uncertaintyMs, undefined);
    });

    it('without readings there is no uncertainty to tell, and unusable readings are ignored', () => {
      const c = new ClockOffset();
      c.sample(T + 300, T);
      assert.equal(c.uncertaintyMs, undefined);
      c.calibrate({ sentAt: T + 990, receivedAt: T + 980, serverDate: T }); // received before sent
      c.calibrate({ sentAt: T + 980, receivedAt: T + 990, serverDate: T + 500 }); // not a whole second
      c.calibrate({ sentAt: Number.NaN, receivedAt: T + 990, serverDate: T });
      assert.equal(c.highestBy(T + 60_000), undefined);
      assert.equal(c.offsetMs, 300);
    });
  });
  describe('when the watcher clock steps', () => {
    /** A request sent at watcher time `sent`, answered `rtt` ms later, by a server whose clock is `offset` behind. */
    const reading = (sent: number, rtt: number, offset: number): ClockSample => {
      const handled = sent + rtt / 2 - offset;
      return { sentAt: sent, receivedAt: sent + rtt, serverDate: Math.floor(handled / 1000) * 1000 };
    };
    /** A burst like the calibrator's: a request every 50 ms over 1.1 s from `start`. */
    const burst = (start: number, offset: number): ClockSample[] =>
      Array.from({ length: 23 }, (_, i) => reading(start + i * 50, 6, offset));

    it('a reading whose lower bound passes the readings’ tightest upper bound restarts the estimate from it on', () => {
      const steps: ClockStep[] = [];
      const c = new ClockOffset({ onStep: (s) => steps.push(s) });
      for (const r of burst(T, 230)) c.calibrate(r);
      c.sample(T + 10_004, T + 10_000 - 230); // a stamp 4 ms before its delivery: upper 234
      const before = c.offsetMs ?? Number.NaN;
      assert.ok(before >= 230 && before <= 240, `pinned to ${before}`);
      // At T + 60 s the watcher's clock jumps 5 s ahead: the true offset is 5,230 from then on.
      const after = burst(T + 65_000, 5_230);
      const first = after[0] as ClockSample;
      c.calibrate(first);
      assert.equal(steps.length, 1, 'one step, at the first reading that proves it');
      assert.equal(steps[0]?.direction, 'forward');
      assert.equal(steps[0]?.observedAt, first.receivedAt);
      assert.ok((steps[0]?.atLeastMs ?? 0) > 4_000 && (steps[0]?.atLeastMs ?? 0) <= 5_000);
      for (const r of after.slice(1)) c.calibrate(r);
      assert.deepEqual(c.steps, { forward: 1, backward: 0 }, 'the rest of the burst agrees with it');
      // The estimate follows, pinned by the new burst, and never below the true offset.
      const now = c.offsetMs ?? Number.NaN;
      assert.ok(now >= 5_230 && now <= 5_290, `followed to ${now}`);
      assert.equal(c.uncertaintyMs !== undefined && c.uncertaintyMs <= 60, true);
      // What was observed before the step keeps the bounds before it, even within the lookahead.
      assert.equal(c.offsetFor(T + 20_000), before);
      assert.equal(c.offsetFor(first.receivedAt - 1), before);
      assert.equal(c.offsetFor(first.receivedAt - 1), c.tightestBy(first.receivedAt - 1));
      // From the proving reading on, only the bounds since: its own upper first.
      assert.ok((c.offsetFor(first.receivedAt) ?? 0) >= 5_230);
      assert.equal(c.offsetFor(T + 90_000), now);
      // A stamp observed after the step tightens the new estimate, not the old.
      c.sample(T + 90_010, T + 90_010 - 5_232);
      assert.equal(c.offsetFor(T + 90_010), 5_232);
      assert.equal(c.offsetFor(T + 20_000), before);
    });

    it('a new upper bound below the highest floor restarts the floors, so the uncertainty is told again', () => {
      const steps: ClockStep[] = [];
      const c = new ClockOffset({ onStep: (s) => steps.push(s) });
      for (const r of burst(T, 230)) c.calibrate(r);
      assert.ok(c.uncertaintyMs !== undefined);
      // At T + 60 s the watcher's clock goes 3 s back: the true offset is −2,770.
      c.sample(T + 60_010, T + 60_010 + 2_768); // a stamp delivered 2 ms after its write: upper −2,768
      assert.equal(steps.length, 1);
      assert.equal(steps[0]?.direction, 'backward');
      assert.equal(c.offsetMs, -2_768, 'a step back is followed by the tighter bound');
      assert.equal(c.uncertaintyMs, undefined, 'no floor since the step');
      for (const r of burst(T + 61_000, -2_770)) c.calibrate(r);
      assert.deepEqual(c.steps, { forward: 0, backward: 1 });
      const u = c.uncertaintyMs;
      assert.ok(u !== undefined && u >= 0 && u <= 60, `uncertainty ${u}`);
      assert.ok((c.highestBy(T + 70_000) ?? 0) <= -2_770);
    });

    it('a reading alone proves a step back too', () => {
      const c = new ClockOffset();
      for (const r of burst(T, 230)) c.calibrate(r);
      for (const r of burst(T + 60_000, -2_770)) c.calibrate(r);
      assert.deepEqual(c.steps, { forward: 0, backward: 1 });
      assert.ok((c.offsetMs ?? 0) >= -2_770 && (c.offsetMs ?? 0) <= -2_710);
      assert.ok(c.uncertaintyMs !== undefined);
    });

    it('contradictions within STEP_SLACK_MS are no step', () => {
      const forward = (by: number): number => {
        const c = new ClockOffset();
        // Upper 40 (received 40 ms past the Date second), lower −20.
        c.calibrate({ sentAt: T + 980, receivedAt: T + 990, serverDate: T });
        c.calibrate({ sentAt: T + 1_030, receivedAt: T + 1_040, serverDate: T + 1_000 });
        assert.equal(c.tightestBy(T + 2_000), 40);
        // A reading whose lower bound is 40 + by: sent − Date − 1 s.
        c.calibrate({ sentAt: T + 62_040 + by, receivedAt: T + 62_050 + by, serverDate: T + 61_000 });
        return c.steps.forward;
      };
      assert.equal(forward(STEP_SLACK_MS), 0);
      assert.equal(forward(STEP_SLACK_MS + 1), 1);
      const backward = (by: number): number => {
        const c = new ClockOffset();
        c.calibrate({ sentAt: T + 980, receivedAt: T + 990, serverDate: T });
        c.calibrate({ sentAt: T + 1_030, receivedAt: T + 1_040, serverDate: T + 1_000 });
        assert.equal(c.highestBy(T + 2_000), -20);
        c.sample(T + 5_000, T + 5_000 + 20 + by); // upper −20 − by
        return c.steps.backward;
      };
      assert.equal(backward(STEP_SLACK_MS), 0);
      assert.equal(backward(STEP_SLACK_MS + 1), 1);
    });

    it('converts each delta alike whatever order the stamps around a step arrived in, and shifts with the clock', () => {
      const stamps: readonly (readonly [number, number])[] = [
        [T + 30_000, T + 30_000 - 236],
        [T + 30_900, T + 30_900 - 231],
        [T + 31_500, T + 31_500 - 500],
        [T + 64_200, T + 64_200 - 233],
        [T + 64_900, T + 64_900 - 5_236], // stepped already, but no reading proves it yet
        [T + 65_100, T + 65_100 - 5_800],
        [T + 65_700, T + 65_700 - 5_232],
        [T + 66_300, T + 66_300 - 5_231],
      ];
      const readings = [...burst(T, 230), ...burst(T + 65_000, 5_230)];
      const times = [30_000, 30_900, 64_000, 64_200, 64_900, 65_010, 65_100, 65_700, 66_300, 90_000];
      /** Readings at their receipt, each stamp arriving `delay(i)` after its observation. */
      const run = (delay: (i: number) => number, shift = 0): (number | undefined)[] => {
        const arrivals: { at: number; go: (c: ClockOffset) => void }[] = [
          ...readings.map((r) => ({
            at: r.receivedAt,
            go: (c: ClockOffset) =>
              c.calibrate({
                sentAt: r.sentAt + shift,
                receivedAt: r.receivedAt + shift,
                serverDate: r.serverDate,
              }),
          })),
          ...stamps.map(([o, s], i) => ({
            at: o + delay(i),
            go: (c: ClockOffset) => c.sample(o + shift, s),
          })),
        ];
        arrivals.sort((a, b) => a.at - b.at);
        const c = new ClockOffset();
        for (const a of arrivals) a.go(c);
        return times.map((t) => c.offsetFor(T + t + shift));
      };
      const inOrder = run(() => 0);
      assert.equal(inOrder[4], inOrder[3], 'before the proving reading: the bounds before the step');
      assert.ok((inOrder[5] ?? 0) >= 5_230, 'from it on: the bounds since');
      assert.equal(inOrder[8], 5_231);
      for (const delays of [
        [1_900, 0, 1_500, 1_999, 1_200, 10, 1_000, 0],
        [0, 1_999, 0, 900, 1_999, 1_999, 0, 1_500],
      ]) {
        assert.deepEqual(
          run((i) => delays[i] ?? 0),
          inOrder,
        );
      }
      for (const shift of [-60_000, 3_000]) {
        assert.deepEqual(
          run(() => 0, shift),
          inOrder.map((o) => (o === undefined ? undefined : o + shift)),
        );
      }
    });

    it('stays bounded and right over many steps', () => {
      const c = new ClockOffset();
      let offset = 230;
      for (const r of burst(T - 10_000, offset)) c.calibrate(r);
      for (let i = 0; i < 300; i++) {
        offset += i % 2 === 0 ? 4_000 : -3_000;
        for (const r of burst(T + i * 10_000, offset)) c.calibrate(r);
      }
      assert.deepEqual(c.steps, { forward: 150, backward: 150 });
      const last = c.offsetMs ?? Number.NaN;
      assert.ok(last >= offset && last <= offset + 60, `${last} for ${offset}`);
      assert.ok(c.uncertaintyMs !== undefined);
    });
  });
});
