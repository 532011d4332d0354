import { replay } from '../assembly/replay.js';
import { BUILTIN_RULES } from '../causality/builtin-rules.js';
import type { CausalityRule } from '../causality/causality-rule.js';
import { parseRecording } from '../sources/recording/parse-recording.js';
import type { ReplayCore } from './replay.js';

/**
 * The real pure core behind `kubetrail replay`. Extra rules from --rules go after the
 * built-in table; the engine validates them (a TypeError naming the bad rule).
 */
export const replayCore: ReplayCore = {
  parseRecording: (text, source) => parseRecording(text, source),
  replay: (deltas, s) =>
    replay(deltas, {
      settleMs: s.settleMs,
      maxTraceMs: s.maxTraceMs,
      limits: s.limits,
      rules: [...BUILTIN_RULES, ...(s.rules as readonly CausalityRule[])],
    }),
};
