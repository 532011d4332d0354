import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MergedTrace } from '../../src/assembly/merge-records.js';
import type { Delta } from '../../src/model/delta.js';
import { Forest, replayWithEngine, shuffleWithinWindows } from './trees.js';

// A capture that lists a StatefulSet (no Events in the list: traced as first seen) whose state
// shows it done at resourceVersion 100, then the statefulset controller's Events of a rolling
// update: it deletes db-1 and creates it again, acting on the StatefulSet's write 200 (as in
// kspan's statefulset-rollout-flux.yaml, whose listed StatefulSet is older than the Events that
// name it, and whose rollout had ended 32 s before ingester-3 was created again).
const T0 = Date.parse('2021-02-17T14:20:00Z');
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();
const d = (s: number, type: Delta['type'], object: unknown, initial = false): Delta => ({
  time: T0 + s * 1000,
  type,
  object,
  ...(initial ? { initial: true } : {}),
});

const statefulSet = (rv: number, done: boolean): unknown => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'default', uid: 'sts', resourceVersion: String(rv), generation: 2 },
  spec: { replicas: 2 },
  status: {
    observedGeneration: 2,
    replicas: 2,
    readyReplicas: done ? 2 : 1,
    currentRevision: done ? 'db-new' : 'db-old',
    updateRevision: 'db-new',
  },
});
const event = (uid: string, at: number, reason: string, note: string, stsRv: number): unknown => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: `db.${uid}`, namespace: 'default', uid, creationTimestamp: iso(at) },
  involvedObject: {
    kind: 'StatefulSet',
    namespace: 'default',
    name: 'db',
    uid: 'sts',
    apiVersion: 'apps/v1',
    resourceVersion: String(stsRv),
  },
  reason,
  message: note,
  source: { component: 'statefulset-controller' },
  firstTimestamp: iso(at),
  lastTimestamp: iso(at),
  count: 1,
  type: 'Normal',
});

/** The capture: the list at 0 s, the update's Events naming the StatefulSet's write `actedRv`. */
function capture(actedRv: number, later: Delta[] = []): Delta[] {
  return [
    d(0, 'ADDED', statefulSet(100, true), true),
    d(
      1,
      'ADDED',
      event('e1', 1, 'SuccessfulDelete', 'delete Pod db-1 in StatefulSet db successful', actedRv),
    ),
    d(
      40,
      'ADDED',
      event('e2', 40, 'SuccessfulCreate', 'create Pod db-1 in StatefulSet db successful', actedRv + 1),
    ),
    ...later,
  ];
}

function updateTrace(deltas: readonly Delta[]): MergedTrace {
  const traces = new Forest(replayWithEngine(deltas).records).traces;
  assert.equal(traces.length, 1, 'one trace');
  const t = traces[0];
  if (t === undefined || t.root.name !== 'StatefulSet.Update') throw new Error('no StatefulSet.Update trace');
  return t;
}

describe('a "done" read off a listed root state that a controller acted after', () => {
  for (const [label, deltas] of [
    ['in order', capture(200)],
    ['shuffled', shuffleWithinWindows(capture(200), 5)],
  ] as const) {
    it(`does not end the intent: its Events go out in one trace, still open (${label})`, () => {
      const t = updateTrace(deltas);
      assert.equal(t.end, 'shutdown');
      assert.equal(t.records, 1, 'no late record');
      assert.equal(t.spans.length, 3);
      for (const s of t.spans) assert.ok(s.startTime <= t.root.endTime, `${s.name} after the root ended`);
    });
  }

  it('ends it when the Events name a write no later than the state listed', () => {
    // The list was taken after the writes the controller acted on: its "done" stands, and the
    // trace goes out once quiet, the later create as a late record (as before).
    const t = updateTrace(capture(50));
    assert.equal(t.end, 'converged');
  });

  it('ends it at a newer state of the root that shows it done, in any arrival order', () => {
    const later = [d(41, 'MODIFIED', statefulSet(300, false)), d(42, 'MODIFIED', statefulSet(310, true))];
    for (const deltas of [capture(200, later), shuffleWithinWindows(capture(200, later), 9)]) {
      const t = updateTrace(deltas);
      assert.equal(t.end, 'converged');
      assert.ok(t.root.endTime >= T0 + 40_000, 'not before the create it followed');
    }
  });
});
