import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { lagged } from '../scenarios/clock-skew.js';
import { listedAfter } from './restart-cut.js';
import { Forest, replayWithEngine, repoRoot, shuffleWithinWindows } from './trees.js';

// `kubectl delete namespace` of a namespace holding Deployment web (3 Pods) and a bare Pod,
// recorded from the local stack (Kubernetes 1.37). The namespace controller deletes the Pods
// first (02:23:46, grace 30 s), waits until they are gone, and deletes the ReplicaSet and the
// Deployment in the background 5 s later (02:23:51). Nothing replaces the Pods: the
// ReplicaSet, still asking for 3, may not create in a terminating namespace.
const FILE = 'test/fixtures/live/namespace-deleted.jsonl';
const deltas = parseRecording(readFileSync(path.join(repoRoot(), FILE), 'utf8'), FILE);
const WEB_PODS = ['web-575b656585-d2gjf', 'web-575b656585-jg9ns', 'web-575b656585-v6vlr'];

/** The trace roots (name and object), sorted, and the root each Pod's termination is in. */
function placements(forest: Forest): { roots: string[]; terminations: Map<string, string> } {
  const roots: string[] = [];
  const terminations = new Map<string, string>();
  for (const t of forest.traces) {
    const root = t.spans.find((s) => s.parentSpanId === undefined);
    const label = `${root?.name ?? '?'} ${String(root?.attributes['k8s.pod.name'] ?? root?.attributes['k8s.replicaset.name'] ?? root?.attributes['k8s.deployment.name'] ?? '')}`;
    roots.push(label);
    for (const s of t.spans) {
      if (s.name !== 'Pod.Termination') continue;
      terminations.set(String(s.attributes['k8s.pod.name']), label);
      assert.ok(
        root !== undefined && s.startTime >= root.startTime,
        `${s.attributes['k8s.pod.name']}'s termination starts before its root ${label}`,
      );
    }
  }
  return { roots: roots.sort(), terminations };
}

describe('a namespace deleted: the namespace controller deletes the Pods before their Deployment', () => {
  const cases: [string, Parameters<typeof replayWithEngine>[0], Parameters<typeof replayWithEngine>[1]][] = [
    ['in order', deltas, {}],
    // The Deployment's delete comes as long after the Pods' as the kubelet takes to kill
    // them (up to their grace period): longer than the quiet time.
    ['in order, quiet time shorter than the gap', deltas, { settleMs: 1000 }],
    ['shuffled', shuffleWithinWindows(deltas, 3), {}],
    ['lagged 0–2 s', lagged(deltas, 2), {}],
  ];
  for (const [label, input, options] of cases) {
    it(`roots each Pod's termination at its own delete, never in the long-finished Create (${label})`, () => {
      const { roots, terminations } = placements(new Forest(replayWithEngine(input, options).records));
      for (const pod of WEB_PODS) assert.equal(terminations.get(pod), `Pod.Delete ${pod}`, pod);
      assert.deepEqual(roots, [
        'Deployment.Create web',
        'Deployment.Delete web',
        'Pod.Create solo',
        'Pod.Delete solo',
        ...WEB_PODS.map((p) => `Pod.Delete ${p}`),
        'ReplicaSet.Delete web-575b656585',
      ]);
    });
  }
});

describe('a namespace deleted after a restart: its Pods came with the list', () => {
  it("roots each Pod's termination at its own delete when the list showed their ReplicaSet settled", () => {
    // Cut 25: the rollout done and the ReplicaSet's status counting its 3 Pods, the bare Pod made.
    const records = replayWithEngine(listedAfter(deltas, 25), { listIsHistory: true }).records;
    const { terminations } = placements(new Forest(records));
    for (const pod of WEB_PODS) assert.equal(terminations.get(pod), `Pod.Delete ${pod}`, pod);
  });
});
