// Every property of issues 9 and 12, and the clock-skew variants, applied to
// every recording in the repository, in file order and in seeded shuffles
// (evaluate.ts). A check the engine does not pass yet is a `todo` naming the
// issue and why, so the suite stays green while the failure stays visible; a
// todo that starts passing should be removed from KNOWN_FAILURES. The table:
// `node dist/test/scenarios/property-table.js [--details]`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allRecordings, CHECK_NAMES, type CheckName, evaluate, loadRecording } from './evaluate.js';

/** `<recording> <check>` → why it fails today (issue, property, one line). */
const KNOWN_FAILURES: Readonly<Record<string, string>> = {
  'test/fixtures/cronjob-job-pod.jsonl lifecycle-children-within-50ms':
    'issue 12: CronJob.SawCompletedJob starts 500 ms after the Job.Lifecycle it sits under ended',
  'test/fixtures/cronjob-job-pod.jsonl clock-skew':
    'issue 9: with the watcher +10/+60 s ahead the CronJob.Create root lasts 7.5/57.5 s longer',
  'test/fixtures/daemonset-rollout.jsonl clock-skew':
    'issue 9: with the watcher +3/+10/+60 s ahead the DaemonSet.Update root lasts about that much longer',
  'test/fixtures/deployment-updated-twice.jsonl clock-skew':
    "issue 9: at −60 s generation 2's Events move into the generation 3 trace",
  'test/fixtures/deployment-updated-twice.jsonl watch-lag':
    "issue 9: lagged by 0–2 s, generation 2's Events move into the Create trace",
  'test/fixtures/owner-deleted-late-events.jsonl no-span-after-convergence':
    'issue 12: the Delete trace converges before its ReplicaSet and Pod terminations and Killing start',
  'test/fixtures/owner-deleted-late-events.jsonl watch-lag':
    'issue 9: lagged by 0–2 s, the Killing Events leave the Delete trace for a new Create trace',
  'test/fixtures/statefulset-pod-recreated.jsonl clock-skew':
    'issue 9: with the watcher +3/+10/+60 s ahead the StatefulSet.Update root lasts about that much longer',
  'test/fixtures/live/deployment-rollout.jsonl clock-skew':
    "issue 9: at −60 s the Update's scaling steps and their children are placed differently",
  'test/fixtures/live/deployment-rollout.jsonl watch-lag':
    'issue 9: lagged by 0–2 s, a Created pod changes parent and both roots last 1.5 s longer',
  'test/fixtures/live/deployment-scale.jsonl no-span-after-convergence':
    'issue 12: "Deleted pod" of the scale-down starts 3 ms after its Deployment.Update converged',
  'test/fixtures/live/deployment-scale.jsonl clock-skew':
    'issue 9: at −60 s creates, deletes and steps are placed in other traces or under other parents',
  'test/fixtures/live/deployment-scale.jsonl watch-lag':
    'issue 9: lagged by 0–2 s, creates, deletes and steps are placed in other traces or under other parents',
  'test/fixtures/live/statefulset-rollout.jsonl clock-skew':
    'issue 9: at −60 s the Create and Update Events swap traces',
  'test/fixtures/live/statefulset-rollout.jsonl watch-lag':
    "issue 9: lagged by 0–2 s, the Create trace's Scheduled Events move into the Update trace",
  'examples/rollout.jsonl clock-skew':
    "issue 9: at −60 s the Update's scaling steps and their children are placed differently",
  'examples/rollout.jsonl watch-lag':
    'issue 9: lagged by 0–2 s, a Created pod changes parent and both roots last 1.5 s longer',
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
    const result = evaluate(loadRecording(recording));
    for (const check of CHECK_NAMES) {
      const todo = KNOWN_FAILURES[`${recording} ${check}`];
      it(check, todo === undefined ? {} : { todo }, () => {
        assert.deepEqual(result.get(check), [], `${recording}: ${check}`);
      });
    }
  });
}
