import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import type { Delta } from '../../src/model/delta.js';
import { eventSpanIdOf } from '../../src/model/ids.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { differences } from './restart-cut.js';
import { repoRoot } from './trees.js';

/**
 * A restart, derived from a real recording: kubetrail stops after delta `cut`
 * (exporting what is open as cut off, as on SIGTERM) and a new instance lists the
 * cluster, then watches the rest. A list at a resourceVersion holds every write up
 * to it, by write order (the recording is of one etcd): the latest state of every
 * object and Event written by then, even one the old instance had not been
 * delivered yet.
 */
const LIVE = path.join(repoRoot(), 'test/fixtures/live');

function load(name: string): Delta[] {
  return parseRecording(readFileSync(path.join(LIVE, name), 'utf8'), name);
}

function uidOf(d: Delta): string {
  return String((d.object as { metadata?: { uid?: string } }).metadata?.uid);
}

function rvOf(d: Delta): number {
  return Number((d.object as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion);
}

function deploymentGeneration(d: Delta): number | undefined {
  const o = d.object as { kind?: string; metadata?: { generation?: number } };
  return o.kind === 'Deployment' ? o.metadata?.generation : undefined;
}

/** What the stopped instance saw, and what the new one sees: its initial list, then the watch. */
function restartAt(deltas: readonly Delta[], cut: number): { before: Delta[]; after: Delta[] } {
  let listedRv = 0;
  for (const d of deltas.slice(0, cut)) listedRv = Math.max(listedRv, rvOf(d));
  const latest = new Map<string, Delta>();
  for (const d of deltas) {
    if (rvOf(d) > listedRv) continue;
    const held = latest.get(uidOf(d));
    if (held === undefined || rvOf(held) < rvOf(d)) latest.set(uidOf(d), d);
  }
  const listedAt = deltas[cut]?.time ?? 0;
  const initial: Delta[] = [...latest.values()]
    .filter((d) => d.type !== 'DELETED')
    .map((d) => ({ time: listedAt, type: 'ADDED', object: d.object, initial: true }));
  return {
    before: deltas.slice(0, cut),
    after: [...initial, ...deltas.slice(cut).filter((d) => rvOf(d) > listedRv)],
  };
}

/** The Deployment's trace ids by generation (`delete` for a delete intent), and whether each is partial. */
function deploymentTraces(
  records: readonly TraceRecord[],
): Map<string, { traceId: string; partial: boolean }> {
  const out = new Map<string, { traceId: string; partial: boolean }>();
  for (const r of records) {
    if (!r.root.name.startsWith('Deployment.')) continue;
    const gen = String(r.root.attributes['kubetrail.intent.generation'] ?? r.root.name);
    out.set(gen, { traceId: r.traceId, partial: r.partial });
  }
  return out;
}

/** What a span stands for in any trace: the Event's span id, or the object's uid and the span's role. */
function nodeOf(s: SpanRecord): string {
  if (s.role === 'action' || s.role === 'intent') return s.spanId;
  const kind = s.name.slice(0, s.name.indexOf('.')).toLowerCase();
  return `${s.role} ${String(s.attributes[`k8s.${kind}.uid`])}`;
}

describe('a restart in the middle of the first of three rollouts', () => {
  const deltas = load('three-rollouts.jsonl');
  const live = replay(deltas);
  const liveIds = deploymentTraces(live);
  const liveById = new Map(live.flatMap((r) => r.spans.map((s) => [s.spanId, s] as const)));
  const liveSpans = new Map(
    live.flatMap((r) => r.spans.map((s) => [nodeOf(s), { trace: r.traceId, s }] as const)),
  );
  // From the first delta of the Deployment's generation 2 on, until its last, that rollout is in flight.
  const start2 = deltas.findIndex((d) => deploymentGeneration(d) === 2);
  const start3 = deltas.findIndex((d) => deploymentGeneration(d) === 3);
  const cuts = [1, 5, 10, 20, 40].map((k) => start2 + k).filter((c) => c < start3);

  for (const cut of cuts) {
    const { before, after } = restartAt(deltas, cut);
    // The old instance: everything up to its stop, then SIGTERM (open traces go out as cut off).
    const stopped = replay(before);
    const restarted = replay(after);
    const label = `stopped at delta ${cut}`;

    it(`${label}: emits nothing of the Create, which had finished, and only late spans of the rollout in flight`, () => {
      assert.ok(
        restarted.some((r) => r.traceId === liveIds.get('2')?.traceId),
        'the in-flight rollout goes on',
      );
      assert.ok(!restarted.some((r) => r.traceId === liveIds.get('1')?.traceId), 'nothing of the Create');
      for (const r of restarted.filter((x) => x.traceId === liveIds.get('2')?.traceId)) {
        assert.equal(r.late, true, 'its root went out with the stopped instance');
        assert.equal(r.partial, true);
        for (const s of r.spans) {
          assert.notEqual(s.role, 'intent');
          assert.equal(s.attributes['kubetrail.trace.partial'], true, `${s.name} is marked partial`);
        }
      }
      assert.equal(liveIds.get('2')?.partial, false);
    });

    it(`${label}: the two instances together send every span id once`, () => {
      const seen = new Map<string, number>();
      for (const r of [...stopped, ...restarted])
        for (const s of r.spans) seen.set(s.spanId, (seen.get(s.spanId) ?? 0) + 1);
      const twice = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
      assert.deepEqual(twice, [], 'span ids sent twice');
      assert.ok(
        stopped.some((r) => r.traceId === liveIds.get('2')?.traceId && r.late !== true),
        'the stopped instance sent the root',
      );
    });

    it(`${label}: every span it sends has the trace and parent a live run gave it`, () => {
      // The list keeps each Event's whole-second stamp, not the order of two Events within
      // one second: a child may hang under the listed sibling stamped in the same second.
      const listed = new Set(after.filter((d) => d.initial === true).map((d) => eventSpanIdOf(uidOf(d))));
      const second = (id: string | undefined): number | undefined => {
        const l = id === undefined ? undefined : liveById.get(id);
        return l === undefined ? undefined : Math.floor(l.startTime / 1000);
      };
      const sameSecondListed = (a: string | undefined, b: string | undefined): boolean =>
        a !== undefined &&
        b !== undefined &&
        listed.has(a) &&
        listed.has(b) &&
        second(a) !== undefined &&
        second(a) === second(b);
      let compared = 0;
      let siblings = 0;
      for (const r of restarted) {
        for (const s of r.spans) {
          const l = liveSpans.get(nodeOf(s));
          compared += 1;
          assert.ok(l, `${s.name} ${String(s.attributes['k8s.event.note'] ?? '')} is a span of the live run`);
          assert.equal(r.traceId, l.trace, `${s.name}: trace`);
          assert.equal(s.spanId, l.s.spanId, `${s.name}: span id`);
          if (s.parentSpanId !== l.s.parentSpanId && sameSecondListed(s.parentSpanId, l.s.parentSpanId)) {
            siblings += 1;
            continue;
          }
          assert.equal(s.parentSpanId, l.s.parentSpanId, `${s.name}: parent`);
        }
      }
      assert.ok(compared > 0, 'spans compared');
      assert.ok(siblings <= 1, `${siblings} spans under a same-second sibling`);
    });
  }
});

describe('a restart after three finished rollouts, then a fourth (recorded live)', () => {
  const three = load('three-rollouts.jsonl');
  const restart = load('restart-after-three-rollouts.jsonl');
  // What one instance watching all along would have seen: the cluster was idle in between.
  const live = replay([...three, ...restart.filter((d) => d.initial !== true)]);
  const restarted = replay(restart);
  const key = (r: TraceRecord, s: TraceRecord['spans'][number]): string =>
    `${r.traceId} ${s.spanId} ${s.parentSpanId ?? '-'} ${s.name}`;

  it('emits no root of the intents that finished before it started', () => {
    const roots = restarted
      .filter((r) => r.late !== true)
      .map((r) => r.root.attributes['kubetrail.intent.generation']);
    assert.deepEqual(roots, [5]);
  });

  it('gives every span the trace id and parent a live run gave it', () => {
    const seen = new Set(live.flatMap((r) => r.spans.map((s) => key(r, s))));
    const spans = restarted.flatMap((r) => r.spans.map((s) => key(r, s)));
    assert.ok(spans.length >= 17, `${spans.length} spans`);
    // The live steps are new occurrences of a combined Event listed at the start: each its own span, as live.
    assert.deepEqual(
      spans.filter((k) => !seen.has(k)),
      [],
    );
  });

  it("puts the old ReplicaSet's deletes under the live rollout's scale-downs, not late into a finished trace", () => {
    assert.equal(restarted.filter((r) => r.late === true).length, 0);
    const [trace] = restarted;
    assert.ok(trace !== undefined);
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    const deletes = trace.spans.filter((s) => s.name === 'ReplicaSet.SuccessfulDelete');
    assert.equal(deletes.length, 3);
    for (const d of deletes) {
      const parent = byId.get(d.parentSpanId ?? '');
      assert.equal(parent?.name, 'Deployment.ScalingReplicaSet', String(d.attributes['k8s.event.note']));
      assert.match(
        String(parent?.attributes['k8s.event.note']),
        /^\(combined from similar events\): Scaled down replica set web-66d974cbc8 /,
      );
    }
  });
});

describe('a restart before the cluster had written any Event', () => {
  // deployment-rollout.jsonl stopped after the Deployment and its ReplicaSet were made,
  // before the first Event: the new list shows objects only.
  const deltas = load('deployment-rollout.jsonl');
  const cut = deltas.findIndex((d) => (d.object as { kind?: string }).kind === 'Event');
  const { before, after } = restartAt(deltas, cut);
  const sent = new Set(replay(before).flatMap((r) => r.spans.map((s) => s.spanId)));
  const again = (records: readonly TraceRecord[]): string[] =>
    records.flatMap((r) => r.spans.filter((s) => sent.has(s.spanId)).map((s) => s.name));

  it('live (the list is history, Events or not): sends nothing the stopped instance sent', () => {
    assert.ok(!after.some((d) => d.initial === true && (d.object as { kind?: string }).kind === 'Event'));
    assert.deepEqual(sent.size, 2, 'the stopped instance sent the root and the ReplicaSet lifecycle');
    const restarted = replay(after, { listIsHistory: true });
    assert.deepEqual(again(restarted), []);
    const rollout = restarted.filter((r) => r.traceId === [...replay(before)][0]?.traceId);
    assert.ok(
      rollout.length > 0 && rollout.every((r) => r.late === true && r.partial),
      'the Create goes on, late',
    );
  });

  it("a replay (a list without Events may be a capture's, kspan's lists no Event): traces the listed roots as first seen", () => {
    assert.deepEqual(again(replay(after)).sort(), ['Deployment.Create', 'ReplicaSet.Lifecycle']);
  });

  it('rejects a listIsHistory that is not a boolean', () => {
    assert.throws(() => replay([], { listIsHistory: 'yes' as unknown as boolean }), TypeError);
  });
});

describe('a restart after a new ReplicaSet was made, before its first Pod was reported', () => {
  // four-image-changes.jsonl stopped right after the second rollout's first scale-up:
  // the list shows its ReplicaSet at generation 1, and the ReplicaSet controller's
  // "Created pod" for that first Pod comes after. It answered the ReplicaSet's
  // creation, whose replicas a generation-1 ReplicaSet still asks for.
  const deltas = load('four-image-changes.jsonl');
  const live = replay(deltas);
  const liveSpan = (name: string): SpanRecord | undefined =>
    live.flatMap((r) => r.spans).find((s) => s.attributes['k8s.event.note'] === name);
  const cut = 33;
  const { after } = restartAt(deltas, cut);
  const note = 'Created pod: web-596b6d847b-tvwtm';

  it('hangs the first Created pod under the ReplicaSet, as the live run does', () => {
    const rs = after.find(
      (d) =>
        d.initial === true &&
        (d.object as { metadata?: { name?: string } }).metadata?.name === 'web-596b6d847b',
    );
    assert.equal((rs?.object as { metadata?: { generation?: number } } | undefined)?.metadata?.generation, 1);
    const restarted = replay(after, { listIsHistory: true });
    const sent = restarted.flatMap((r) => r.spans).find((s) => s.attributes['k8s.event.note'] === note);
    const expected = liveSpan(note);
    assert.ok(sent && expected, 'sent after the restart, and live');
    assert.equal(
      live.flatMap((r) => r.spans).find((s) => s.spanId === expected.parentSpanId)?.name,
      'ReplicaSet.Lifecycle',
    );
    assert.equal(sent.parentSpanId, expected.parentSpanId);
  });
});

describe('a restart in the second between a StatefulSet made and its rollout', () => {
  // statefulset-rollout.jsonl stopped once db-0 and db-1 were made (the Create converged),
  // and the image changed within the same second, after the list. The list's stamps are
  // whole seconds: refined with the list's own observation, the listed "Create Pod db-1"
  // looked as late as the rollout's start, and the rollout took the listed Pods.
  const deltas = load('statefulset-rollout.jsonl');
  const cut = deltas.findIndex((d) => {
    const o = d.object as { kind?: string; metadata?: { generation?: number } };
    return o.kind === 'StatefulSet' && o.metadata?.generation === 2;
  });
  const { after } = restartAt(deltas, cut);
  const restarted = replay(after, { listIsHistory: true });

  it('sends no lifecycle of a listed Pod in the rollout, and every span as the live run did', () => {
    const listedPods = new Set(
      after
        .filter((d) => d.initial === true && (d.object as { kind?: string }).kind === 'Pod')
        .map((d) => uidOf(d)),
    );
    assert.equal(listedPods.size, 2);
    const again = restarted
      .flatMap((r) => r.spans)
      .filter((s) => s.name === 'Pod.Lifecycle' && listedPods.has(String(s.attributes['k8s.pod.uid'])));
    assert.deepEqual(
      again.map((s) => s.attributes['k8s.pod.name']),
      [],
    );
    assert.deepEqual(differences(replay(deltas), restarted), []);
  });
});

describe('a restart after a combined Event folded away the scale-up that made a ReplicaSet', () => {
  // three-rollouts.jsonl stopped during the third rollout, once its new ReplicaSet asked for 2:
  // the list shows the deployment controller's combined Event at "Scaled up replica set
  // web-66d974cbc8 from 1 to 2" (count 7), its occurrence "from 0 to 1" (count 5) gone. A step
  // from 1 found the ReplicaSet made already: it is not its create, and the "Created pod" that
  // answered it hangs under it, as live, not under the ReplicaSet's lifecycle.
  const deltas = load('three-rollouts.jsonl');
  const live = replay(deltas);
  const note = 'Created pod: web-66d974cbc8-fkc8b';
  const cut = 191;
  const { after } = restartAt(deltas, cut);

  it('hangs the Created pod under the listed step, as the live run does', () => {
    const listed = after.find(
      (d) =>
        d.initial === true &&
        /from 1 to 2$/.test(String((d.object as { note?: string }).note)) &&
        (d.object as { deprecatedCount?: number }).deprecatedCount === 7,
    );
    assert.ok(listed, 'the list shows the step from 1 to 2 as the combined Event');
    const restarted = replay(after, { listIsHistory: true });
    const sent = restarted.flatMap((r) => r.spans).find((s) => s.attributes['k8s.event.note'] === note);
    const expected = live.flatMap((r) => r.spans).find((s) => s.attributes['k8s.event.note'] === note);
    assert.ok(sent && expected, 'sent after the restart, and live');
    assert.equal(
      live.flatMap((r) => r.spans).find((s) => s.spanId === expected.parentSpanId)?.name,
      'Deployment.ScalingReplicaSet',
    );
    assert.equal(sent.parentSpanId, expected.parentSpanId);
  });
});

describe('a restart after an update whose ReplicaSet was made by the rollout before it', () => {
  // five-image-changes.jsonl stopped as the sixth rollout began: the deployment controller's
  // Events about the Deployment had reached client-go's burst of 25, so none of that rollout's
  // steps has one. The list shows the Deployment at generation 6 only; its ReplicaSet
  // web-79dbb87b5c was made by generation 5, its steps folded away. Its Pods deleted after
  // the restart answer no step on record: the live run hangs them under the rollout's root,
  // not under the lifecycle of a ReplicaSet an earlier intent made.
  const deltas = load('five-image-changes.jsonl');
  const live = replay(deltas);
  const cut = deltas.findIndex((d) => deploymentGeneration(d) === 6) + 1;
  const { after } = restartAt(deltas, cut);
  const restarted = replay(after, { listIsHistory: true });

  it('hangs the Deleted pods under the rollout, as the live run does', () => {
    const deletes = (records: readonly TraceRecord[]): SpanRecord[] =>
      records
        .flatMap((r) => r.spans)
        .filter((s) => /^Deleted pod: web-79dbb87b5c-/.test(String(s.attributes['k8s.event.note'])));
    const sent = deletes(restarted);
    assert.equal(sent.length, 3);
    const root = live.flatMap((r) => r.spans).find((s) => s.spanId === deletes(live)[0]?.parentSpanId);
    assert.equal(root?.name, 'Deployment.Update');
    for (const s of sent) assert.equal(s.parentSpanId, root.spanId, String(s.attributes['k8s.event.note']));
  });
});

describe("a restart after a combined Event's listed occurrence hid the step before it", () => {
  // The list shows a combined scaling Event at its last occurrence only. A rolling update
  // alternates between scaling its new ReplicaSet up and old ones down, so the occurrence
  // before a scale-down was the last scale-up of the other ReplicaSet, and the occurrence
  // before a scale-up from 1 the last scale-down of another: the Pods those steps made or
  // deleted after the restart hang under them, hash(event uid, count), as live.
  const spanOf = (records: readonly TraceRecord[], note: string): SpanRecord | undefined =>
    records.flatMap((r) => r.spans).find((s) => s.attributes['k8s.event.note'] === note);
  const noteOf = (records: readonly TraceRecord[], spanId: string | undefined): string =>
    String(records.flatMap((r) => r.spans).find((s) => s.spanId === spanId)?.attributes['k8s.event.note']);

  it('thirty-replica-rollout: a Created pod after the Events ran out hangs under the last scale-up (count 15, not listed)', () => {
    // Stopped right after the combined Event's 16th occurrence, "Scaled down replica set
    // web-575b656585 from 19 to 18": client-go's burst of 25 Events about the Deployment was
    // spent, so the rollout's later steps have none.
    const deltas = load('thirty-replica-rollout.jsonl');
    const cut =
      deltas.findIndex((d) =>
        /Scaled down replica set web-575b656585 from 19 to 18$/.test(
          String((d.object as { note?: string }).note),
        ),
      ) + 1;
    assert.equal((deltas[cut - 1]?.object as { deprecatedCount?: number } | undefined)?.deprecatedCount, 16);
    const note = '(combined from similar events): Created pod: web-596b6d847b-8z5jf';
    const live = replay(deltas);
    const expected = spanOf(live, note)?.parentSpanId;
    assert.match(noteOf(live, expected), /Scaled up replica set web-596b6d847b from 11 to 12$/);
    const restarted = replay(restartAt(deltas, cut).after, { listIsHistory: true });
    assert.equal(spanOf(restarted, note)?.parentSpanId, expected);
  });

  it('three-rollouts: a Deleted pod answering the folded scale-down hangs under it (count 6, listed at 7)', () => {
    const deltas = load('three-rollouts.jsonl');
    const live = replay(deltas);
    const note = 'Deleted pod: web-744ffd794c-mtqwl';
    const expected = spanOf(live, note)?.parentSpanId;
    assert.match(noteOf(live, expected), /Scaled down replica set web-744ffd794c from 3 to 2$/);
    const { after } = restartAt(deltas, 176);
    const listed = after.find(
      (d) =>
        d.initial === true &&
        /combined from similar events/.test(String((d.object as { note?: string }).note)),
    );
    assert.equal((listed?.object as { deprecatedCount?: number } | undefined)?.deprecatedCount, 7);
    const restarted = replay(after, { listIsHistory: true });
    assert.equal(spanOf(restarted, note)?.parentSpanId, expected);
  });
});
