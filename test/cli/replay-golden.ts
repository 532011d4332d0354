import { readdirSync } from 'node:fs';
import path from 'node:path';
import { replayCore } from '../../src/cli/core.js';
import { runCli } from '../../src/cli/run.js';
import { createSink } from '../../src/export/create-sink.js';
import { MemoryWriter } from '../../src/export/line-writer.js';
import { repoRoot } from '../assembly/trees.js';

/** Where the golden files live, from the repository root. */
export const GOLDEN_DIR = 'test/fixtures/golden';

/** Folders searched (recursively) for recordings: `*.jsonl` and kspan `*.yaml` captures. */
const RECORDING_DIRS = ['examples', 'test/fixtures', 'test/oracles'];

/** The scope version the golden output is made with, so a release does not touch every file. */
const GOLDEN_VERSION = '0.0.0-golden';

/** Every recording in the repository, as sorted paths from the repository root. */
export function recordings(): string[] {
  const root = repoRoot();
  const out: string[] = [];
  const walk = (dir: string): void => {
    if (dir === GOLDEN_DIR) return;
    for (const e of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.jsonl') || e.name.endsWith('.yaml')) out.push(rel);
    }
  };
  for (const dir of RECORDING_DIRS) walk(dir);
  return out.sort();
}

/** The golden file of a recording: its path with `/` as `__`, plus `.json`, in {@link GOLDEN_DIR}. */
export function goldenPathOf(recording: string): string {
  return `${GOLDEN_DIR}/${recording.replaceAll('/', '__')}.json`;
}

/**
 * What `kubetrail replay --exporter json RECORDING` writes, with the default
 * configuration (no environment, no config file) and the scope version
 * {@link GOLDEN_VERSION}. Throws with the CLI's stderr when it fails.
 */
export async function replayJson(recording: string): Promise<string> {
  const writer = new MemoryWriter();
  const err: string[] = [];
  const code = await runCli(['replay', '--exporter', 'json', path.join(repoRoot(), recording)], {
    env: {},
    stdout: () => {},
    stderr: (t) => err.push(t),
    version: GOLDEN_VERSION,
    core: replayCore,
    createSink: (o) => createSink({ ...o, writer }),
    runLive: () => Promise.reject(new Error('replay only')),
  });
  if (code !== 0) throw new Error(`replay of ${recording} exited ${code}: ${err.join('')}`);
  return writer.text();
}
