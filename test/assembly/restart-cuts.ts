/**
 * Prints, for each live recording, the cuts at which a plain restart is not
 * exact (see restart-cut.ts): `node dist/test/assembly/restart-cuts.js [--details] [NAME ...]`.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { replay } from '../../src/assembly/replay.js';
import { loadRecording } from '../scenarios/evaluate.js';
import { cutRanges, restartCheck } from './restart-cut.js';
import { repoRoot } from './trees.js';

const args = process.argv.slice(2);
const details = args.includes('--details');
const names = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(path.join(repoRoot(), 'test/fixtures/live'))
  .filter((f) => f.endsWith('.jsonl'))
  .filter((f) => names.length === 0 || names.some((n) => f.includes(n)))
  .sort();
for (const f of files) {
  const deltas = loadRecording(`test/fixtures/live/${f}`);
  const live = replay(deltas);
  const failing: number[] = [];
  let lost = 0;
  const why = new Map<string, number[]>();
  for (let cut = 1; cut <= deltas.length; cut++) {
    const { wrong: fails, lost: l } = restartCheck(deltas, cut, live);
    lost += l;
    if (fails.length > 0) failing.push(cut);
    for (const w of new Set(fails)) why.set(w, [...(why.get(w) ?? []), cut]);
  }
  console.log(
    `${f}: ${failing.length}/${deltas.length} cuts fail ${cutRanges.format(failing)}; ${lost} live spans lost`,
  );
  if (details) for (const [w, cuts] of why) console.log(`    ${w}  @ ${cutRanges.format(cuts)}`);
}
