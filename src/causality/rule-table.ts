import { flatString } from '../model/flat-string.js';
import type { NormalEvent } from '../model/projection.js';
import { ACTION_VERBS, type CausalityRule, type RuleMatch } from './causality-rule.js';

interface CompiledRule {
  readonly controller: string | undefined;
  readonly regex: RegExp | undefined;
  readonly match: RuleMatch | undefined;
  readonly verb: CausalityRule['verb'];
  readonly actedOnKind: string | undefined;
  readonly stuck: boolean;
}

const ANY = '*';

/**
 * The causality table, compiled once: regexes built up front, rules bucketed by
 * (reason, involved kind) so matching an Event is one map lookup.
 */
export class RuleTable {
  /** reason → involved kind → rules; nested so matching builds no key string. */
  readonly #buckets = new Map<string, Map<string, CompiledRule[]>>();
  /** How many rules the table holds. */
  readonly size: number;

  /** Compiles and validates `rules`; a malformed rule throws a TypeError naming its index. */
  constructor(rules: readonly CausalityRule[]) {
    rules.forEach((rule, index) => {
      const compiled = compile(rule, index);
      let byKind = this.#buckets.get(rule.reason);
      if (byKind === undefined) {
        byKind = new Map();
        this.#buckets.set(rule.reason, byKind);
      }
      const bucket = byKind.get(rule.involvedKind);
      if (bucket === undefined) byKind.set(rule.involvedKind, [compiled]);
      else bucket.push(compiled);
    });
    // Exact controllers win over wildcards, whatever order the rules came in.
    for (const bucket of [...this.#buckets.values()].flatMap((m) => [...m.values()])) {
      bucket.sort((a, b) => Number(a.controller === undefined) - Number(b.controller === undefined));
    }
    this.size = rules.length;
  }

  /** The first rule that matches `event` (its message: a combined Event's note without the prefix), or undefined. */
  match(event: NormalEvent): RuleMatch | undefined {
    const bucket = this.#buckets.get(event.reason)?.get(event.involved.kind);
    if (bucket === undefined) return undefined;
    for (const rule of bucket) {
      if (rule.controller !== undefined && rule.controller !== event.controller) continue;
      if (rule.match !== undefined) return rule.match;
      if (rule.regex === undefined) continue;
      // A combined Event's note carries the correlator's prefix; the rule reads the message after it.
      const found = rule.regex.exec(event.message);
      const name = found?.groups?.name;
      if (name === undefined || name.length === 0) continue;
      return {
        verb: rule.verb,
        actedOnKind: rule.actedOnKind ?? event.involved.kind,
        // Flat: a capture would keep the whole note alive as long as the fact.
        actedOnName: flatString(name),
        stuck: rule.stuck,
      };
    }
    return undefined;
  }
}

function compile(rule: CausalityRule, index: number): CompiledRule {
  const where = `causality rule ${index}`;
  if (typeof rule !== 'object' || rule === null) throw new TypeError(`${where} must be an object`);
  if (typeof rule.reason !== 'string' || rule.reason.length === 0) {
    throw new TypeError(`${where}: reason must be a non-empty string`);
  }
  if (typeof rule.involvedKind !== 'string' || rule.involvedKind.length === 0) {
    throw new TypeError(`${where}: involvedKind must be a non-empty string`);
  }
  if (
    rule.controller !== undefined &&
    (typeof rule.controller !== 'string' || rule.controller.length === 0)
  ) {
    throw new TypeError(`${where}: controller must be a non-empty string or omitted`);
  }
  if (!ACTION_VERBS.includes(rule.verb)) {
    throw new TypeError(`${where}: verb must be one of ${ACTION_VERBS.join(', ')}`);
  }
  const stuck = rule.stuck === true;
  const controller = rule.controller === ANY ? undefined : rule.controller;
  const condition = rule.condition;
  if (condition !== undefined && (typeof condition !== 'string' || condition.length === 0)) {
    throw new TypeError(`${where}: condition must be a non-empty string or omitted`);
  }
  if (rule.actedOnKind === undefined) {
    if (rule.note !== undefined) throw new TypeError(`${where}: note needs actedOnKind`);
    return {
      controller,
      regex: undefined,
      verb: rule.verb,
      actedOnKind: undefined,
      stuck,
      match: {
        verb: rule.verb,
        actedOnKind: rule.involvedKind,
        actedOnName: undefined,
        stuck,
        ...(condition === undefined ? {} : { condition }),
      },
    };
  }
  if (condition !== undefined) {
    throw new TypeError(`${where}: condition is about the involved object: not with actedOnKind`);
  }
  if (typeof rule.actedOnKind !== 'string' || rule.actedOnKind.length === 0) {
    throw new TypeError(`${where}: actedOnKind must be a non-empty string`);
  }
  if (typeof rule.note !== 'string') throw new TypeError(`${where}: actedOnKind needs a note regex`);
  let regex: RegExp;
  try {
    // Case-insensitive: v1.37 writes "Create Pod …" where older controllers wrote "create Pod …".
    regex = new RegExp(rule.note, 'i');
  } catch (cause) {
    throw new TypeError(`${where}: note is not a valid regular expression`, { cause });
  }
  if (!rule.note.includes('(?<name>')) throw new TypeError(`${where}: note must have a (?<name>…) group`);
  return { controller, regex, verb: rule.verb, actedOnKind: rule.actedOnKind, stuck, match: undefined };
}
