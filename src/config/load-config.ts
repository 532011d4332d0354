import { readFileSync } from 'node:fs';
import type { Invocation } from './config.js';
import { ConfigError } from './config-error.js';
import { configFilePath, resolveConfig } from './resolve-config.js';
import { parseRulesFile } from './rules-file.js';

/** Reads a file as UTF-8; injected so tests need no disk. */
export type ReadText = (path: string) => string;

function readError(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}

/**
 * Reads the config file the command line or environment names, then resolves, then
 * reads and validates the `--rules` file: live and replay start from the same result.
 * The only IO in configuration; throws ConfigError listing every problem.
 */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readText: ReadText = (p) => readFileSync(p, 'utf8'),
): Invocation {
  const path = configFilePath(argv, env);
  if (path === undefined) return withRules(resolveConfig({ argv, env }), readText);
  let text: string;
  try {
    text = readText(path);
  } catch (e) {
    // Still resolve without the file so the other problems are listed too.
    const problems = [`cannot read config file ${path}: ${readError(e)}`];
    try {
      resolveConfig({ argv, env });
    } catch (inner) {
      if (inner instanceof ConfigError) problems.push(...inner.problems);
    }
    throw new ConfigError(problems);
  }
  return withRules(resolveConfig({ argv, env, file: { path, text } }), readText);
}

/** Adds the rules of `--rules`, for the commands that run the engine. */
function withRules(inv: Invocation, readText: ReadText): Invocation {
  const path = inv.config.rules;
  if (path === undefined || (inv.command !== 'live' && inv.command !== 'replay')) return inv;
  let text: string;
  try {
    text = readText(path);
  } catch (e) {
    throw new ConfigError([`cannot read rules file ${path}: ${readError(e)}`]);
  }
  const parsed = parseRulesFile(text, path);
  if (parsed.problems.length > 0) throw new ConfigError(parsed.problems);
  return { ...inv, rules: parsed.rules };
}
