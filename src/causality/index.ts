export { BUILTIN_RULES } from './builtin-rules.js';
export { ACTION_VERBS, type ActionVerb, type CausalityRule, type RuleMatch } from './causality-rule.js';
export { RuleTable } from './rule-table.js';
