import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Delta } from '../../src/model/delta.js';
import type { SpanRecord } from '../../src/model/span-record.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { Forest, replayWithEngine, repoRoot, shuffleWithinWindows } from './trees.js';
import {
  coreEvent,
  delta as d,
  deployment,
  iso,
  pod as podOf,
  replicaSet,
  replicaSetRef,
  T0,
  WEB,
} from './watch-fixture.js';

// A ReplicaSet controller's Events are written by an asynchronous recorder, and the
// occurrences of a combined Event when the recorder gets to them: in
// thirty-replica-rollout.jsonl up to 1.3 s after the Pod they report was created. The
// Pod's own stamps say when the controller acted: its creationTimestamp, its delete
// request, each refined by the delta that first showed it.
const WEB_A = replicaSetRef('web-a', 'rs');
const web = deployment({ replicas: 2 });
const webA = replicaSet({ name: 'web-a', uid: 'rs', created: 0, replicas: 2 });
const pod = (uid: string, name: string, deleting?: number): unknown =>
  podOf({ uid, name, owner: WEB_A, created: 0, deleting, grace: 0 });
const rsEvent = (
  uid: string,
  first: number,
  at: number,
  reason: string,
  message: string,
  count = 1,
): unknown =>
  coreEvent({ uid, about: WEB_A, component: 'replicaset-controller', reason, message, at, first, count });
const step = {
  uid: 'step',
  about: WEB,
  component: 'deployment-controller',
  reason: 'ScalingReplicaSet',
  message: 'Scaled up replica set web-a from 0 to 2',
  first: 0,
  at: 0,
} as const;

const deltas: Delta[] = [
  d(0, 'ADDED', web),
  d(0.01, 'ADDED', webA),
  d(0.015, 'ADDED', coreEvent(step)),
  d(0.1, 'ADDED', pod('p1', 'web-a-1')),
  d(0.2, 'ADDED', pod('p2', 'web-a-2')),
  // Created pod web-a-1: stamped in the Pod's second, observed 0.25 s later.
  d(0.35, 'ADDED', rsEvent('c1', 0, 0, 'SuccessfulCreate', 'Created pod: web-a-1')),
  // Created pod web-a-2: an occurrence of a combined Event, stamped in the next second.
  d(
    1.3,
    'ADDED',
    rsEvent('c2', 0, 1, 'SuccessfulCreate', '(combined from similar events): Created pod: web-a-2', 11),
  ),
  // web-a-1's delete was requested at 2.05 s; its Event stamped a second later.
  d(2.05, 'MODIFIED', pod('p1', 'web-a-1', 2)),
  d(2.1, 'DELETED', pod('p1', 'web-a-1', 2)),
  d(3.2, 'ADDED', rsEvent('d1', 3, 3, 'SuccessfulDelete', 'Deleted pod: web-a-1')),
];

function byName(forest: Forest, name: string, uid: string): SpanRecord {
  for (const t of forest.traces) {
    const s = t.spans.find((x) => x.name === name && x.attributes['k8s.pod.uid'] === uid);
    if (s !== undefined) return s;
  }
  throw new Error(`no ${name} of ${uid}`);
}

describe('an action that created or deleted an object', () => {
  for (const [label, input] of [
    ['in order', deltas],
    ['shuffled', shuffleWithinWindows(deltas, 7)],
  ] as const) {
    it(`starts at that object's own stamp, not at its late Event (${label})`, () => {
      const forest = new Forest(replayWithEngine(input).records);
      const created = forest.event('c1').span;
      assert.equal(created.startTime, byName(forest, 'Pod.Lifecycle', 'p1').startTime);
      assert.deepEqual([created.startTime, created.endTime], [T0 + 100, T0 + 100]);
      const combined = forest.events('c2');
      assert.equal(combined.length, 1);
      assert.deepEqual(
        [combined[0]?.span.startTime, combined[0]?.span.endTime],
        [T0 + 200, T0 + 200],
        'the occurrence of a combined Event starts at the Pod it created',
      );
      const deleted = forest.event('d1').span;
      assert.equal(deleted.startTime, byName(forest, 'Pod.Termination', 'p1').startTime);
      assert.deepEqual([deleted.startTime, deleted.endTime], [T0 + 2050, T0 + 2050]);
    });
  }
});

// job.jsonl: the Job's Complete condition was first seen 12 ms before the job-controller's
// "Job completed" Event, which reports it.
const JOB = 'test/fixtures/live/job.jsonl';

describe('an Event that reports its object’s condition (a rule’s `condition`)', () => {
  const recorded = parseRecording(readFileSync(path.join(repoRoot(), JOB), 'utf8'), JOB);
  for (const [label, input] of [
    ['in order', recorded],
    ['shuffled', shuffleWithinWindows(recorded, 3)],
  ] as const) {
    it(`starts at the condition's transition, where its root converged (${label})`, () => {
      const forest = new Forest(replayWithEngine(input).records);
      const trace = forest.traces.find((t) => t.spans.some((s) => s.name === 'Job.Completed'));
      const root = trace?.spans.find((s) => s.parentSpanId === undefined);
      const completed = trace?.spans.find((s) => s.name === 'Job.Completed');
      assert.ok(root !== undefined && completed !== undefined);
      assert.equal(root.attributes['kubetrail.trace.end'], 'converged');
      assert.equal(completed.startTime, root.endTime);
      assert.equal(completed.endTime, root.endTime);
    });
  }
});

// A scaling step is the ReplicaSet write that asked for its replicas: here the second step
// comes as an occurrence of a combined Event stamped a second after that write.
describe('a scaling step', () => {
  const rsAt = (rv: number, replicas: number, written: number): unknown =>
    replicaSet({
      name: 'web-a',
      uid: 'rs',
      created: 0,
      rv: String(rv),
      generation: replicas,
      replicas,
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          time: iso(written),
          fieldsV1: { 'f:spec': { 'f:replicas': {} } },
        },
      ],
    });
  const stepEvent = (count: number, at: number, message: string): unknown =>
    coreEvent({
      ...step,
      rv: String(100 + count),
      message: count > 1 ? `(combined from similar events): ${message}` : message,
      count,
      at,
    });
  const scaled: Delta[] = [
    d(0, 'ADDED', deployment()),
    d(0.01, 'ADDED', rsAt(10, 1, 0)),
    d(0.02, 'ADDED', stepEvent(1, 0, 'Scaled up replica set web-a from 0 to 1')),
    d(2.05, 'MODIFIED', rsAt(20, 2, 2)),
    d(3.3, 'MODIFIED', stepEvent(11, 3, 'Scaled up replica set web-a from 1 to 2')),
  ];
  for (const [label, input] of [
    ['in order', scaled],
    ['shuffled', shuffleWithinWindows(scaled, 9)],
  ] as const) {
    it(`starts at the ReplicaSet write that asked for its replicas (${label})`, () => {
      // A combined Event's occurrences share its uid in one trace: read the records themselves.
      const spans = replayWithEngine(input).records.flatMap((r) => r.spans);
      const second = spans.find((s) => String(s.attributes['k8s.event.note']).endsWith('from 1 to 2'));
      assert.ok(second !== undefined);
      assert.deepEqual([second.startTime, second.endTime], [T0 + 2050, T0 + 2050]);
    });
  }
});
