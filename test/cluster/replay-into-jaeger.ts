/**
 * Puts the traces of a recording into the local stack's Jaeger the way a user
 * would: `kubetrail replay FILE --exporter otlp`. Ids are deterministic, so a
 * recording's traces have the same ids on every replay; Jaeger's memory store
 * would keep a second copy of every span, so a trace Jaeger already holds is
 * not sent again.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  byTrace,
  eventually,
  type JaegerSpan,
  jaegerTrace,
  repoRoot,
  run,
  spansFromJsonLines,
} from './cluster.js';

/** The local stack's OTLP gRPC receiver (Jaeger). */
export const STACK_OTLP_ENDPOINT = 'http://127.0.0.1:4317';

/** One trace of a replayed recording, as kubetrail exported it. */
export interface ReplayedTrace {
  readonly traceId: string;
  /** The span with no parent in the trace. */
  readonly root: JaegerSpan;
  readonly spans: readonly JaegerSpan[];
}

const CLI = join(repoRoot, 'dist/src/cli/main.js');

/** The traces kubetrail makes of `recording` (json exporter), ordered by the start of their root. */
export async function replayTraces(recording: string): Promise<ReplayedTrace[]> {
  const dir = await mkdtemp(join(tmpdir(), 'kubetrail-replay-'));
  try {
    const out = join(dir, 'spans.jsonl');
    await run(
      process.execPath,
      [CLI, 'replay', recording, '--exporter', 'json', '--output', out],
      process.env,
    );
    const traces: ReplayedTrace[] = [];
    for (const [traceId, spans] of byTrace(spansFromJsonLines(await readFile(out, 'utf8')))) {
      const ids = new Set(spans.map((s) => s.spanId));
      const root = spans.find((s) => !ids.has(s.parentSpanId));
      if (root === undefined) throw new Error(`trace ${traceId} of ${recording} has no root span`);
      traces.push({ traceId, root, spans });
    }
    return traces.sort((a, b) =>
      a.root.startNs < b.root.startNs ? -1 : a.root.startNs > b.root.startNs ? 1 : 0,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function heldSpans(jaegerUrl: string, traceId: string): Promise<number> {
  return (await jaegerTrace(jaegerUrl, traceId))?.length ?? 0;
}

/**
 * Makes Jaeger at `jaegerUrl` hold every trace of `recording`, exactly once,
 * and returns them. Sends the recording over OTLP to `otlpEndpoint` unless
 * Jaeger holds all its traces already. Fails when Jaeger holds some of them
 * with other spans (another kubetrail's output): only a restart of Jaeger
 * clears its memory store.
 */
export async function replayIntoJaeger(
  recording: string,
  jaegerUrl: string,
  otlpEndpoint = STACK_OTLP_ENDPOINT,
): Promise<ReplayedTrace[]> {
  const traces = await replayTraces(recording);
  const held = await Promise.all(traces.map((t) => heldSpans(jaegerUrl, t.traceId)));
  if (traces.every((t, i) => held[i] === t.spans.length)) return traces;
  const stale = traces.flatMap((t, i) =>
    (held[i] ?? 0) > 0 ? [`${t.traceId} (${held[i]} spans, want ${t.spans.length})`] : [],
  );
  if (stale.length > 0) {
    throw new Error(
      `Jaeger at ${jaegerUrl} already holds other spans of ${recording}'s traces: ${stale.join(', ')}. ` +
        'Restart Jaeger to clear its memory store: test/cluster/down.sh jaeger && test/cluster/up.sh',
    );
  }
  await run(
    process.execPath,
    [CLI, 'replay', recording, '--exporter', 'otlp', '--endpoint', otlpEndpoint],
    process.env,
  );
  for (const t of traces) {
    await eventually(`trace ${t.traceId} in Jaeger`, 30_000, async () =>
      (await heldSpans(jaegerUrl, t.traceId)) === t.spans.length ? true : undefined,
    );
  }
  return traces;
}
