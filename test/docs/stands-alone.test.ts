import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT } from './readme-blocks.js';

const root = fileURLToPath(REPO_ROOT);

/** What a file of a standalone repository never names: the workspace around it. Split so this file passes. */
const FORBIDDEN: readonly string[] = [
  ['..', 'shared'].join('/'),
  ['', 'work', 'shared'].join('/'),
  `DESIGN${'.md'}`,
];

/** The repository's tracked files; outside a git checkout, every file but node_modules, dist and .git. */
function trackedFiles(): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' });
    return out.split('\0').filter((f) => f !== '');
  } catch {
    const out: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (!['node_modules', 'dist', '.git'].includes(e.name)) walk(rel);
        } else if (e.isFile()) out.push(rel);
      }
    };
    walk('');
    return out;
  }
}

describe('the repository stands alone', () => {
  const files = trackedFiles();

  it('finds the files to check', () => {
    assert.ok(files.includes('package.json') && files.includes('README.md'), files.slice(0, 5).join(', '));
  });

  it('no file refers to the workspace around it or to a design file it does not have', () => {
    const hits: string[] = [];
    for (const file of files) {
      const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const word of FORBIDDEN) if (line.includes(word)) hits.push(`${file}:${i + 1}: ${word}`);
      });
    }
    assert.deepEqual(hits, []);
  });

  it('vendors the kspan oracle with its licence and a NOTICE', () => {
    for (const f of ['LICENSE', 'NOTICE', 'README.md', 'deployment-2-pods.yaml']) {
      assert.ok(files.includes(`test/oracles/kspan/${f}`), `test/oracles/kspan/${f} is tracked`);
    }
    assert.match(
      readFileSync(path.join(root, 'test/oracles/kspan/LICENSE'), 'utf8'),
      /Apache License\s+Version 2\.0/,
    );
    assert.match(
      readFileSync(path.join(root, 'test/oracles/kspan/NOTICE'), 'utf8'),
      /weaveworks-experiments\/kspan/,
    );
  });
});
