/**
 * `npm run golden:update`: rewrites the golden replay output of every recording
 * (see replay-golden.test.ts for when that is legitimate) and removes golden
 * files whose recording is gone. Prints what changed; review it with `git diff`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../assembly/trees.js';
import { GOLDEN_DIR, goldenPathOf, recordings, replayJson } from './replay-golden.js';

const root = repoRoot();
mkdirSync(path.join(root, GOLDEN_DIR), { recursive: true });
const wanted = new Set<string>();
for (const recording of recordings()) {
  const golden = goldenPathOf(recording);
  wanted.add(golden);
  const file = path.join(root, golden);
  const text = await replayJson(recording);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  if (before === text) continue;
  writeFileSync(file, text);
  console.log(`${before === undefined ? 'added  ' : 'changed'} ${golden}`);
}
for (const name of readdirSync(path.join(root, GOLDEN_DIR))) {
  const golden = `${GOLDEN_DIR}/${name}`;
  if (wanted.has(golden)) continue;
  rmSync(path.join(root, golden));
  console.log(`removed ${golden}`);
}
