import { createReadStream, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EngineStats } from '../assembly/engine-stats.js';
import type { Invocation } from '../config/config.js';
import { createSink, type SinkHandle, type SinkOptions } from '../export/create-sink.js';
import type { ClockSample, PositionedClockSample } from '../model/clock-sample.js';
import type { Delta } from '../model/delta.js';
import type { TraceRecord } from '../model/span-record.js';
import type { PositionedTapBatch, TapBatch } from '../model/tap-span.js';
import { RecordingError } from '../sources/recording/recording-error.js';
import { readRecording } from '../sources/recording/recording-reader.js';
import { type EngineSettings, engineSettings } from './engine-settings.js';
import { limitHeapGrowth } from './heap-growth.js';
import type { Logger } from './log.js';
import { logSampledOut } from './sampled-out-log.js';
import { sinkOptions } from './sink-options.js';
import { DEFAULT_RECORDING } from './version.js';

/** Engine settings replay takes from the configuration: the same as live's. */
export type ReplaySettings = EngineSettings;

/** One replay in progress: deltas (and received tap spans) in, settled traces out, stats at the end. */
export interface ReplayRunner {
  push(delta: Delta): readonly TraceRecord[];
  /** Spans the tap received, at their place in the recording. */
  pushSpans(batch: TapBatch): readonly TraceRecord[];
  /** A reading of the apiserver's clock, at its place in the recording. */
  pushClock(sample: ClockSample): void;
  finish(): readonly TraceRecord[];
  stats(): EngineStats;
}

/** The pure core as replay needs it; injected so the CLI is testable on its own. */
export interface ReplayCore {
  /** A fresh engine on a simulated clock. Throws a TypeError for invalid settings. */
  startReplay(settings: ReplaySettings): ReplayRunner;
}

/** What runReplay needs from the outside world. */
export interface ReplayDeps {
  readonly core: ReplayCore;
  readonly log: Logger;
  /** Opens the recording; the default streams the file, or stdin for `-`. */
  readonly openRecording?: (
    path: string,
  ) => AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
  readonly version?: string;
  /** Builds the sink; tests substitute one that writes to memory. */
  readonly createSink?: (o: SinkOptions) => SinkHandle;
  readonly stderr?: (line: string) => void;
  /** The wall clock, which bounds plausible recording times. */
  readonly now?: () => number;
}

/**
 * Traces are handed to the exporter in batches of about this many spans. The json
 * exporter writes one line per batch, so a batch bounds the longest line it writes
 * (and the memory it takes); a small recording still comes out as one line.
 */
const EXPORT_BATCH_SPANS = 2048;

/** Bad lines warned about one by one; past this, only the final count. */
const PROBLEMS_LOGGED = 10;

/** A file-system error as a sentence. */
function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a directory; give a recording file (JSON Lines or a kspan capture)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

/** Streams `path`, or stdin for `-`, failing early (and in words) for a missing file or a directory. */
function openFile(path: string): AsyncIterable<Uint8Array> {
  if (path === '-') return process.stdin;
  // A directory opens fine and fails on the first read with a bare EISDIR: say so first.
  if (statSync(path).isDirectory()) throw Object.assign(new Error(path), { code: 'EISDIR' });
  return createReadStream(path, { highWaterMark: 256 * 1024 });
}

function sum(counts: Readonly<Record<string, number>>): number {
  let n = 0;
  for (const v of Object.values(counts)) n += v;
  return n;
}

/** `{ total: 3, duplicate: 2, 'invalid-generation': 1 }`: the total first, then by reason, largest first. */
function tally(counts: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return Object.fromEntries([['total', sum(counts)], ...entries]);
}

/**
 * `kubetrail replay [FILE]`: stream the recording (a file, or stdin for `-`) through
 * the engine on a simulated clock, exporting traces as they settle, with the
 * exporter's back-pressure holding the reading back. Bad lines are skipped, counted
 * and reported (unless --strict); the engine's stats end the run. Resolves to the
 * exit code: 1 when the recording cannot be read, when --strict meets a bad line,
 * or when any span was dropped on export.
 */
