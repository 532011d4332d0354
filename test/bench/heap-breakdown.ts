/**
 * Where the engine's heap goes on the realistic bench input: the same replay as
 * realistic-heap.js, then a V8 heap snapshot of the process, its dominator tree, and
 * the self size of every object the engine alone holds, summed by its path from the
 * engine (field names; array elements and hash-table slots collapsed to `[]`).
 * "Retained" of a path is what dropping it would free. A developer's tool, not a test.
 *
 * With `--pods N`, the bench's synthetic Pods instead (its "heap per tracked object").
 *
 *   node --expose-gc dist/test/bench/heap-breakdown.js [--deployments 1000 | --pods 100000] [--seed 42] [--depth 4] [--top 40]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { TraceEngine } from '../../src/assembly/trace-engine.js';
import { ManualClock } from '../../src/model/clock.js';
import { ALIGN_DELAY_MS } from '../../src/model/clock-offset.js';
import { JsonLinesParser } from '../../src/sources/recording/json-lines.js';
import { generateClusterRecording } from './cluster-generator.js';
import { syntheticPod } from './synthetic-pod.js';

const { values } = parseArgs({
  options: {
    deployments: { type: 'string', default: '1000' },
    pods: { type: 'string', default: '0' },
    seed: { type: 'string', default: '42' },
    depth: { type: 'string', default: '4' },
    top: { type: 'string', default: '40' },
  },
});
const deployments = Number(values.deployments);
const pods = Number(values.pods);
if (!Number.isSafeInteger(pods) || pods < 0) throw new TypeError('--pods must be a non-negative integer');
const seed = Number(values.seed);
const depth = Number(values.depth);
const top = Number(values.top);
for (const [k, v] of Object.entries({ deployments, seed, depth, top })) {
  if (!Number.isSafeInteger(v) || v < 1) throw new TypeError(`--${k} must be a positive integer`);
}

/** The engine after the realistic replay, the recording itself let go of. */
function replayed(): { engine: TraceEngine; liveObjects: number } {
  if (pods > 0) {
    const clock = new ManualClock(Date.UTC(2026, 10, 22));
    const engine = new TraceEngine({ clock, limits: { maxObjects: pods + 10 } });
    // As bench.js measures them: parsed from JSON, every delta applied.
    for (let i = 0; i < pods; i++) {
      const object: unknown = JSON.parse(JSON.stringify(syntheticPod(i)));
      engine.apply({ time: clock.now(), type: 'ADDED', initial: true, object });
    }
    clock.advanceTo(clock.now() + ALIGN_DELAY_MS);
    engine.tick();
    return { engine, liveObjects: engine.stats().objects };
  }
  const lines = generateClusterRecording({ deployments, seed }).lines;
  const parser = new JsonLinesParser('heap-breakdown');
  const clock = new ManualClock();
  const engine = new TraceEngine({ clock });
  let last = 0;
  for (const line of lines) {
    const delta = parser.parseLine(line);
    if (delta === undefined) continue;
    clock.advanceTo(delta.time);
    last = delta.time;
    engine.apply(delta);
    engine.tick();
  }
  clock.advanceTo(last + 60_000);
  engine.tick();
  return { engine, liveObjects: engine.stats().objects };
}

