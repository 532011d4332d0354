import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { repoRoot } from './trees.js';

/**
 * A restart, derived from a real recording: kubetrail stops after delta `cut`
 * and a new instance lists the cluster (the latest state of every object and
 * Event seen so far, marked initial), then watches the rest.
 */
const LIVE = path.join(repoRoot(), 'test/fixtures/live');

function load(name: string): Delta[] {
  return parseRecording(readFileSync(path.join(LIVE, name), 'utf8'), name);
}

function uidOf(d: Delta): string {
  return String((d.object as { metadata?: { uid?: string } }).metadata?.uid);
}

function deploymentGeneration(d: Delta): number | undefined {
  const o = d.object as { kind?: string; metadata?: { generation?: number } };
  return o.kind === 'Deployment' ? o.metadata?.generation : undefined;
}

function restartAt(deltas: readonly Delta[], cut: number): Delta[] {
  const latest = new Map<string, Delta>();
  for (const d of deltas.slice(0, cut)) {
    if (d.type === 'DELETED') latest.delete(uidOf(d));
    else latest.set(uidOf(d), d);
  }
  const listedAt = deltas[cut]?.time ?? 0;
  const initial: Delta[] = [...latest.values()].map((d) => ({
    time: listedAt,
    type: 'ADDED',
    object: d.object,
    initial: true,
  }));
  return [...initial, ...deltas.slice(cut)];
}

/** The Deployment's trace ids by generation (`delete` for a delete intent), and whether each is partial. */
function deploymentTraces(
  records: readonly TraceRecord[],
): Map<string, { traceId: string; partial: boolean }> {
  const out = new Map<string, { traceId: string; partial: boolean }>();
  for (const r of records) {
    const root = r.spans.find((s) => s.parentSpanId === undefined);
    if (root === undefined || !root.name.startsWith('Deployment.')) continue;
    const gen = String(root.attributes['kubetrail.intent.generation'] ?? root.name);
    out.set(gen, { traceId: r.traceId, partial: r.partial });
  }
  return out;
}

describe('a restart in the middle of three rollouts', () => {
  const deltas = load('three-rollouts.jsonl');
  // The first delta of the Deployment's generation 4 (its third rollout), then a few more: that rollout is in flight.
  const start4 = deltas.findIndex((d) => deploymentGeneration(d) === 4);
  const cut = start4 + 5;
  const live = replay(deltas);
  const restarted = replay(restartAt(deltas, cut));

  it('emits nothing for the intents that finished before the restart', () => {
    const gens = [...deploymentTraces(restarted).keys()];
    assert.deepEqual(gens, ['4'], `only generation 4 is emitted, got ${gens.join(', ')}`);
    assert.equal(restarted.length, 1, 'one trace in all');
  });

  it('continues the in-flight intent under its live trace id, marked partial', () => {
    const liveIds = deploymentTraces(live);
    const after = deploymentTraces(restarted).get('4');
    assert.ok(after !== undefined);
    assert.equal(after.traceId, liveIds.get('4')?.traceId);
    assert.equal(after.partial, true);
    assert.equal(liveIds.get('4')?.partial, false);
  });
});

describe('a restart after three finished rollouts, then a fourth (recorded live)', () => {
  const three = load('three-rollouts.jsonl');
  const restart = load('restart-after-three-rollouts.jsonl');
  // What one instance watching all along would have seen: the cluster was idle in between.
  const live = replay([...three, ...restart.filter((d) => d.initial !== true)]);
  const restarted = replay(restart);
  const key = (r: TraceRecord, s: TraceRecord['spans'][number]): string =>
    `${r.traceId} ${s.spanId} ${s.parentSpanId ?? '-'} ${s.name}`;

  it('emits no root of the intents that finished before it started', () => {
    const roots = restarted
      .filter((r) => r.late !== true)
      .map((r) => r.root.attributes['kubetrail.intent.generation']);
    assert.deepEqual(roots, [5]);
  });

  it('gives every span the trace id and parent a live run gave it', () => {
    const seen = new Set(live.flatMap((r) => r.spans.map((s) => key(r, s))));
    const spans = restarted.flatMap((r) => r.spans.map((s) => key(r, s)));
    assert.ok(spans.length >= 17, `${spans.length} spans`);
    // The live steps are new occurrences of a combined Event listed at the start: each its own span, as live.
    assert.deepEqual(
      spans.filter((k) => !seen.has(k)),
      [],
    );
  });

  it("puts the old ReplicaSet's deletes under the live rollout's scale-downs, not late into a finished trace", () => {
    assert.equal(restarted.filter((r) => r.late === true).length, 0);
    const [trace] = restarted;
    assert.ok(trace !== undefined);
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    const deletes = trace.spans.filter((s) => s.name === 'ReplicaSet.SuccessfulDelete');
    assert.equal(deletes.length, 3);
    for (const d of deletes) {
      const parent = byId.get(d.parentSpanId ?? '');
      assert.equal(parent?.name, 'Deployment.ScalingReplicaSet', String(d.attributes['k8s.event.note']));
      assert.match(
        String(parent?.attributes['k8s.event.note']),
        /^\(combined from similar events\): Scaled down replica set web-66d974cbc8 /,
      );
    }
  });
});
