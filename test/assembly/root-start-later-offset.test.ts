import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delta } from '../../src/model/delta.js';
import { Forest, replayWithEngine, shuffleWithinWindows } from './trees.js';
import {
  delta as d,
  deployment,
  iso,
  ms,
  pod,
  replicaSet,
  replicaSetRef,
  scheduled,
  specWrite,
  statusWrite,
} from './watch-fixture.js';

// A run's first delta: a Deployment created 890 ms into second S (the watcher's clock on
// the cluster's), observed 10 ms later. No other offset bound is observed within the
// second after it, so it is converted with its own (900 ms: its lag plus its place in its
// second) and its creation refines to S itself. Its ReplicaSet's and Pod's watch then
// delivers a second late; the scheduler's Event, exactly timed and observed 10 ms after,
// bounds the offset to 10 ms, and the Deployment's done status write is converted with
// that (as tap/node-drain.jsonl lagged: its Create root started 920 ms early).
const S = 10;

const web = (done: boolean): unknown =>
  deployment({
    rv: done ? '20' : '10',
    created: S,
    managedFields: [specWrite('kubectl-create', S), ...(done ? [statusWrite(S + 2)] : [])],
    status: done
      ? {
          observedGeneration: 1,
          replicas: 1,
          updatedReplicas: 1,
          availableReplicas: 1,
          readyReplicas: 1,
          conditions: [{ type: 'Available', status: 'True', lastTransitionTime: iso(S + 2) }],
        }
      : {},
  });
const webA = replicaSet({ name: 'web-a', uid: 'rs1', rv: '11', created: S });
const webA1 = pod({
  uid: 'p1',
  name: 'web-a-1',
  owner: replicaSetRef('web-a', 'rs1'),
  rv: '12',
  created: S + 2,
});

const deltas: Delta[] = [
  d(S + 0.9, 'ADDED', web(false)),
  d(S + 2.0, 'ADDED', webA),
  d(S + 2.06, 'ADDED', webA1),
  d(S + 2.11, 'ADDED', scheduled('s1', 'web-a-1', 'p1', S + 2.1)),
  d(S + 2.2, 'MODIFIED', web(true)),
];

describe("a root whose start was converted with its own stamp's bound alone", () => {
  for (const [label, input] of [
    ['in order', deltas],
    ['shuffled', shuffleWithinWindows(deltas, 7)],
  ] as const) {
    it(`starts where the offset its end was converted with puts it (${label})`, () => {
      const forest = new Forest(replayWithEngine(input).records);
      const root = forest.rootTrace('Deployment.Create').root;
      // The end: the status write's second, refined by its delta less 10 ms.
      assert.equal(root.endTime, ms(S + 2.19));
      // The start: the creation's second, refined by its delta less the same 10 ms, not S.
      assert.equal(root.startTime, ms(S + 0.89));
      const trace = forest.traces.find((t) => t.traceId === root.traceId);
      assert.ok(trace !== undefined && trace.spans.length > 1);
      for (const s of trace.spans) assert.ok(s.startTime >= root.startTime, `${s.name} before its root`);
    });
  }

  it('never starts after a span of its trace, each converted again alike', () => {
    // The ReplicaSet observed promptly this time, 50 ms after the Deployment: converted with
    // the same 900 ms, its creation refines to 50 ms into S, and converted again with the
    // end's 10 ms to 940 ms, after where that puts the Deployment's (890 ms). The root starts
    // there; the ReplicaSet's lifecycle, which came out before it, is drawn from its start.
    const prompt = deltas.map((x) => (x.object === webA ? { ...x, time: ms(S + 0.95) } : x));
    const forest = new Forest(replayWithEngine(prompt).records);
    const root = forest.rootTrace('Deployment.Create').root;
    const trace = forest.traces.find((t) => t.traceId === root.traceId);
    const lifecycle = trace?.spans.find((s) => s.name === 'ReplicaSet.Lifecycle');
    assert.equal(root.startTime, ms(S + 0.89));
    assert.equal(lifecycle?.startTime, ms(S + 0.89));
  });
});
