import { parseArgs } from 'node:util';
import type { Command } from './config.js';
import { COMMAND_FLAGS, FLAGS, type FlagSpec } from './flags.js';

/** The command line split into a command, its operand and raw flag values. */
export interface ParsedCommandLine {
  readonly command: Command;
  readonly replayFile?: string;
  /** Raw values per flag, in order; repeatable flags have several. */
  readonly values: ReadonlyMap<FlagSpec, readonly (string | boolean)[]>;
  readonly problems: readonly string[];
}

const BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));

/**
 * Splits argv with node:util parseArgs (non-strict, so that every problem can be
 * listed rather than the first thrown). Pure.
 */
export function parseCommandLine(argv: readonly string[]): ParsedCommandLine {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {};
  for (const f of FLAGS) {
    options[f.name] = f.kind === 'boolean' ? { type: 'boolean' } : { type: 'string', multiple: true };
  }
  for (const c of COMMAND_FLAGS) options[c.name] = { type: 'boolean', short: c.short };
  const { tokens } = parseArgs({
    args: [...argv],
    options,
    strict: false,
    allowPositionals: true,
    allowNegative: true,
    tokens: true,
  });
  const problems: string[] = [];
  const values = new Map<FlagSpec, (string | boolean)[]>();
  const positionals: string[] = [];
  let help = false;
  let version = false;
  for (const t of tokens) {
    if (t.kind === 'positional') {
      positionals.push(t.value);
      continue;
    }
    if (t.kind !== 'option') continue;
    if (t.name === 'help' || t.name === 'h') {
      help = true;
      continue;
    }
    if (t.name === 'version' || t.name === 'v') {
      version = true;
      continue;
    }
    const spec = BY_NAME.get(t.name);
    if (spec === undefined) {
      problems.push(`unknown flag ${t.rawName}`);
      continue;
    }
    const negated = t.rawName.startsWith('--no-');
    let value: string | boolean;
    if (spec.kind === 'boolean') {
      if (t.value === undefined) value = !negated;
      else if (negated) {
        problems.push(`${t.rawName} takes no value`);
        continue;
      } else value = t.value;
    } else {
      if (negated) {
        problems.push(`unknown flag ${t.rawName}`);
        continue;
      }
      if (t.value === undefined || (t.inlineValue !== true && t.value.startsWith('--'))) {
        problems.push(`--${spec.name} needs a value (${spec.arg ?? 'VALUE'})`);
        continue;
      }
      value = t.value;
    }
    let list = values.get(spec);
    if (list === undefined) {
      list = [];
      values.set(spec, list);
    }
    list.push(value);
  }
  let command: Command = 'live';
  let replayFile: string | undefined;
  const [first, ...rest] = positionals;
  if (first === 'replay') {
    command = 'replay';
    replayFile = rest[0];
    if (rest.length > 1) problems.push(`replay takes one FILE, got ${rest.length}: ${rest.join(' ')}`);
  } else if (first === 'live') {
    if (rest.length > 0) problems.push(`live takes no operands, got: ${rest.join(' ')}`);
  } else if (first !== undefined) {
    problems.push(`unknown command ${JSON.stringify(first)} (commands: replay, live)`);
  }
  if (help) command = 'help';
  else if (version) command = 'version';
  return { command, ...(replayFile === undefined ? {} : { replayFile }), values, problems };
}