interface Snapshot {
  snapshot: {
    meta: { node_fields: string[]; edge_fields: string[]; node_types: [string[]]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

const { engine, liveObjects } = replayed();
(globalThis as { gc?: () => void }).gc?.();
const dir = mkdtempSync(join(tmpdir(), 'kubetrail-heap-'));
const file = writeHeapSnapshot(join(dir, 'engine.heapsnapshot'));
const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
rmSync(dir, { recursive: true, force: true });
// Keep the engine alive until the snapshot is written.
if (engine.stats().objects !== liveObjects) throw new Error('unreachable');

const meta = snap.snapshot.meta;
const NF = meta.node_fields.length;
const EF = meta.edge_fields.length;
const nType = meta.node_fields.indexOf('type');
const nName = meta.node_fields.indexOf('name');
const nSelf = meta.node_fields.indexOf('self_size');
const nEdges = meta.node_fields.indexOf('edge_count');
const eType = meta.edge_fields.indexOf('type');
const eName = meta.edge_fields.indexOf('name_or_index');
const eTo = meta.edge_fields.indexOf('to_node');
const nodeTypes = meta.node_types[0];
const edgeTypes = meta.edge_types[0];
const weak = edgeTypes.indexOf('weak');
const shortcut = edgeTypes.indexOf('shortcut');
const element = edgeTypes.indexOf('element');
const hidden = edgeTypes.indexOf('hidden');
const N = snap.nodes.length / NF;

const firstEdge = new Uint32Array(N + 1);
for (let i = 0, e = 0; i < N; i++) {
  firstEdge[i] = e;
  e += snap.nodes[i * NF + nEdges] ?? 0;
}
firstEdge[N] = snap.edges.length / EF;
const at = (a: number[], i: number): number => a[i] ?? 0;
const target = (e: number): number => at(snap.edges, e * EF + eTo) / NF;
const strong = (e: number): boolean => {
  const t = at(snap.edges, e * EF + eType);
  return t !== weak && t !== shortcut;
};

// Depth-first postorder from the root (node 0), strong edges only.
const order = new Int32Array(N).fill(-1);
const post: number[] = [];
{
  const stack = [0];
  const next = new Uint32Array(N);
  order[0] = -2;
  for (let i = 0; i < N; i++) next[i] = firstEdge[i] ?? 0;
  while (stack.length > 0) {
    const v = stack[stack.length - 1] ?? 0;
    const end = firstEdge[v + 1] ?? 0;
    let pushed = false;
    while ((next[v] ?? 0) < end) {
      const e = next[v] ?? 0;
      next[v] = e + 1;
      if (!strong(e)) continue;
      const w = target(e);
      if (order[w] !== -1) continue;
      order[w] = -2;
      stack.push(w);
      pushed = true;
      break;
    }
    if (!pushed) {
      stack.pop();
      order[v] = post.length;
      post.push(v);
    }
  }
}
// Predecessors (strong edges between reachable nodes).
const predCount = new Uint32Array(N + 1);
for (let v = 0; v < N; v++) {
  if ((order[v] ?? -1) < 0) continue;
  for (let e = firstEdge[v] ?? 0; e < (firstEdge[v + 1] ?? 0); e++)
    if (strong(e) && (order[target(e)] ?? -1) >= 0)
      predCount[target(e) + 1] = (predCount[target(e) + 1] ?? 0) + 1;
}
for (let i = 0; i < N; i++) predCount[i + 1] = (predCount[i + 1] ?? 0) + (predCount[i] ?? 0);
const preds = new Uint32Array(predCount[N] ?? 0);
{
  const fill = predCount.slice();
  for (let v = 0; v < N; v++) {
    if ((order[v] ?? -1) < 0) continue;
    for (let e = firstEdge[v] ?? 0; e < (firstEdge[v + 1] ?? 0); e++) {
      if (!strong(e)) continue;
      const w = target(e);
      if ((order[w] ?? -1) < 0) continue;
      const slot = fill[w] ?? 0;
      preds[slot] = v;
      fill[w] = slot + 1;
    }
  }
}
// Cooper, Harvey and Kennedy's iterative dominators, over postorder numbers.
const idom = new Int32Array(N).fill(-1);
idom[0] = 0;
const intersect = (a: number, b: number): number => {
  let x = a;
  let y = b;
  while (x !== y) {
    while ((order[x] ?? 0) < (order[y] ?? 0)) x = idom[x] ?? 0;
    while ((order[y] ?? 0) < (order[x] ?? 0)) y = idom[y] ?? 0;
  }
  return x;
};
for (let changed = true; changed; ) {
  changed = false;
  for (let k = post.length - 2; k >= 0; k--) {
    const v = post[k] ?? 0;
    let d = -1;
    for (let p = predCount[v] ?? 0; p < (predCount[v + 1] ?? 0); p++) {
      const u = preds[p] ?? 0;
      if (idom[u] === -1) continue;
      d = d === -1 ? u : intersect(u, d);
    }
    if (d !== -1 && idom[v] !== d) {
      idom[v] = d;
      changed = true;
    }
  }
}
const retained = new Float64Array(N);
for (const v of post) retained[v] = (retained[v] ?? 0) + at(snap.nodes, v * NF + nSelf);
for (const v of post)
  if (v !== 0) retained[idom[v] ?? 0] = (retained[idom[v] ?? 0] ?? 0) + (retained[v] ?? 0);

const nameOf = (v: number): string => snap.strings[at(snap.nodes, v * NF + nName)] ?? '';
const typeOf = (v: number): string => nodeTypes[at(snap.nodes, v * NF + nType)] ?? '';
let engineNode = -1;
for (let v = 0; v < N; v++) {
  if (typeOf(v) === 'object' && nameOf(v) === 'TraceEngine' && (order[v] ?? -1) >= 0) engineNode = v;
}
if (engineNode < 0) throw new Error('no TraceEngine in the snapshot');

/** The label of the edge from `from` to its dominated `to`: field name, `[]` for elements and slots. */
function edgeLabel(from: number, to: number): string {
  // Shared with a sibling: named by what it is (strings by their type, not their text).
  let label = typeOf(to).includes('string') ? `<${typeOf(to)}>` : `<${nameOf(to)}>`;
  for (let e = firstEdge[from] ?? 0; e < (firstEdge[from + 1] ?? 0); e++) {
    if (target(e) !== to || !strong(e)) continue;
    const t = at(snap.edges, e * EF + eType);
    const raw = at(snap.edges, e * EF + eName);
    if (t === element || t === hidden) return '[]';
    const name = snap.strings[raw] ?? '';
    // Hash tables, backing stores and descriptor arrays are the container's own.
    if (name === 'table' || name === 'elements' || name === 'properties' || name === 'map') return '';
    label = name;
    if (!/^\d+$/.test(name)) return name;
    return '[]';
  }
  return label;
}

// Dominator-tree children of each node.
const kidStart = new Uint32Array(N + 1);
for (let v = 0; v < N; v++)
  if (v !== 0 && idom[v] !== -1) kidStart[(idom[v] ?? 0) + 1] = (kidStart[(idom[v] ?? 0) + 1] ?? 0) + 1;
for (let i = 0; i < N; i++) kidStart[i + 1] = (kidStart[i + 1] ?? 0) + (kidStart[i] ?? 0);
const kids = new Uint32Array(kidStart[N] ?? 0);
{
  const fill = kidStart.slice();
  for (let v = 0; v < N; v++) {
    if (v === 0 || idom[v] === -1) continue;
    const p = idom[v] ?? 0;
    const slot = fill[p] ?? 0;
    kids[slot] = v;
    fill[p] = slot + 1;
  }
}
const byPath = new Map<string, { self: number; count: number }>();
const walk: { v: number; path: string[] }[] = [{ v: engineNode, path: [] }];
while (walk.length > 0) {
  const item = walk.pop();
  if (item === undefined) break;
  const key = item.path.slice(0, depth).join('.') || '(engine)';
  const entry = byPath.get(key) ?? { self: 0, count: 0 };
  entry.self += at(snap.nodes, item.v * NF + nSelf);
  entry.count += 1;
  byPath.set(key, entry);
  for (let k = kidStart[item.v] ?? 0; k < (kidStart[item.v + 1] ?? 0); k++) {
    const w = kids[k] ?? 0;
    const label = edgeLabel(item.v, w);
    walk.push({ v: w, path: label === '' ? item.path : [...item.path, label] });
  }
}
const total = retained[engineNode] ?? 0;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
console.log(
  `engine retains ${(total / 2 ** 20).toFixed(1)} MiB for ${fmt(liveObjects)} live objects: ${fmt(total / liveObjects)} bytes per live object`,
);
const rows = [...byPath.entries()].sort((a, b) => b[1].self - a[1].self).slice(0, top);
for (const [path, { self, count }] of rows) {
  console.log(
    `${fmt(self / liveObjects).padStart(7)} B/obj ${((100 * self) / total).toFixed(1).padStart(5)} %  ${fmt(count).padStart(9)} objects  ${path}`,
  );
}
