import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClockSample } from '../../../src/model/clock-sample.js';
import {
  CALIBRATION_PATH,
  ClockCalibrator,
  type DateSource,
  parseHttpDate,
} from '../../../src/sources/kube/clock-calibrator.js';
import type { DateReading } from '../../../src/sources/kube/kube-transport.js';

const T = Date.UTC(2026, 10, 30, 8, 0, 0);

/**
 * A simulated watcher clock and an apiserver whose clock is `offsetMs` behind it,
 * answering after `rttMs` (half each way), with an HTTP Date as Go's net/http writes it.
 */
function simulated(
  offsetMs: number,
  rttMs: number,
  answer: (n: number) => Partial<DateReading> | Error = () => ({}),
) {
  let now = T + 123;
  const paths: string[] = [];
  const source: DateSource = {
    readDate: async (path, _signal, clockNow) => {
      paths.push(path);
      const sentAt = clockNow();
      now += rttMs / 2;
      const server = now - offsetMs;
      now += rttMs / 2;
      const extra = answer(paths.length);
      if (extra instanceof Error) throw extra;
      return {
        status: 200,
        sentAt,
        receivedAt: clockNow(),
        date: new Date(Math.floor(server / 1000) * 1000).toUTCString(),
        ...extra,
      };
    },
  };
  const clock = { now: () => now };
  const sleep = async (ms: number): Promise<void> => {
    now += ms;
  };
  return { source, clock, sleep, paths };
}

describe('ClockCalibrator', () => {
  for (const offsetMs of [0, 4_321.5, -60_000]) {
    it(`a burst pins an offset of ${offsetMs} ms to about its spacing plus a round trip`, async () => {
      const sim = simulated(offsetMs, 6);
      const samples: ClockSample[] = [];
      const c = new ClockCalibrator({ ...sim, intervalMs: 300_000, onSample: (s) => samples.push(s) });
      const result = await c.burst();
      assert.equal(result.samples, 23);
      assert.equal(samples.length, 23);
      assert.equal(result.failures, 0);
      assert.ok(sim.paths.every((p) => p === CALIBRATION_PATH));
      const b = result.bounds;
      assert.ok(b !== undefined);
      assert.ok(b.lower <= offsetMs && offsetMs <= b.upper, `${offsetMs} in [${b.lower}, ${b.upper}]`);
      assert.ok(b.upper - b.lower <= 50 + 6, `width ${b.upper - b.lower}`);
      // Requests start every 50 ms over 1.1 s.
      assert.equal((samples[22]?.sentAt ?? 0) - (samples[0]?.sentAt ?? 0), 1_100);
    });
  }

  it('skips answers without a usable Date or status, and stops a burst at a network error', async () => {
    const sim = simulated(0, 4, (n) =>
      n === 2 ? { date: undefined } : n === 3 ? { status: 503 } : n === 5 ? new Error('ECONNREFUSED') : {},
    );
    const samples: ClockSample[] = [];
    const c = new ClockCalibrator({ ...sim, intervalMs: 1_000, onSample: (s) => samples.push(s) });
    const result = await c.burst();
    assert.equal(result.samples, 2);
    assert.equal(result.failures, 3);
    assert.equal(result.error, 'ECONNREFUSED');
    assert.equal(sim.paths.length, 5);
  });

  it('reads HTTP dates in IMF-fixdate form only', () => {
    assert.equal(parseHttpDate('Mon, 30 Nov 2026 08:00:01 GMT'), T + 1_000);
    assert.equal(parseHttpDate('2026-11-30T08:00:01Z'), undefined);
    assert.equal(parseHttpDate('Monday, 30-Nov-26 08:00:01 GMT'), undefined);
    assert.equal(parseHttpDate(undefined), undefined);
  });

  it('bursts at start and then every interval, until stopped', async () => {
    const sim = simulated(0, 4);
    const bursts: number[] = [];
    let stop: () => void = () => {};
    const third = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const c = new ClockCalibrator({
      ...sim,
      intervalMs: 60_000,
      onSample: () => {},
      onBurst: () => {
        bursts.push(sim.clock.now());
        if (bursts.length === 3) stop();
      },
    });
    c.start();
    await third;
    await c.stop();
    assert.equal(bursts.length, 3);
    assert.equal((bursts[1] ?? 0) - (bursts[0] ?? 0), 60_000);
    assert.equal((bursts[2] ?? 0) - (bursts[1] ?? 0), 60_000);
  });

  it('refuses a bad interval', () => {
    const sim = simulated(0, 4);
    assert.throws(() => new ClockCalibrator({ ...sim, intervalMs: 0, onSample: () => {} }), TypeError);
  });
});
