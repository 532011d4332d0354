import { readFileSync } from 'node:fs';
import type { Invocation } from './config.js';
import { ConfigError } from './config-error.js';
import { configFilePath, resolveConfig } from './resolve-config.js';

/** Reads a file as UTF-8; injected so tests need no disk. */
export type ReadText = (path: string) => string;

/**
 * Reads the config file the command line or environment names, then resolves.
 * The only IO in configuration; throws ConfigError listing every problem.
 */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readText: ReadText = (p) => readFileSync(p, 'utf8'),
): Invocation {
  const path = configFilePath(argv, env);
  if (path === undefined) return resolveConfig({ argv, env });
  let text: string;
  try {
    text = readText(path);
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    // Still resolve without the file so the other problems are listed too.
    const problems = [`cannot read config file ${path}: ${reason}`];
    try {
      resolveConfig({ argv, env });
    } catch (inner) {
      if (inner instanceof ConfigError) problems.push(...inner.problems);
    }
    throw new ConfigError(problems);
  }
  return resolveConfig({ argv, env, file: { path, text } });
}
