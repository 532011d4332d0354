/**
 * Replay output, byte for byte. Every recording in the repository (`*.jsonl`
 * and kspan `*.yaml` under examples/, test/fixtures/ and test/oracles/) is
 * replayed through the whole CLI path, as `kubetrail replay --exporter json`
 * with the default configuration, and compared with its golden file in
 * test/fixtures/golden/. This is how a refactor proves it changed nothing.
 *
 * Regenerate with `npm run golden:update` (then review `git diff`) only when:
 * - a change is meant to change trace content (a causality or timing fix, a
 *   new attribute, a new span); the commit then says which recordings changed
 *   and why;
 * - a recording is added, changed or removed.
 * Never to make a refactor, a file split or a performance change pass: if this
 * test fails after one of those, the change is not behaviour-preserving.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../assembly/trees.js';
import { GOLDEN_DIR, goldenPathOf, recordings, replayJson } from './replay-golden.js';

const root = repoRoot();
const all = recordings();

describe('replay output matches the golden files', () => {
  it('finds the recordings', () => {
    assert.ok(all.includes('examples/rollout.jsonl'), 'the bundled example is a recording');
    assert.ok(all.length >= 10, `only ${all.length} recordings found`);
  });

  for (const recording of all) {
    it(recording, async () => {
      const golden = path.join(root, goldenPathOf(recording));
      assert.ok(existsSync(golden), `no golden file for ${recording}: run npm run golden:update`);
      const actual = await replayJson(recording);
      const expected = readFileSync(golden, 'utf8');
      if (actual === expected) return;
      // Not assert.equal on the whole text: a trace is one long line. Show where they part.
      let i = 0;
      while (i < actual.length && actual[i] === expected[i]) i++;
      const line = actual.slice(0, i).split('\n').length;
      const around = (t: string): string => JSON.stringify(t.slice(Math.max(0, i - 120), i + 120));
      assert.fail(
        `${recording}: replay output differs from ${goldenPathOf(recording)} at character ${i} (line ${line}).\n` +
          `  got:    ${around(actual)}\n  golden: ${around(expected)}`,
      );
    });
  }

  it('has no golden file without its recording', () => {
    const wanted = new Set(all.map(goldenPathOf));
    const stale = readdirSync(path.join(root, GOLDEN_DIR))
      .map((name) => `${GOLDEN_DIR}/${name}`)
      .filter((g) => !wanted.has(g));
    assert.deepEqual(stale, [], 'stale golden files: run npm run golden:update');
  });
});
