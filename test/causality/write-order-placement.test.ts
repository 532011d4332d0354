// Issue 9 point 1: which scaling step a ReplicaSet's create or delete of a Pod answered, and which
// step created the ReplicaSet, must not depend on how late each watch delivered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import { eventPlacements, watchLagging } from '../scenarios/clock-skew.js';
import { loadRecording } from '../scenarios/evaluate.js';

function assertPlacementsKept(file: string, kinds: readonly string[], lagMs: number): void {
  const deltas = loadRecording(file);
  const expected = eventPlacements(replay(deltas));
  assert.ok(expected.length > 0);
  assert.deepEqual(eventPlacements(replay(watchLagging(deltas, kinds, lagMs))), expected);
}

describe('placement by the order of writes, not by how late a watch delivered', () => {
  it('a Created pod answers the step asking for the replicas its ReplicaSet asked for (deployment-scale, Events 1.2 s late)', () => {
    // Lagged Events refine to the end of their second: "Created pod" and the next "Scaled up … to N+1"
    // tied, and the Pod went under the step after the one it answered. Its Event names the
    // ReplicaSet's resourceVersion, whose replicas name the step ("… to N").
    assertPlacementsKept('test/fixtures/live/deployment-scale.jsonl', ['Event'], 1200);
  });

  it('a Deleted pod answers the scale-down asking for the replicas its ReplicaSet asked for (pause-two-changes-resume, Events 0.6 s late)', () => {
    // The ReplicaSet controller's "Deleted pod" was written before the Deployment controller's
    // "Scaled down … from 1 to 0" that it answered (two recorders race); by time it went under the
    // scale-down before.
    assertPlacementsKept('test/fixtures/live/pause-two-changes-resume.jsonl', ['Event'], 600);
  });

  for (const [file, lagMs] of [
    ['test/fixtures/live/pod-deleted.jsonl', 600],
    ['test/fixtures/live/node-drain.jsonl', 900],
  ] as const) {
    it(`a replacement is a Pod made after the one deleted or evicted, by the Pods' writes (${file}, Pods ${lagMs} ms late)`, () => {
      // A Pod deleted (or evicted) and its replacement created in the same second: compared by
      // refined times, a late Pod watch put the delete after the create, the create was not taken
      // for the replacement and the Pod.Delete (Pod.Evict) trace was lost or took another create.
      assertPlacementsKept(file, ['Pod'], lagMs);
    });
  }

  it("an eviction's replacement is never a Pod made before it, deleted since (tap/node-drain, Events 0.6 s late)", () => {
    // The create of a Pod evicted since was not found by its name (the graph's name index holds
    // live objects only), so time decided, and with its Event late the eviction of another Pod
    // took that create for its replacement. A deleted member Pod's create is found by its tombstone.
    assertPlacementsKept('test/fixtures/tap/node-drain.jsonl', ['Event'], 600);
  });

  for (const [file, kind, lagMs] of [
    ['test/fixtures/live/statefulset-rollout.jsonl', 'Event', 300],
    ['test/fixtures/live/statefulset-rollout.jsonl', 'Pod', 600],
    ['test/fixtures/live/statefulset-scale-partition.jsonl', 'StatefulSet', 900],
  ] as const) {
    it(`a StatefulSet's repeated "create Pod" is split by its Pods' creates, not by its occurrences' times (${file}, ${kind}s ${lagMs} ms late)`, () => {
      // "create Pod db-1 in StatefulSet db successful" is one Event for every db-1 the StatefulSet
      // makes, each occurrence stamped in the same second: by refined times, an occurrence and the
      // Scheduled of the Pod it made went to the other generation's trace, and a Pod's Scheduled
      // under the create of the db-1 before it. The k-th occurrence made the k-th db-1, and that
      // Pod's create is ordered against the StatefulSet's spec writes by resourceVersion.
      assertPlacementsKept(file, [kind], lagMs);
    });
  }

  for (const [file, kind] of [
    ['test/fixtures/live/four-image-changes.jsonl', 'Event'],
    ['test/fixtures/live/three-rollouts.jsonl', 'Deployment'],
  ] as const) {
    it(`a combined scaling step follows the generation in force at the ReplicaSet write it reports (${file}, ${kind}s 600 ms late)`, () => {
      // client-go folds the tenth similar Event on into one "(combined from similar events)" Event
      // whose occurrences all name the root's resourceVersion of the first: by their refined times,
      // an occurrence and the Pods it made went to the next generation's trace. Its note names the
      // ReplicaSet and both sizes, and the write that took it from one to the other is ordered
      // against the Deployment's spec writes by resourceVersion.
      assertPlacementsKept(file, [kind], 600);
    });
  }

  for (const kind of ['ReplicaSet', 'Event'] as const) {
    it(`a step repeated for a ReplicaSet deleted and made again under its name is split by the ReplicaSets' writes (replicaset-deleted, ${kind}s 600 ms late)`, () => {
      // "Scaled up replica set web-575b656585 from 0 to 2" is one Event, count 2: once for the
      // ReplicaSet the user deleted, once for the one made again under its name, both in one second.
      // By their refined times, the first ReplicaSet's Created pod Events and its Pods went under the
      // re-create's occurrence, in the ReplicaSet.Delete trace. The k-th write that took a ReplicaSet
      // of that name from 0 to 2 is the k-th occurrence; the one made after the other's create
      // re-creates it; a Pod's create answers only the occurrence that scaled its own ReplicaSet.
      assertPlacementsKept('test/fixtures/live/replicaset-deleted.jsonl', [kind], 600);
    });
  }

  it('the first scale-up of a ReplicaSet in its second made it (rollout-undo, ReplicaSets 0.9 s late)', () => {
    // A ReplicaSet observed late is refined late in its second, past the next scaling step: the
    // step nearest its creationTimestamp was taken for its create, and its first Pod changed parent.
    assertPlacementsKept('test/fixtures/live/rollout-undo.jsonl', ['ReplicaSet'], 900);
  });
});
