import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import {
  eventUidOf,
  Forest,
  replayWithEngine,
  repoRoot,
  shuffleWithinWindows,
  treeSignature,
} from '../assembly/trees.js';

/** kspan's recordings, vendored with their licence (see kspan/NOTICE). */
const ORACLES = path.join(repoRoot(), 'test/oracles/kspan');
const SHUFFLES = 24;

function load(name: string): Delta[] {
  return parseRecording(readFileSync(path.join(ORACLES, name), 'utf8'), name);
}

/** Event uids in file order: the README numbers events from 0, counting only `event` documents. */
function eventUids(deltas: readonly Delta[]): string[] {
  const out: string[] = [];
  for (const d of deltas) {
    const uid = eventUidOf(d);
    if (uid !== undefined && d.initial !== true) out.push(uid);
  }
  return out;
}

interface Oracle {
  readonly file: string;
  readonly events: number;
  /** [a, b]: event a descends from event b. */
  readonly under: readonly (readonly [number, number])[];
  /** [a, b]: event a must NOT descend from event b. */
  readonly notUnder?: readonly (readonly [number, number])[];
  readonly rootName: string;
  readonly manager?: string;
  readonly generation?: number;
  /** Events whose span must hang directly on the root span. */
  readonly onRoot?: readonly number[];
}

const range = (from: number, to: number, parent: number): [number, number][] =>
  Array.from({ length: to - from + 1 }, (_, i) => [from + i, parent] as [number, number]);

const ORACLES_TABLE: readonly Oracle[] = [
  {
    file: 'deployment-2-pods.yaml',
    events: 19,
    rootName: 'Deployment.Update',
    manager: 'kubectl-client-side-apply',
    generation: 3,
    under: [[1, 0], ...range(2, 6, 1), [11, 10], ...range(12, 15, 11), [7, 8], [9, 7], [17, 16], [18, 17]],
  },
  {
    file: 'deployment-rollout.yaml',
    events: 9,
    rootName: 'Deployment.Update',
    manager: 'kubectl',
    generation: 4,
    under: [[1, 0], ...range(2, 5, 1), [8, 6], [7, 8]],
  },
  {
    file: 'deployment-rollout-flux.yaml',
    events: 11,
    rootName: 'Deployment.Update',
    under: [
      [1, 0],
      [2, 1],
      [4, 1],
      [5, 1],
      [6, 1],
      [7, 1],
      [10, 8],
      [9, 10],
    ],
    onRoot: [3],
  },
  {
    file: 'statefulset-rollout-flux.yaml',
    events: 15,
    rootName: 'StatefulSet.Update',
    generation: 10,
    under: [[1, 0], ...range(4, 7, 3), [8, 9], [10, 11], ...range(12, 14, 11)],
    notUnder: [...range(4, 7, 0), [10, 9]],
  },
];

function check(oracle: Oracle, uids: readonly string[], records: readonly TraceRecord[]): void {
  assert.equal(uids.length, oracle.events, 'event count in the fixture');
  const forest = new Forest(records);
  assert.deepEqual(forest.orphans(), [], 'every parent id names a span of its trace');
  const located = uids.map((uid) => forest.event(uid));
  const traceIds = new Set(located.map((l) => l.trace.traceId));
  assert.equal(traceIds.size, 1, `all ${oracle.events} events in one trace`);
  const trace = located[0]?.trace;
  assert.ok(trace !== undefined);
  assert.equal(trace.root.name, oracle.rootName);
  if (oracle.manager !== undefined)
    assert.equal(trace.root.attributes['kubetrail.intent.manager'], oracle.manager);
  if (oracle.generation !== undefined) {
    assert.equal(trace.root.attributes['kubetrail.intent.generation'], oracle.generation);
  }
  for (const [a, b] of oracle.under) {
    const la = located[a];
    const lb = located[b];
    assert.ok(la !== undefined && lb !== undefined);
    assert.ok(forest.isUnder(la, lb), `event ${a} (${la.span.name}) under event ${b} (${lb.span.name})`);
  }
  for (const [a, b] of oracle.notUnder ?? []) {
    const la = located[a];
    const lb = located[b];
    assert.ok(la !== undefined && lb !== undefined);
    assert.ok(!forest.isUnder(la, lb), `event ${a} (${la.span.name}) must not be under event ${b}`);
  }
  for (const a of oracle.onRoot ?? []) {
    assert.equal(located[a]?.span.parentSpanId, trace.root.spanId, `event ${a} hangs on the root`);
  }
  for (const t of forest.traces) {
    for (const s of t.spans) {
      assert.match(s.traceId, /^[0-9a-f]{32}$/);
      assert.match(s.spanId, /^[0-9a-f]{16}$/);
      assert.ok(s.endTime >= s.startTime, `${s.name} ends before it starts`);
    }
  }
}

