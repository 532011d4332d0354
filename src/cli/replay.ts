import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Invocation, KubetrailConfig } from '../config/config.js';
import { createSink, type SinkHandle, type SinkOptions } from '../export/create-sink.js';
import type { Delta } from '../model/delta.js';
import type { TraceRecord } from '../model/span-record.js';
import type { Logger } from './log.js';
import { DEFAULT_RECORDING } from './version.js';

/** Engine settings replay takes from the configuration. */
export interface ReplaySettings {
  readonly settleMs: number;
  readonly maxTraceMs: number;
  readonly limits: {
    readonly maxObjects: number;
    readonly maxOpenTraces: number;
    readonly maxSpansPerTrace: number;
    readonly maxPending: number;
  };
  /** Extra causality rules, as read from --rules (validated by the core). */
  readonly rules: readonly unknown[];
}

/** The pure core as replay needs it; injected so the CLI is testable on its own. */
export interface ReplayCore {
  parseRecording(text: string, source: string): Delta[];
  replay(deltas: readonly Delta[], settings: ReplaySettings): TraceRecord[];
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

/** The sink options for `config`: the one mapping from configuration to the export edge. */
export function sinkOptions(config: KubetrailConfig, log: Logger, version?: string): SinkOptions {
  return {
    exporter: config.exporter,
    ...(config.output === undefined ? {} : { output: config.output }),
    connection: {
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      ...(config.insecure === undefined ? {} : { insecure: config.insecure }),
      ...(config.tlsCa === undefined ? {} : { tlsCa: config.tlsCa }),
      ...(config.tlsCert === undefined ? {} : { tlsCert: config.tlsCert }),
      ...(config.tlsKey === undefined ? {} : { tlsKey: config.tlsKey }),
      headers: config.headers,
    },
    resourceAttributes: config.resourceAttributes,
    ...(config.serviceName === undefined ? {} : { serviceName: config.serviceName }),
    sampling: {
      samplingRatePerMillion: config.samplingRatePerMillion,
      keepErrors: config.keepErrors,
      slowTraceMs: config.slowTraceMs,
    },
    maxQueueSize: config.exportQueueSize,
    ...(version === undefined ? {} : { scopeVersion: version }),
    log: (msg, fields) => log.warn(msg, fields),
  };
}

function reason(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== undefined && /^E[A-Z]+$/.test(code) ? code : e.message;
  }
  return String(e);
}

/** Reads --rules: a JSON array of causality rules. Returns the rules or a one-line problem. */
export function readRules(
  path: string | undefined,
  readText: (p: string) => string,
): readonly unknown[] | string {
  if (path === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(readText(path));
  } catch (e) {
    return `cannot read rules file ${path}: ${reason(e)}`;
  }
  if (!Array.isArray(parsed)) return `rules file ${path} must hold a JSON array of rules`;
  return parsed;
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
  const rules = readRules(config.rules, readText);
  if (typeof rules === 'string') return fail(rules);

  let deltas: Delta[];
  let traces: TraceRecord[];
  const started = performance.now();
  try {
    deltas = deps.core.parseRecording(text, file);
  } catch (e) {
    return fail(`cannot parse recording ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    traces = deps.core.replay(deltas, {
      settleMs: config.settleMs,
      maxTraceMs: config.maxTraceMs,
      limits: {
        maxObjects: config.maxObjects,
        maxOpenTraces: config.maxOpenTraces,
        maxSpansPerTrace: config.maxSpansPerTrace,
        maxPending: config.maxPending,
      },
      rules,
    });
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
    deltas: deltas.length,
    traces: traces.length,
    spans: traces.reduce((n, t) => n + t.spans.length, 0),
    ms: Math.round(performance.now() - started),
    ...counters,
  });
  if (result.code !== 0) return fail(`export failed: ${result.error?.message ?? 'unknown error'}`);
  if (traces.length === 0) deps.log.warn('the recording produced no traces', { file, deltas: deltas.length });
  return 0;
}
