export { type BuiltTrace, buildTraces, MATCH_WINDOW_MS } from './build-traces.js';
export { DEFAULT_LIMITS, type EngineLimits, resolveLimits } from './engine-limits.js';
export type { EngineStats } from './engine-stats.js';
export { type MergedTrace, mergeTraceRecords } from './merge-records.js';
export { deletionRequestedAt, type Outcome, outcomeOf } from './outcome.js';
export { type ReplayOptions, replay } from './replay.js';
export { TraceEngine, type TraceEngineOptions } from './trace-engine.js';
