import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MergedTrace } from '../../src/assembly/merge-records.js';
import type { ClockSample } from '../../src/model/clock-sample.js';
import type { Delta } from '../../src/model/delta.js';
import { Forest, replayWithEngine, shuffleWithinWindows } from './trees.js';
import {
  coreEvent,
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
  WEB,
} from './watch-fixture.js';

// A root that never converges (the recording ends first: cut off at shutdown) ends at its
// last span, which a later delta of its trace showed, converted with the tightest offset
// bound of the trace. Its start, observed in the run's first second or through a late watch,
// was converted with a looser bound, and came out early in its second by the difference.
const S = 10;

function rootTrace(deltas: readonly Delta[], name: string): MergedTrace {
  return new Forest(replayWithEngine(deltas).records).rootTrace(name);
}

function assertNoSpanBeforeRoot(t: MergedTrace): void {
  for (const s of t.spans) assert.ok(s.startTime >= t.root.startTime, `${s.name} before its root`);
}

describe('a root cut off at shutdown whose start was converted with a looser bound than its trace later gave', () => {
  // Created 890 ms into S and observed 10 ms later, the run's first delta: no other bound is
  // observed within the second after it, so it is converted with its own, 900 ms, and its
  // creation refines to S itself. The ReplicaSet's watch then delivers a second late; the
  // scheduler's Event, exactly timed and observed 10 ms after, bounds the offset to 10 ms.
  // No status write shows the Deployment done before the recording ends.
  const deltas: Delta[] = [
    d(
      S + 0.9,
      'ADDED',
      deployment({ rv: '10', created: S, managedFields: [specWrite('kubectl-create', S)] }),
    ),
    d(S + 2.0, 'ADDED', replicaSet({ name: 'web-a', uid: 'rs1', rv: '11', created: S })),
    d(
      S + 2.06,
      'ADDED',
      pod({ uid: 'p1', name: 'web-a-1', owner: replicaSetRef('web-a', 'rs1'), rv: '12', created: S + 2 }),
    ),
    d(S + 2.11, 'ADDED', scheduled('s1', 'web-a-1', 'p1', S + 2.1)),
  ];
  for (const [label, input] of [
    ['in order', deltas],
    ['shuffled', shuffleWithinWindows(deltas, 7)],
  ] as const) {
    it(`starts where the trace's tightest bound puts it (${label})`, () => {
      const t = rootTrace(input, 'Deployment.Create');
      assert.equal(t.root.attributes['kubetrail.trace.end'], 'shutdown');
      // Its creation's second, refined by its delta less 10 ms, not S.
      assert.equal(t.root.startTime, ms(S + 0.89));
      assertNoSpanBeforeRoot(t);
    });
  }
});

