// Every property of issues 9 and 12, and the clock-skew variants, applied to
// every recording in the repository, in file order and in seeded shuffles
// (evaluate.ts). A check the engine does not pass yet is a `todo` naming the
// issue and why, so the suite stays green while the failure stays visible; a
// todo that starts passing should be removed from KNOWN_FAILURES. A new
// recording is checked as soon as it is added: add an entry for each check it
// fails today, with the reason, never a weaker property. The table:
// `node dist/test/scenarios/property-table.js [--details]`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allRecordings,
  CHECK_NAMES,
  type CheckName,
  evaluate,
  loadClockSamples,
  loadRecording,
} from './evaluate.js';

/** `<recording> <check>` → why it fails today (issue, property, one line). */
const KNOWN_FAILURES: Readonly<Record<string, string>> = {
  'test/fixtures/owner-deleted-late-events.jsonl watch-lag':
    "issue 9: lagged by 0–2 s (seeds 1, 3), the Deployment.Delete root lasts 1.1–1.3 s less (placements hold since the cascade is ordered by resourceVersion): its start is the Deployment's DELETED (a background delete has no delete request) and its end the last Pod's DELETED, neither with a stamp of its own; the first is delivered 1.9 s (1.5 s) late, the second 1.0 s (0.3 s), so the start converts 1 s later and the end at most its lag later. Both ends are converted with one offset estimate, so the root shortens by the difference of the two deltas' lags; the cascade's writes after the delete (its ReplicaSet's DELETED, converted, and its Pods' delete requests, refined in their second) bound the start no earlier than 10:00:00.435 in seed 3, 1.0 s after the in-order start (README, The watcher's clock)",
  'test/fixtures/live/cronjob-runs.jsonl watch-lag':
    "issue 9: lagged by 0–2 s (seeds 1, 2), the CronJob.Create root lasts 1.2 s longer (it failed before the runs were traces of their own too, by the same 1.2 s over a minute more): a CronJob has no \"done\", so its root ends at its last span, the first run's Job completed and SawCompletedJob (whole-second Event times refined by their lagged observations to 17:36:01.999), while its start, the CronJob's creationTimestamp, refines to its second's start (17:35:53.000). Both ends are converted with one offset estimate, so the root lengthens by the difference of the two deltas' lags, limited only by the stamps' seconds; that is the explanation of the observations with the least lag, and no stamp, exact Event time or write order rules it out (README, The watcher's clock). Recorded before kubetrail read the apiserver's clock: no CLOCK line bounds the offset from below",
  'test/fixtures/tap/deployment-lifecycle.jsonl watch-lag':
    "issue 9: lagged by 0–2 s (seed 3), the Create root lasts 1.1 s longer: its ADDED, the run's first delta, is delivered 150 ms late and converted with an estimate of 557 ms (a Pod's ADDED, 527 ms late and 30 ms into its second), so the start refines 377 ms early; its done status write, 1.4 s late, refines 762 ms late (its second's end). Both ends are converted with one offset estimate, so the root lengthens by the difference of the two deltas' lags, limited only by the stamps' seconds; that is the explanation of the observations with the least lag, and no stamp, exact Event time or write order rules it out (README, The watcher's clock). Recorded before kubetrail read the apiserver's clock: no CLOCK line bounds the offset from below",
  'test/fixtures/tap/untimed-scale.jsonl watch-lag':
    "issue 9: lagged by 0–2 s (seed 3), the Create root lasts 1.2 s longer: its ADDED, the run's first delta, is delivered 150 ms late and converted with an estimate of 785 ms (a Pod's ADDED, 527 ms late and 258 ms into its second), so the start refines 630 ms early; its done status write, 1.8 s late, refines 577 ms late (its second's end). Both ends are converted with one offset estimate, so the root lengthens by the difference of the two deltas' lags, limited only by the stamps' seconds; that is the explanation of the observations with the least lag, and no stamp, exact Event time or write order rules it out (README, The watcher's clock). Recorded before kubetrail read the apiserver's clock: no CLOCK line bounds the offset from below",
  'examples/deployment-2-pods.yaml watch-lag':
    "issue 9 (since span times are converted to cluster time): lagged, the in-flight Deployment.Update root lasts 1.0–1.4 s longer: its end is the observation of the done delta, late by its lag (kspan's capture has no stamp of that write), while its start, a stamp, stays in its second",
  'test/oracles/kspan/deployment-2-pods.yaml watch-lag':
    "issue 9 (since span times are converted to cluster time): lagged, the in-flight Deployment.Update root lasts 1.0–1.4 s longer: its end is the observation of the done delta, late by its lag (kspan's capture has no stamp of that write), while its start, a stamp, stays in its second",
};

const recordings = allRecordings();

describe('the known failures name real recordings and checks', () => {
  it('every entry is `<recording> <check>` of this repository', () => {
    for (const key of Object.keys(KNOWN_FAILURES)) {
      const [rec, check] = key.split(' ');
      assert.ok(recordings.includes(rec ?? ''), `${key}: no such recording`);
      assert.ok(CHECK_NAMES.includes(check as CheckName), `${key}: no such check`);
    }
  });
});

for (const recording of recordings) {
  describe(`properties of ${recording}`, () => {
    const result = evaluate(loadRecording(recording), loadClockSamples(recording));
    for (const check of CHECK_NAMES) {
      const todo = KNOWN_FAILURES[`${recording} ${check}`];
      it(check, todo === undefined ? {} : { todo }, () => {
        assert.deepEqual(result.get(check), [], `${recording}: ${check}`);
      });
    }
  });
}
