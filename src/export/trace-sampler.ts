import type { TraceRecord } from '../model/span-record.js';

/** Per-trace sampling policy: the collector's tail-sampling policies, without a collector. */
export interface SamplingPolicy {
  /** Healthy traces kept per million, 0 to 1,000,000. */
  readonly samplingRatePerMillion: number;
  /** Always keep traces with an ERROR span. */
  readonly keepErrors: boolean;
  /** Always keep traces lasting at least this long; 0 turns it off. */
  readonly slowTraceMs: number;
}

/** Why a trace was kept or not. */
export type SamplingDecision = 'error' | 'slow' | 'sampled' | 'dropped';

const TWO_POW_32 = 2 ** 32;

/** The trace's length from its first span start to its last span end, in milliseconds. */
export function traceDurationMs(trace: TraceRecord): number {
  let start = trace.root.startTime;
  let end = trace.root.endTime;
  for (const s of trace.spans) {
    if (s.startTime < start) start = s.startTime;
    if (s.endTime > end) end = s.endTime;
  }
  return end - start;
}

/**
 * Whether the ratio keeps `traceId`: its low 32 bits against the rate, so every replica,
 * restart and replay decides the same way for the same trace.
 */
export function ratioKeeps(traceId: string, ratePerMillion: number): boolean {
  if (ratePerMillion >= 1_000_000) return true;
  if (ratePerMillion <= 0) return false;
  const low = Number.parseInt(traceId.slice(-8), 16);
  if (Number.isNaN(low)) return false;
  return low < (ratePerMillion / 1_000_000) * TWO_POW_32;
}

/** Decides one trace under `policy`. */
export function decideTrace(trace: TraceRecord, policy: SamplingPolicy): SamplingDecision {
  if (policy.keepErrors && trace.hasError) return 'error';
  if (policy.slowTraceMs > 0 && traceDurationMs(trace) >= policy.slowTraceMs) return 'slow';
  return ratioKeeps(trace.traceId, policy.samplingRatePerMillion) ? 'sampled' : 'dropped';
}
