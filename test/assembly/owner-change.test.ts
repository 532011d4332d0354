// Issue 9: a ReplicaSet orphaned (its Deployment deleted with --cascade=orphan) and then
// adopted is placed by the owner it had at each write, whatever order its states arrive in.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { repoRoot, treeSignature } from './trees.js';

const FILE = 'test/fixtures/live/orphan-delete-adopt.jsonl';

function load(): Delta[] {
  return parseRecording(readFileSync(path.join(repoRoot(), FILE), 'utf8'), FILE);
}

function metaOf(d: Delta): { kind: string | undefined; rv: string | undefined; owners: number } {
  const o = d.object as {
    kind?: string;
    metadata?: { resourceVersion?: string; ownerReferences?: unknown[] };
  };
  return { kind: o.kind, rv: o.metadata?.resourceVersion, owners: o.metadata?.ownerReferences?.length ?? 0 };
}

/** The ReplicaSet's ADDED, and its first state without an owner (orphaned). */
function replicaSetStates(deltas: readonly Delta[]): { added: number; orphaned: number } {
  const added = deltas.findIndex((d) => metaOf(d).kind === 'ReplicaSet' && d.type === 'ADDED');
  const orphaned = deltas.findIndex((d) => metaOf(d).kind === 'ReplicaSet' && metaOf(d).owners === 0);
  assert.ok(added >= 0 && orphaned > added + 5, 'the recording orphans its ReplicaSet after its Pods');
  return { added, orphaned };
}

/** `deltas` with the delta at `from` moved to just before index `to` (of the original list). */
function moved(deltas: readonly Delta[], from: number, to: number): Delta[] {
  const d = deltas[from];
  assert.ok(d !== undefined);
  const out = deltas.filter((_, i) => i !== from);
  out.splice(to, 0, d);
  return out;
}

const rootNames = (records: readonly TraceRecord[]): string[] =>
  [...new Set(records.map((r) => r.root.name))].sort();

describe('an orphaned ReplicaSet, whatever the arrival order', () => {
  const deltas = load();
  const { added, orphaned } = replicaSetStates(deltas);
  const inOrder = replay(deltas);

  it('in file order, its Pods and Events are in the Deployment.Create trace (no ReplicaSet root)', () => {
    assert.deepEqual(rootNames(inOrder), ['Deployment.Create', 'Deployment.Delete']);
  });

  it('orphaned state applied before its Pods and Events (right after its ADDED): the same trees', () => {
    const records = replay(moved(deltas, orphaned, added + 1));
    assert.deepEqual(rootNames(records), rootNames(inOrder));
    assert.equal(treeSignature(records), treeSignature(inOrder));
  });

  it('orphaned state delivered before its ADDED: held until the ADDED, the same trees', () => {
    const records = replay(moved(deltas, orphaned, added));
    assert.deepEqual(rootNames(records), rootNames(inOrder));
    assert.equal(treeSignature(records), treeSignature(inOrder));
  });

  it('a later state whose ADDED never comes is applied once the pending wait runs out', () => {
    const without = deltas.filter((_, i) => i !== added);
    const records = replay(without);
    // The ReplicaSet is known from its later states: its Pods still join the Deployment's trace.
    const create = records.find((r) => r.root.name === 'Deployment.Create' && r.spans.length > 1);
    assert.ok(create, 'the Deployment.Create trace holds more than its root');
    assert.ok(create.spans.some((s) => s.name === 'ReplicaSet.Lifecycle'));
  });
});