export async function runReplay(inv: Invocation, deps: ReplayDeps): Promise<number> {
  const { config } = inv;
  const stderr = deps.stderr ?? ((line: string) => process.stderr.write(line));
  const log = deps.log;
  const fail = (message: string): number => {
    stderr(`kubetrail: ${message}\n`);
    return 1;
  };
  const file = inv.replayFile ?? fileURLToPath(DEFAULT_RECORDING);
  const name = file === '-' ? 'stdin' : file;
  let input: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
  try {
    input = (deps.openRecording ?? openFile)(file);
  } catch (e) {
    return fail(`cannot read recording ${name}: ${describeFsError(e)}`);
  }

  let run: ReplayRunner;
  try {
    run = deps.core.startReplay(engineSettings(config, inv.rules));
  } catch (e) {
    if (e instanceof TypeError) return fail(`invalid engine settings or rules: ${e.message}`);
    throw e;
  }

  let handle: SinkHandle;
  try {
    handle = (deps.createSink ?? createSink)({
      ...sinkOptions(config, log, deps.version),
      // Replay can slow down, so it waits for the exporter rather than dropping.
      waitWhenFull: true,
    });
  } catch (e) {
    return fail(
      `cannot start the ${config.exporter} exporter: ${e instanceof Error ? e.message : String(e)}`,
    );
  }

  // A replay is a batch job that allocates fast: keep the heap near its live set.
  limitHeapGrowth();
  const started = performance.now();
  let traces = 0;
  let spans = 0;
  let batch: TraceRecord[] = [];
  let batchSpans = 0;
  let exportError: Error | undefined;
  const exportBatch = async (): Promise<void> => {
    if (batch.length === 0) return;
    const result = await handle.sink.export(batch);
    if (result.code !== 0) exportError ??= result.error ?? new Error('unknown error');
    batch = [];
    batchSpans = 0;
  };
  const take = (records: readonly TraceRecord[]): void => {
    for (const r of records) {
      batch.push(r);
      batchSpans += r.spans.length;
      traces += 1;
      spans += r.spans.length;
    }
  };
  let firstProblem: number | undefined;
  const onProblem = (p: RecordingError): void => {
    firstProblem ??= p.line;
    if (problemsLogged < PROBLEMS_LOGGED) {
      problemsLogged += 1;
      log.warn('skipped a bad line of the recording', { file: name, line: p.line, reason: p.message });
    }
  };
  let problemsLogged = 0;

  let summary: Awaited<ReturnType<typeof readRecording>> | undefined;
  let readFailure: string | undefined;
  try {
    summary = await readRecording(
      input,
      async (deltas, tapSpans, clockSamples) => {
        let next = 0;
        let nextClock = 0;
        for (let i = 0; i < deltas.length; i++) {
          // Tap spans and clock samples go in at their place in the file, before the deltas that followed them.
          for (
            ;
            nextClock < clockSamples.length && (clockSamples[nextClock]?.deltasBefore ?? 0) <= i;
            nextClock++
          )
            run.pushClock((clockSamples[nextClock] as PositionedClockSample).sample);
          for (; next < tapSpans.length && (tapSpans[next]?.deltasBefore ?? 0) <= i; next++) {
            take(run.pushSpans((tapSpans[next] as PositionedTapBatch).batch));
          }
          const out = run.push(deltas[i] as Delta);
          if (out.length > 0) take(out);
        }
        for (; nextClock < clockSamples.length; nextClock++)
          run.pushClock((clockSamples[nextClock] as PositionedClockSample).sample);
        for (; next < tapSpans.length; next++)
          take(run.pushSpans((tapSpans[next] as PositionedTapBatch).batch));
        if (batchSpans >= EXPORT_BATCH_SPANS) await exportBatch();
      },
      {
        source: name,
        now: (deps.now ?? Date.now)(),
        ...(config.strict ? {} : { onProblem }),
      },
    );
  } catch (e) {
    readFailure =
      e instanceof RecordingError
        ? `cannot parse recording ${name}: ${e.message}${config.strict ? ' (--strict stops at the first bad line)' : ''}`
        : `cannot read recording ${name}: ${describeFsError(e)}`;
  }
  if (readFailure === undefined) {
    take(run.finish());
    await exportBatch();
  } else {
    // Stop where the recording went wrong, as --strict asks: nothing more is exported.
    batch = [];
  }
  await handle.sink.shutdown();

  const stats = run.stats();
  const counters = handle.counters();
  const dropped = counters.spansDropped;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const problems = summary?.problems ?? 0;
  if (problems > PROBLEMS_LOGGED) {
    log.warn('skipped bad lines of the recording', { file: name, badLines: problems, firstAt: firstProblem });
  }
  if (readFailure === undefined) {
    // One line that says what happened to every input and every span; the whole stats at debug.
    log.info('replay finished', {
      file: name,
      deltas: summary?.deltas ?? 0,
      ...(problems > 0 ? { badLines: problems, firstBadLine: firstProblem } : {}),
      traceRecords: traces,
      spans,
      seconds: Number(seconds),
      rejected: tally(stats.rejected),
      repaired: tally(stats.repaired),
      evicted: tally(stats.evictions),
      spansExported: counters.spansExported,
      spansSampledOut: counters.spansSampledOut,
      spansDropped: dropped,
      // What --backfill left out because the recording's initial list does not settle it.
      ...(config.backfill ? { backfillLeftOut: stats.backfillLeftOut } : {}),
    });
    if (counters.tracesSampledOut > 0) logSampledOut(log, config, counters);
  }
  log.debug('replay stats', { file: name, stats, export: counters, ...(summary ? { read: summary } : {}) });

  if (readFailure !== undefined) return fail(readFailure);
  if (dropped > 0 || exportError !== undefined) {
    return fail(
      `the ${config.exporter} exporter dropped ${dropped} of ${spans} spans${exportError === undefined ? '' : `: ${exportError.message}`}`,
    );
  }
  if ((summary?.deltas ?? 0) === 0 && problems > 0) {
    const unit = summary?.format === 'kspan' ? 'documents' : 'lines';
    return fail(
      `no valid delta in ${name}: ${problems === 1 ? `its one ${unit.slice(0, -1)} is` : `all ${problems} ${unit} are`} bad`,
    );
  }
  if (traces === 0)
    log.warn('the recording produced no traces', { file: name, deltas: summary?.deltas ?? 0 });
  return 0;
}