const run = replayWithEngine;

for (const oracle of ORACLES_TABLE) {
  describe(`kspan oracle ${oracle.file}`, () => {
    const deltas = load(oracle.file);
    const uids = eventUids(deltas);
    const { records, engine } = run(deltas);
    const expected = treeSignature(records);

    it('satisfies every relation in file order', () => {
      check(oracle, uids, records);
      assert.equal(engine.stats().rejected['internal-error'], undefined);
    });

    it('is the same when replayed twice (deterministic ids)', () => {
      assert.equal(treeSignature(run(deltas).records), expected);
    });

    for (let seed = 1; seed <= SHUFFLES; seed++) {
      it(`satisfies every relation with events shuffled within 2 s windows, seed ${seed}`, () => {
        const shuffled = shuffleWithinWindows(deltas, seed * 7919);
        const out = run(shuffled).records;
        check(oracle, uids, out);
        assert.equal(treeSignature(out), expected, 'the same tree as in file order');
      });
    }
  });
}

describe('kspan oracle deployment-rollout.yaml in kspan permutation 0,6,1,2,3,4,5,7,8', () => {
  it('gives the same tree', () => {
    const deltas = load('deployment-rollout.yaml');
    const objects = deltas.filter((d) => eventUidOf(d) === undefined);
    const events = deltas.filter((d) => eventUidOf(d) !== undefined);
    const order = [0, 6, 1, 2, 3, 4, 5, 7, 8];
    const permuted = [...objects, ...order.map((i) => events[i] as Delta)];
    const oracle = ORACLES_TABLE[1];
    assert.ok(oracle !== undefined);
    const records = run(permuted).records;
    check(oracle, eventUids(deltas), records);
    assert.equal(treeSignature(records), treeSignature(run(deltas).records));
  });

  it('survives the snapshot with the wrong uid: Killing kl4hq resolves by rule target, under Deleted pod', () => {
    const deltas = load('deployment-rollout.yaml');
    const { records, engine } = run(deltas);
    const forest = new Forest(records);
    const uids = eventUids(deltas);
    const killing = forest.event(uids[7] ?? '');
    assert.equal(killing.span.attributes['k8s.pod.uid'], 'add4c490-b2ef-4250-870b-4f0fd222740b');
    assert.equal(forest.parent(killing)?.span.name, 'ReplicaSet.SuccessfulDelete');
    assert.ok((engine.stats().repaired['resolved-by-name'] ?? 0) >= 1);
  });
});

describe('kspan oracle managedfields-deployments.yaml', () => {
  const deltas = load('managedfields-deployments.yaml');

  it('replays without a crash, counting the uid-less snapshots', () => {
    const { records, engine } = run(deltas);
    assert.deepEqual(records, []);
    assert.equal(engine.stats().rejected['missing-uid'], 3);
    assert.equal(engine.stats().rejected['internal-error'], undefined);
  });

  it('attributes the root span to kubeadm, other, and "unknown"', () => {
    // The fixture's objects carry no uid (kspan's tests did not need one) and are
    // `initial`; each is given a uid and applied as a live create to open an intent.
    const managers = deltas.map((d, i) => {
      const obj = structuredClone(d.object) as { metadata: Record<string, unknown> };
      obj.metadata.uid = `managedfields-${i}`;
      const records = replay([{ time: d.time, type: 'ADDED', object: obj }]);
      assert.equal(records.length, 1);
      const root = records[0]?.root;
      assert.equal(root?.name, 'Deployment.Create');
      assert.equal(root?.service, root?.attributes['kubetrail.intent.manager']);
      return root?.attributes['kubetrail.intent.manager'];
    });
    assert.deepEqual(managers, ['kubeadm', 'other', 'unknown']);
  });
});
