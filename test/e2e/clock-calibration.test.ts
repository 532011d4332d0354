// The apiserver's clock read through its HTTP Date, on the real control plane.
// kube-apiserver runs on this machine, so the true offset is 0 (one kernel
// clock): a watcher clock skewed by a known amount must be found off by exactly
// that, within the bounds the readings give.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ClockSample } from '../../src/model/clock-sample.js';
import { BURST_SPACING_MS, ClockCalibrator } from '../../src/sources/kube/clock-calibrator.js';
import { HttpKubeTransport } from '../../src/sources/kube/kube-transport.js';
import { loadKubeConfig } from '../../src/sources/kube/kubeconfig.js';
import { e2eSkipReason, ensureCluster, eventually, type LocalCluster } from '../cluster/cluster.js';
import { startKubetrail } from './kubetrail-process.js';

const skip = e2eSkipReason();

describe("the apiserver's clock, read through its HTTP Date", { skip, timeout: 3 * 60_000 }, () => {
  let cluster: LocalCluster;

  before(async () => {
    cluster = await ensureCluster();
  });

  for (const skewMs of [0, 7_000, -60_000]) {
    it(`a burst finds a watcher clock ${skewMs} ms off, within tight bounds`, async () => {
      const kc = await loadKubeConfig({ kubeconfig: cluster.kubeconfig, userAgent: 'kubetrail/e2e' });
      const transport = new HttpKubeTransport(kc, { userAgent: 'kubetrail/e2e' });
      const samples: ClockSample[] = [];
      const calibrator = new ClockCalibrator({
        source: transport,
        intervalMs: 60_000,
        clock: { now: () => Date.now() + skewMs },
        onSample: (s) => samples.push(s),
      });
      const result = await calibrator.burst(new AbortController().signal);
      assert.equal(result.failures, 0, result.error);
      assert.ok(result.samples >= 2, `${result.samples} samples`);
      const b = result.bounds;
      assert.ok(b !== undefined);
      assert.ok(b.lower <= skewMs && skewMs <= b.upper, `${skewMs} in [${b.lower}, ${b.upper}]`);
      // Requests one at a time over 1.1 s: two of them straddle a Date second, started at most
      // the spacing plus a round trip apart, so the bounds are at most the spacing plus two round
      // trips apart (whatever the load makes the round trips).
      const rtt = Math.max(...samples.map((x) => x.receivedAt - x.sentAt));
      assert.ok(
        b.upper - b.lower <= BURST_SPACING_MS + 2 * rtt,
        `bounds ${b.upper - b.lower} ms apart, rtt ${rtt}`,
      );
    });
  }

  it('kubetrail serves the offset from startup: 0, within its uncertainty, which its first burst bounds', async () => {
    const kt = await startKubetrail(cluster, ['--exporter', 'json', '--output', '/dev/null']);
    try {
      // The first burst takes 1.1 s from the start; the readings count as they come.
      const burst = await eventually('the first burst logged', 15_000, async () => {
        const line = kt.logs.find((l) => l.includes("read the apiserver's clock"));
        return line === undefined
          ? undefined
          : (JSON.parse(line) as { offsetLowerMs: number; offsetUpperMs: number });
      });
      const uncertainty = await kt.metric('kubetrail_clock_offset_uncertainty_seconds');
      const offset = await kt.metric('kubetrail_clock_offset_seconds');
      // The estimate is the upper bound: at or above the true 0, by no more than the uncertainty.
      assert.ok(
        offset >= -0.0005 && offset <= uncertainty + 0.0005,
        `offset ${offset} s, uncertainty ${uncertainty} s`,
      );
      // The engine's interval is the burst's, or tighter where stamps tightened it.
      assert.ok(burst.offsetLowerMs <= 0 && 0 <= burst.offsetUpperMs, JSON.stringify(burst));
      assert.ok(
        uncertainty * 1000 <= burst.offsetUpperMs - burst.offsetLowerMs + 0.5,
        `uncertainty ${uncertainty} s, burst ${JSON.stringify(burst)}`,
      );
      assert.ok(uncertainty < 1, `uncertainty ${uncertainty} s: no better than whole-second stamps`);
    } finally {
      await kt.stop();
    }
  });
});
