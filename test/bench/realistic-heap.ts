/**
 * Engine heap per live object on a realistic input, part of `npm run bench`: the
 * seeded synthetic cluster (Deployments created and rolled out, with their
 * ReplicaSets, Pods and Events, as the real controllers write them) replayed through
 * the engine. When the input ends and every trace that settled is emitted, but before
 * anything ages out, the heap the engine holds (after a full collection) is divided
 * by the objects in its graph; the engine's share is what dropping it frees.
 * Everything the engine keeps is in it: the graph, tombstones, open groups, what
 * emitted traces keep for late spans, the name and rule-target indexes. A printed figure (target ≤ 2 KiB), not a timed test.
 *
 *   node --expose-gc dist/test/bench/realistic-heap.js [--deployments 5000] [--seed 42]
 */
import { parseArgs } from 'node:util';
import { TraceEngine } from '../../src/assembly/trace-engine.js';
import { ManualClock } from '../../src/model/clock.js';
import { JsonLinesParser } from '../../src/sources/recording/json-lines.js';
import { generateClusterRecording } from './cluster-generator.js';

const TARGET_BYTES = 2048;

const { values } = parseArgs({
  options: {
    deployments: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '42' },
  },
});
const deployments = Number(values.deployments);
const seed = Number(values.seed);
for (const [k, v] of Object.entries({ deployments, seed })) {
  if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`--${k} must be a positive integer`);
}

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc: the figure needs full collections');
/** The JavaScript heap plus ArrayBuffers (held outside it), after full collections. */
function heapAfterCollection(): number {
  for (let i = 0; i < 3; i++) gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

const recording = generateClusterRecording({ deployments, seed });
const lines = recording.lines;
const parser = new JsonLinesParser('realistic-heap');
const clock = new ManualClock();
let engine: TraceEngine | undefined = new TraceEngine({ clock });
let traces = 0;
let last = 0;
for (const line of lines) {
  const delta = parser.parseLine(line);
  if (delta === undefined) continue;
  clock.advanceTo(delta.time);
  last = delta.time;
  engine.apply(delta);
  traces += engine.tick().length;
}
// Long enough for every ended intent to settle; far shorter than the retain period.
clock.advanceTo(last + 60_000);
traces += engine.tick().length;
const after = heapAfterCollection();
const stats = engine.stats();
// The engine's share is what dropping it frees: a baseline taken before the replay would
// count the recording's strings as they were before parsing flattened them.
engine = undefined;
const held = after - heapAfterCollection();
const perObject = held / Math.max(1, stats.objects);

console.log(
  `realistic input: ${fmt(recording.deployments)} Deployments, ${fmt(recording.pods)} Pods, ${fmt(recording.events)} Events, ${fmt(lines.length)} deltas; ${fmt(traces)} trace records`,
);
console.log(
  `engine holds ${(held / 2 ** 20).toFixed(1)} MiB for ${fmt(stats.objects)} live objects, ${fmt(stats.tombstones)} tombstones, ${fmt(stats.openTraces)} root groups, ${fmt(stats.pending)} pending`,
);
console.log(
  `heap per live object (realistic): ${fmt(perObject)} bytes, target ≤ ${fmt(TARGET_BYTES)} ${perObject <= TARGET_BYTES ? 'met' : 'MISSED'}`,
);
console.log(
  JSON.stringify({
    deployments: recording.deployments,
    liveObjects: stats.objects,
    engineHeapBytes: held,
    heapBytesPerLiveObject: Math.round(perObject),
    seed,
    lines: lines.length,
  }),
);
