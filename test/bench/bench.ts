/**
 * `npm run bench`: replays a large synthetic cluster recording through the whole
 * pipeline (JSON Lines parse → engine → OTLP-JSON encoder) and reports throughput,
 * memory per tracked object, and the floor ratio against bare JSON.parse.
 * Targets (reported, not asserted): ≥ 50,000 deltas/s, ≤ 1 KiB heap per tracked
 * object, floor ratio ≥ 0.40. The last line is a JSON object for scripts.
 *
 *   node --expose-gc dist/test/bench/bench.js [--deployments N] [--objects N] [--seed N]
 */
import { parseArgs } from 'node:util';
import { TraceEngine } from '../../src/assembly/trace-engine.js';
import { ManualClock } from '../../src/model/clock.js';
import { ALIGN_DELAY_MS } from '../../src/model/clock-offset.js';
import { generateClusterRecording } from './cluster-generator.js';
import { type PipelineCounts, runPipeline } from './pipeline-run.js';
import { syntheticPod } from './synthetic-pod.js';

const { values } = parseArgs({
  options: {
    deployments: { type: 'string', default: '2500' },
    objects: { type: 'string', default: '100000' },
    seed: { type: 'string', default: '42' },
  },
});
const deployments = Number(values.deployments);
const objects = Number(values.objects);
const seed = Number(values.seed);
for (const [k, v] of Object.entries({ deployments, objects, seed })) {
  if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`--${k} must be a non-negative integer`);
}

const gc = (globalThis as { gc?: () => void }).gc;
function collect(): void {
  if (gc === undefined) return;
  for (let i = 0; i < 3; i++) gc();
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

let t = performance.now();
const recording = generateClusterRecording({ deployments, seed });
const lines = recording.lines;
let bytes = 0;
for (const l of lines) bytes += l.length;
console.log(
  `generated ${fmt(lines.length)} deltas (${fmt(recording.deployments)} deployments, ${fmt(recording.pods)} pods, ${fmt(recording.events)} events, ${(bytes / 2 ** 20).toFixed(0)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`,
);

/** The floor: JSON.parse alone over the same lines. Best of two, to discount warm-up. */
function floorRun(): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 2; run++) {
    collect();
    const start = performance.now();
    let sink = 0;
    for (const l of lines) {
      const v: unknown = JSON.parse(l);
      if (v !== null) sink++;
    }
    const ms = performance.now() - start;
    if (sink !== lines.length) throw new Error('floor run lost lines');
    best = Math.min(best, ms);
  }
  return best;
}

/** The full pipeline, the way `kubetrail replay --exporter json` runs it, timed. */
function pipelineRun(): PipelineCounts & { readonly ms: number } {
  collect();
  const start = performance.now();
  const counts = runPipeline(lines, { encode: true });
  return { ms: performance.now() - start, ...counts };
}

/**
 * Heap per tracked object: fill a fresh graph with N Pods, collect, divide. Each Pod
 * is parsed from its JSON, as a watch delivers it (flat strings, not the ropes its
 * template literals build), and every delta is applied before the heap is measured
 * (each waits ALIGN_DELAY_MS first; at most --max-pending wait).
 */
function heapPerObject(n: number): number {
  if (n === 0) return 0;
  const clock = new ManualClock(Date.UTC(2026, 10, 22));
  const engine = new TraceEngine({ clock, limits: { maxObjects: n + 10 } });
  collect();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) {
    const object: unknown = JSON.parse(JSON.stringify(syntheticPod(i)));
    engine.apply({ time: clock.now(), type: 'ADDED', initial: true, object });
  }
  clock.advanceTo(clock.now() + ALIGN_DELAY_MS);
  engine.tick();
  collect();
  const after = process.memoryUsage().heapUsed;
  const tracked = engine.stats().objects;
  if (tracked < n * 0.99) console.log(`warning: the graph holds ${fmt(tracked)} of ${fmt(n)} objects`);
  return (after - before) / Math.max(1, tracked);
}

if (gc === undefined) console.log('note: run with --expose-gc for stable memory figures');

const floorMs = floorRun();
console.log(`JSON.parse alone: ${fmt((lines.length / floorMs) * 1000)} deltas/s (${fmt(floorMs)} ms)`);

// One warm-up on a slice would skew the graph; the full run is long enough to amortise JIT.
t = performance.now();
const result = pipelineRun();
const deltasPerSec = (lines.length / result.ms) * 1000;
const spansPerSec = (result.spans / result.ms) * 1000;
console.log(
  `pipeline: ${fmt(deltasPerSec)} deltas/s, ${fmt(spansPerSec)} spans/s (${fmt(result.ms)} ms; ${fmt(result.traces)} traces, ${fmt(result.spans)} spans, ${(result.outputBytes / 2 ** 20).toFixed(0)} MiB OTLP-JSON)`,
);
const rejected = Object.entries(result.rejected);
if (rejected.length > 0)
  console.log(`rejected by the engine: ${rejected.map(([k, v]) => `${k}=${v}`).join(', ')}`);

const heapBytesPerObject = heapPerObject(objects);
console.log(`heap per tracked object: ${fmt(heapBytesPerObject)} bytes (${fmt(objects)} Pods)`);

const floorRatio = floorMs / result.ms;
const peakRssBytes = process.resourceUsage().maxRSS * 1024;
console.log(`floor ratio (pipeline / JSON.parse): ${floorRatio.toFixed(2)}`);
console.log(`peak RSS: ${(peakRssBytes / 2 ** 20).toFixed(0)} MiB`);
console.log(
  `targets: deltas/s ≥ 50,000 ${deltasPerSec >= 50_000 ? 'met' : 'MISSED'}; heap/object ≤ 1024 ${heapBytesPerObject <= 1024 ? 'met' : 'MISSED'}; floor ratio ≥ 0.40 ${floorRatio >= 0.4 ? 'met' : 'MISSED'}`,
);
console.log(
  JSON.stringify({
    deltas: lines.length,
    deltasPerSec: Math.round(deltasPerSec),
    spansPerSec: Math.round(spansPerSec),
    heapBytesPerObject: Math.round(heapBytesPerObject),
    floorRatio: Number(floorRatio.toFixed(3)),
    peakRssBytes,
    traces: result.traces,
    spans: result.spans,
    seed,
  }),
);
