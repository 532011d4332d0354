import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Invocation } from '../config/config.js';
import { createSink, type SinkHandle, type SinkOptions } from '../export/create-sink.js';
import type { Delta } from '../model/delta.js';
import type { TraceRecord } from '../model/span-record.js';
import type { PositionedTapBatch } from '../model/tap-span.js';
import { type EngineSettings, engineSettings } from './engine-settings.js';
import type { Logger } from './log.js';
import { logSampledOut } from './sampled-out-log.js';
import { sinkOptions } from './sink-options.js';
import { DEFAULT_RECORDING } from './version.js';

/** Engine settings replay takes from the configuration: the same as live's. */
export type ReplaySettings = EngineSettings;

/** The pure core as replay needs it; injected so the CLI is testable on its own. */
export interface ReplayCore {
  parseRecording(text: string, source: string): ParsedRecording;
  replay(recording: ParsedRecording, settings: ReplaySettings): TraceRecord[];
}

/** A parsed recording: its watch deltas, and the tap spans it kept, each at its place. */
export interface ParsedRecording {
  readonly deltas: readonly Delta[];
  readonly tapSpans: readonly PositionedTapBatch[];
}

/** What runReplay needs from the outside world. */
export interface ReplayDeps {
  readonly core: ReplayCore;
  readonly log: Logger;
  readonly readText?: (path: string) => string;
  readonly version?: string;
  /** Builds the sink; tests substitute one that writes to memory. */
  readonly createSink?: (o: SinkOptions) => SinkHandle;
  readonly stderr?: (line: string) => void;
}

function reason(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== undefined && /^E[A-Z]+$/.test(code) ? code : e.message;
  }
  return String(e);
}

/**
 * `kubetrail replay [FILE]`: parse the recording, run it through the engine on a
 * simulated clock, export every trace, flush. Resolves to the exit code.
 */
export async function runReplay(inv: Invocation, deps: ReplayDeps): Promise<number> {
  const { config } = inv;
  const readText = deps.readText ?? ((p: string) => readFileSync(p, 'utf8'));
  const stderr = deps.stderr ?? ((line: string) => process.stderr.write(line));
  const fail = (message: string): number => {
    stderr(`kubetrail: ${message}\n`);
    return 1;
  };
  const file = inv.replayFile ?? fileURLToPath(DEFAULT_RECORDING);
  let text: string;
  try {
    text = readText(file);
  } catch (e) {
    return fail(`cannot read recording ${file}: ${reason(e)}`);
  }

  let recording: ParsedRecording;
  let traces: TraceRecord[];
  const started = performance.now();
  try {
    recording = deps.core.parseRecording(text, file);
  } catch (e) {
    return fail(`cannot parse recording ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    traces = deps.core.replay(recording, engineSettings(config, inv.rules));
  } catch (e) {
    if (e instanceof TypeError) return fail(`invalid engine settings or rules: ${e.message}`);
    throw e;
  }

  let handle: SinkHandle;
  try {
    handle = (deps.createSink ?? createSink)(sinkOptions(config, deps.log, deps.version));
  } catch (e) {
    return fail(
      `cannot start the ${config.exporter} exporter: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  const result = await handle.sink.export(traces);
  await handle.sink.shutdown();
  const counters = handle.counters();
  deps.log.debug('replay finished', {
    file,
    deltas: recording.deltas.length,
    tapSpans: recording.tapSpans.reduce((n, b) => n + b.batch.spans.length, 0),
    traces: traces.length,
    spans: traces.reduce((n, t) => n + t.spans.length, 0),
    ms: Math.round(performance.now() - started),
    ...counters,
  });
  if (result.code !== 0) return fail(`export failed: ${result.error?.message ?? 'unknown error'}`);
  if (traces.length === 0)
    deps.log.warn('the recording produced no traces', { file, deltas: recording.deltas.length });
  if (counters.tracesSampledOut > 0) logSampledOut(deps.log, config, counters);
  return 0;
}
