import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delta } from '../../src/model/delta.js';
import { Forest, replayWithEngine, shuffleWithinWindows } from './trees.js';
import {
  delta as d,
  deployment,
  pod,
  replicaSet,
  replicaSetRef,
  scheduled,
  specWrite,
  T0,
} from './watch-fixture.js';

// A spec change stamped in second S (managedFields) and observed 300 ms into it: the
// Deployments watch delivered late, while the scheduler's Event about a Pod it caused
// carries an exact eventTime 100 ms into S (as in restart-after-three-rollouts.jsonl,
// where the Update root started 15 ms after its Pod's Scheduled).
const S = 10;

const web = (generation: number, written: number): unknown =>
  deployment({
    generation,
    managedFields: [
      specWrite('kubectl-client-side-apply', 0),
      ...(generation > 1 ? [specWrite('kubectl-set', written)] : []),
    ],
  });
const WEB_A = replicaSetRef('web-a', 'rs1');
const WEB_B = replicaSetRef('web-b', 'rs2');

const deltas: Delta[] = [
  // The Create, each write observed as it was stamped: the offset estimate is 0.
  d(0, 'ADDED', web(1, 0)),
  d(0, 'ADDED', replicaSet({ name: 'web-a', uid: 'rs1', created: 0 })),
  d(0, 'ADDED', pod({ uid: 'p1', name: 'web-a-1', owner: WEB_A, created: 0 })),
  d(0.2, 'ADDED', scheduled('s1', 'web-a-1', 'p1', 0.2)),
  // The Update, stamped S, observed at S + 0.3; its first Pod scheduled at S + 0.1 exactly.
  d(S + 0.3, 'MODIFIED', web(2, S)),
  d(S + 0.31, 'ADDED', replicaSet({ name: 'web-b', uid: 'rs2', created: S })),
  d(S + 0.32, 'ADDED', pod({ uid: 'p2', name: 'web-b-1', owner: WEB_B, created: S })),
  d(S + 0.33, 'ADDED', scheduled('s2', 'web-b-1', 'p2', S + 0.1)),
];

describe('a spec change observed late', () => {
  for (const [label, input] of [
    ['in order', deltas],
    ['shuffled', shuffleWithinWindows(deltas, 11)],
  ] as const) {
    it(`starts no later than its consequence's exact eventTime, within its own second (${label})`, () => {
      const forest = new Forest(replayWithEngine(input).records);
      const sched = forest.event('s2');
      assert.equal(sched.span.startTime, T0 + (S + 0.1) * 1000);
      const root = forest.rootTrace('Deployment.Update').root;
      assert.equal(sched.trace.traceId, root.traceId);
      assert.equal(root.startTime, T0 + (S + 0.1) * 1000);
      for (const s of sched.trace.spans)
        assert.ok(s.startTime >= root.startTime, `${s.name} before its root`);
    });
  }
});
