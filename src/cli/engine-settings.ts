import { BUILTIN_RULES } from '../causality/builtin-rules.js';
import type { CausalityRule } from '../causality/causality-rule.js';
import type { KubetrailConfig } from '../config/config.js';

/** What the trace engine takes from the configuration, in live and in replay alike. */
export interface EngineSettings {
  readonly settleMs: number;
  readonly maxTraceMs: number;
  /** Send the history of the initial list (--backfill). */
  readonly backfill: boolean;
  readonly limits: {
    readonly maxObjects: number;
    readonly maxOpenTraces: number;
    readonly maxSpansPerTrace: number;
    readonly maxPending: number;
  };
  /** The whole causality table: the built-in rules, then the user's from --rules. */
  readonly rules: readonly CausalityRule[];
}

/** The one mapping from configuration to engine settings, so both modes build the same engine. */
export function engineSettings(
  config: KubetrailConfig,
  extraRules: readonly CausalityRule[],
): EngineSettings {
  return {
    settleMs: config.settleMs,
    maxTraceMs: config.maxTraceMs,
    backfill: config.backfill,
    limits: {
      maxObjects: config.maxObjects,
      maxOpenTraces: config.maxOpenTraces,
      maxSpansPerTrace: config.maxSpansPerTrace,
      maxPending: config.maxPending,
    },
    rules: [...BUILTIN_RULES, ...extraRules],
  };
}
