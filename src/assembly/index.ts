export { buildTraces } from './build-traces.js';
export { DEFAULT_LIMITS, type EngineLimits, resolveLimits } from './engine-limits.js';
export type { EngineStats } from './engine-stats.js';
export { type MergedTrace, mergeTraceRecords } from './merge-records.js';
export { type Outcome, outcomeOf } from './outcome.js';
export type { BuiltTrace } from './render-spans.js';
export { type ReplayOptions, ReplayRun, replay } from './replay.js';
export { TraceEngine, type TraceEngineOptions } from './trace-engine.js';
