import { readFileSync } from 'node:fs';

/** The package root: dist/src/cli → three levels up; also right for src/cli under a TS loader. */
export const PACKAGE_ROOT = new URL('../../../', import.meta.url);

/** kubetrail's version from package.json, or `0.0.0-unknown` if it cannot be read. */
export function packageVersion(): string {
  for (const rel of ['package.json', '../package.json']) {
    try {
      const pkg: unknown = JSON.parse(readFileSync(new URL(rel, PACKAGE_ROOT), 'utf8'));
      if (
        typeof pkg === 'object' &&
        pkg !== null &&
        'name' in pkg &&
        pkg.name === 'kubetrail' &&
        'version' in pkg
      ) {
        return String(pkg.version);
      }
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0-unknown';
}

/** The bundled recording `kubetrail replay` plays when given no FILE. */
export const DEFAULT_RECORDING = new URL('examples/rollout.jsonl', PACKAGE_ROOT);
