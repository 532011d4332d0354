export { type ActionFact, actionKeyOf, MAX_OCCURRENCES, type Occurrence } from './action-fact.js';
export { BUILTIN_RULES } from './builtin-rules.js';
export { ACTION_VERBS, type ActionVerb, type CausalityRule, type RuleMatch } from './causality-rule.js';
export {
  type ActionNode,
  decideParents,
  MATCH_WINDOW_MS,
  type ObjectNode,
  type RetiredActions,
  type RootFacts,
  type RootNode,
  type SpanNode,
  type SpanTree,
  type TracedIntent,
  type TreeNode,
} from './parent-decision.js';
export { RuleTable } from './rule-table.js';
