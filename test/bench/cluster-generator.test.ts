import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { TraceEngine } from '../../src/assembly/trace-engine.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { generateClusterRecording } from './cluster-generator.js';

function digest(lines: readonly string[]): string {
  const h = createHash('sha256');
  for (const l of lines) h.update(l).update('\n');
  return h.digest('hex');
}

describe('generateClusterRecording', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = generateClusterRecording({ deployments: 20, seed: 7 });
    const b = generateClusterRecording({ deployments: 20, seed: 7 });
    const c = generateClusterRecording({ deployments: 20, seed: 8 });
    assert.equal(digest(a.lines), digest(b.lines));
    assert.notEqual(digest(a.lines), digest(c.lines));
  });

  it('writes valid recording lines in time order, with the controllers’ wording', () => {
    const r = generateClusterRecording({ deployments: 10, seed: 1, failureRate: 0 });
    let last = Number.NEGATIVE_INFINITY;
    const kinds = new Map<string, number>();
    const notes: string[] = [];
    for (const line of r.lines) {
      const d = JSON.parse(line) as { time: string; type: string; object: { kind: string; note?: string } };
      assert.ok(['ADDED', 'MODIFIED', 'DELETED'].includes(d.type));
      const t = Date.parse(d.time);
      assert.ok(t >= last, 'time order');
      last = t;
      kinds.set(d.object.kind, (kinds.get(d.object.kind) ?? 0) + 1);
      if (d.object.note !== undefined) notes.push(d.object.note);
    }
    assert.equal(r.pods, 60);
    assert.equal(kinds.get('Deployment'), 10 * 6);
    assert.ok(notes.some((n) => /^Scaled up replica set svc-0-\S+ from 0 to 3$/.test(n)));
    assert.ok(notes.some((n) => /^Scaled down replica set svc-0-\S+ from 3 to 2$/.test(n)));
    assert.ok(notes.some((n) => /^Created pod: svc-0-\S+$/.test(n)));
    assert.ok(notes.some((n) => /^Deleted pod: svc-0-\S+$/.test(n)));
    assert.ok(r.lines.length > 10 * 80, `${r.lines.length} lines`);
  });

  it('replays without rejections into one trace per intent, errors included', () => {
    const r = generateClusterRecording({ deployments: 30, seed: 3, failureRate: 0.2, nodes: 5 });
    const deltas = parseRecording(`${r.lines.join('\n')}\n`, 'generated');
    assert.equal(deltas.length, r.lines.length);
    let engine: TraceEngine | undefined;
    const traces = replay(deltas, { onEngine: (e) => (engine = e) });
    assert.ok(engine);
    assert.deepEqual(Object.entries(engine.stats().rejected), []);
    const firstEmissions = traces.filter((t) => t.late !== true);
    const deploymentRoots = firstEmissions.filter((t) => t.root.name.startsWith('Deployment.'));
    assert.equal(deploymentRoots.length, 60, 'a create and a rollout per Deployment');
    assert.ok(
      deploymentRoots.some((t) => t.hasError),
      'stuck rollouts end in ERROR',
    );
    assert.ok(deploymentRoots.filter((t) => !t.hasError).length >= 40);
  });
});
