import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DrainBook } from '../../src/assembly/drain-book.js';
import { ManualClock } from '../../src/model/clock.js';
import type { ObjectProjection } from '../../src/model/projection.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { projectObject } from '../../src/normalise/project-object.js';
import { isRejected } from '../../src/normalise/rejection.js';

// A cordon's root waits while a drain may still evict from its Node: a
// PodDisruptionBudget holds evictions back, and `kubectl drain` retries every
// 5 s, so they can come long after the cordon (test/fixtures/live/node-drain-pdb.jsonl).

const T0 = Date.parse('2026-12-01T02:33:11Z');
const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();
const at = (s: number): number => T0 + s * 1000;
const SETTLE_MS = 5_000;
const MAX_TRACE_MS = 60_000;

function project(raw: unknown): ObjectProjection {
  const p = projectObject(raw, { issue: () => undefined });
  if (isRejected(p)) throw new Error(`rejected: ${p.rejected}`);
  return p;
}

function node(cordoned: boolean, rv: string): ObjectProjection {
  return project({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: 'kwok-node-0',
      uid: 'node-0',
      resourceVersion: rv,
      creationTimestamp: iso(-600),
      managedFields: cordoned
        ? [
            {
              manager: 'kubectl',
              operation: 'Update',
              apiVersion: 'v1',
              time: iso(0),
              fieldsType: 'FieldsV1',
              fieldsV1: { 'f:spec': { 'f:unschedulable': {} } },
            },
          ]
        : [],
    },
    spec: cordoned ? { unschedulable: true } : {},
  });
}

interface PodOptions {
  readonly owner?: string;
  readonly deleting?: boolean;
  readonly phase?: string;
}

function pod(name: string, o: PodOptions = {}): ObjectProjection {
  const owner = o.owner ?? 'ReplicaSet';
  return project({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: owner === 'Node' ? 'kube-system' : 'ns',
      uid: `uid-${name}`,
      resourceVersion: '10',
      creationTimestamp: iso(-300),
      ...(o.deleting === true ? { deletionTimestamp: iso(10), deletionGracePeriodSeconds: 0 } : {}),
      ownerReferences: [
        { apiVersion: 'v1', kind: owner, name: 'owner', uid: `uid-${owner}`, controller: true },
      ],
    },
    spec: { nodeName: 'kwok-node-0', containers: [{ name: 'c', image: 'x' }] },
    status: { phase: o.phase ?? 'Running' },
  });
}

/** A book over `pods` (the graph's Pods when the cordon is seen), cordoned at 0 s. */
function cordoned(pods: readonly ObjectProjection[]): { clock: ManualClock; book: DrainBook } {
  const clock = new ManualClock(at(0));
  const book = new DrainBook({
    clock,
    settleMs: SETTLE_MS,
    maxTraceMs: MAX_TRACE_MS,
    maxEntries: 1000,
    pods: () => pods,
  });
  book.recordNode(node(true, '20'), node(false, '19'), at(0));
  return { clock, book };
}

/** What the book emits at `s` seconds. */
function emitAt(clock: ManualClock, book: DrainBook, s: number): TraceRecord[] {
  clock.advanceTo(at(s));
  const out: TraceRecord[] = [];
  book.emitDue(at(s), false, out);
  return out;
}

const summary = (r: TraceRecord) => [
  r.root.name,
  r.end,
  r.spans.length,
  r.root.attributes['kubetrail.drain.evictions'],
];

describe('DrainBook: a cordon waits for the Pods its drain may still evict', () => {
  it('waits while its Node holds a Pod a drain would evict, and goes out once it has left, after the quiet time', () => {
    const web = pod('web-a');
    const { clock, book } = cordoned([web]);
    assert.deepEqual(emitAt(clock, book, 6), [], 'a budget may hold its eviction back: no root yet');
    assert.deepEqual(emitAt(clock, book, 40), []);
    clock.advanceTo(at(41));
    book.recordPod(pod('web-a', { deleting: true }), false);
    assert.deepEqual(emitAt(clock, book, 45), [], 'quiet time after the last Pod left');
    assert.deepEqual(emitAt(clock, book, 46).map(summary), [['Node.Cordon', 'converged', 1, 0]]);
  });

  it("neither a DaemonSet's Pods, nor mirror Pods, nor finished Pods hold it: out after the quiet time", () => {
    const { clock, book } = cordoned([
      pod('agent', { owner: 'DaemonSet' }),
      pod('static', { owner: 'Node' }),
      pod('done', { phase: 'Succeeded' }),
      pod('leaving', { deleting: true }),
    ]);
    assert.deepEqual(emitAt(clock, book, 4), []);
    assert.deepEqual(emitAt(clock, book, 5).map(summary), [['Node.Cordon', 'converged', 1, 0]]);
  });

  it('a Pod of the Node seen only after the cordon (watches reorder) holds it too; its deletion lets it go', () => {
    const { clock, book } = cordoned([]);
    book.recordPod(pod('web-a'), false);
    assert.deepEqual(emitAt(clock, book, 20), []);
    clock.advanceTo(at(21));
    book.recordPod(pod('web-a'), true);
    assert.deepEqual(emitAt(clock, book, 26).map(summary), [['Node.Cordon', 'converged', 1, 0]]);
  });

  it('kubectl cordon with no drain: the one-span trace goes out when the Node is uncordoned', () => {
    const { clock, book } = cordoned([pod('web-a')]);
    assert.deepEqual(emitAt(clock, book, 30), []);
    book.recordNode(node(false, '30'), node(true, '20'), at(30));
    const [out, ...more] = emitAt(clock, book, 31);
    assert.deepEqual(more, []);
    assert.ok(out !== undefined);
    assert.deepEqual(summary(out), ['Node.Cordon', 'converged', 1, 0]);
    assert.equal(out.root.startTime, at(0));
    assert.equal(out.root.endTime, at(0), 'the cordon itself: its end is its last eviction, none here');
  });

  it('kubectl cordon with no drain, never undone: cut off at the longest trace', () => {
    const { clock, book } = cordoned([pod('web-a')]);
    assert.deepEqual(emitAt(clock, book, 59), []);
    assert.deepEqual(emitAt(clock, book, 60).map(summary), [['Node.Cordon', 'cut-off', 1, 0]]);
  });
});