describe('an intent opened from its consequences, its list converted with a loose bound', () => {
  // A capture begun mid-rollout whose watches deliver late (as kspan's deployment-2-pods.yaml
  // lagged): the Deployment (spec changed at S) is listed 1.225 s into S and its new
  // ReplicaSet (created at S) 1.3 s in. The only bound observed by a second after them is
  // 1.2 s (an Event stamped S + 1, observed 2.2 s in), so they refine to S + 25 ms and
  // S + 100 ms. The deployment controller's step, stamped S, is observed 2.108 s in (S + 908
  // ms). An Event stamped S + 5, observed 5.8 s in, bounds the offset to 800 ms.
  const S2 = 20;
  const webB = replicaSet({ name: 'web-b', uid: 'rs-b', rv: '99', created: S2 });
  const about = (uid: string, reason: string, message: string, at: number): unknown =>
    coreEvent({ uid, about: WEB, component: 'deployment-controller', reason, message, at, created: at });
  const capture: Delta[] = [
    d(
      S2 + 1.225,
      'ADDED',
      deployment({
        rv: '100',
        generation: 2,
        managedFields: [specWrite('kubectl-set', S2)],
        status: { observedGeneration: 1, replicas: 1 },
      }),
      true,
    ),
    d(S2 + 1.3, 'ADDED', webB, true),
    d(S2 + 2.108, 'ADDED', about('step', 'ScalingReplicaSet', 'Scaled up replica set web-b to 1', S2)),
    d(
      S2 + 2.15,
      'ADDED',
      coreEvent({
        uid: 'create',
        about: replicaSetRef('web-b', 'rs-b'),
        component: 'replicaset-controller',
        reason: 'SuccessfulCreate',
        message: 'Created pod: web-b-1',
        at: S2,
        created: S2,
      }),
    ),
    d(S2 + 2.2, 'ADDED', about('early', 'Synced', 'synced', S2 + 1)),
    d(S2 + 5.8, 'ADDED', about('late', 'Synced', 'synced again', S2 + 5)),
  ];
  for (const [label, input] of [
    ['in order', capture],
    ['shuffled', shuffleWithinWindows(capture, 3)],
  ] as const) {
    it(`starts where the trace's tightest bound puts its list, its consequences compared at that bound (${label})`, () => {
      const t = rootTrace(input, 'Deployment.Update');
      // The list's delta less 800 ms: S + 425 ms, not S + 25 ms. The ReplicaSet's creation,
      // converted again alike (S + 500 ms), comes after it and bounds nothing.
      assert.equal(t.root.startTime, ms(S2 + 0.425));
      const lifecycle = t.spans.find((s) => s.name === 'ReplicaSet.Lifecycle');
      // Drawn from its root's start, as any span that came out before it.
      assert.equal(lifecycle?.startTime, ms(S2 + 0.425));
      assertNoSpanBeforeRoot(t);
    });
  }
});

describe('a root cut off at shutdown after the watcher clock stepped ahead', () => {
  // The Deployment created at S and observed 20 ms later, its rollout done at S + 1 (a
  // reading at S + 0.5 agrees: the clocks agree). Then the watcher's clock steps 5 s ahead: a
  // reading at S + 15 (its clock), answered by a Date of S + 10, proves it. The update stamped
  // S + 11 is observed at S + 16.3, converted with that reading's 5,010 ms, and never converges.
  // The group's tightest bound, 20 ms, is from before the step and no bound of the offset now.
  const S3 = 30;
  const sample = (sent: number, date: number): ClockSample => ({
    sentAt: ms(S3 + sent),
    receivedAt: ms(S3 + sent + 0.01),
    serverDate: ms(S3 + date),
  });
  const status = {
    observedGeneration: 1,
    replicas: 1,
    updatedReplicas: 1,
    availableReplicas: 1,
    readyReplicas: 1,
    conditions: [{ type: 'Available', status: 'True', lastTransitionTime: iso(S3 + 1) }],
  };
  const deltas: Delta[] = [
    d(
      S3 + 0.02,
      'ADDED',
      deployment({ rv: '10', created: S3, managedFields: [specWrite('kubectl-create', S3)] }),
    ),
    d(
      S3 + 1.02,
      'MODIFIED',
      deployment({
        rv: '11',
        created: S3,
        managedFields: [specWrite('kubectl-create', S3), statusWrite(S3 + 1)],
        status,
      }),
    ),
    d(
      S3 + 16.3,
      'MODIFIED',
      deployment({
        rv: '20',
        generation: 2,
        created: S3,
        managedFields: [specWrite('kubectl-set', S3 + 11), statusWrite(S3 + 1)],
        status,
      }),
    ),
  ];
  const clockSamples = [sample(0.5, 0), sample(15, 10)];

  it('keeps the start its own regime converted it to', () => {
    const t = new Forest(replayWithEngine(deltas, { clockSamples }).records).rootTrace('Deployment.Update');
    assert.equal(t.root.attributes['kubetrail.trace.end'], 'shutdown');
    // 16.3 s less 5,010 ms, not 16.3 s less 20 ms (past its second: S + 11.999).
    assert.equal(t.root.startTime, ms(S3 + 11.29));
  });
});
