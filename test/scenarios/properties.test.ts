// Every property of issues 9 and 12 applied to every recording in the
// repository, in file order, in seeded shuffles and in the clock-skew and
// watch-lag variants, which are compared with the in-order replay too
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
const KNOWN_FAILURES: Readonly<Record<string, string>> = {};

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
