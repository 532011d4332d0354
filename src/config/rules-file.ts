import type { CausalityRule } from '../causality/causality-rule.js';
import { RuleTable } from '../causality/rule-table.js';

/** A `--rules` file after parsing: the user's rules, or every problem found. */
export interface ParsedRulesFile {
  readonly rules: readonly CausalityRule[];
  readonly problems: readonly string[];
}

/**
 * Parses a `--rules` file: a JSON array of causality rules, checked one by one with
 * the same compiler the engine uses, so a file that passes here cannot fail later.
 * Problems number the user's rules from 1, in file order. Pure: the caller reads the file.
 */
export function parseRulesFile(text: string, path: string): ParsedRulesFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { rules: [], problems: [`rules file ${path}: not valid JSON: ${(e as Error).message}`] };
  }
  if (!Array.isArray(parsed)) {
    return { rules: [], problems: [`rules file ${path}: must hold a JSON array of rules`] };
  }
  const problems: string[] = [];
  parsed.forEach((rule: unknown, index) => {
    try {
      new RuleTable([rule as CausalityRule]);
    } catch (e) {
      if (!(e instanceof TypeError)) throw e;
      // The table names a rule by its index in the table it was given: here always 0.
      const reason = e.message.replace(/^causality rule 0:?\s*/, '');
      problems.push(`rules file ${path}: rule ${index + 1}: ${reason}`);
    }
  });
  return problems.length > 0 ? { rules: [], problems } : { rules: parsed as CausalityRule[], problems };
}
