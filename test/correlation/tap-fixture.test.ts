// The tap fixtures: recorded with `kubetrail --tap-listen … --record` on the local v1.37
// control plane (kubectl create deployment, set image, scale, a server-side apply with
// --field-manager=tap-e2e, delete), the apiserver's tracing pointed at the tap
// (test/e2e/record-tap-fixture.ts), each with the readings of the apiserver's clock of
// kubetrail's startup burst (CLOCK lines; the apiserver restarts for its tracing during it,
// so 12 and 16 readings). The scale's managedFields entry has no time, so its root starts
// when the change was observed. In the first recording of untimed-scale.jsonl that was in
// the second after the PATCH's (it ended 1 ms before it); tap-correlator.test.ts keeps that
// case. one-second.jsonl is tap.test's own recording of a CI run in which kwok ran the whole
// scenario within one second: every spec writer's managedFields entry carries the same
// stamp, and the server-side apply's entry comes first in the list (the apiserver sorts by
// operation, then time, then manager name), so only the earlier state tells that it wrote
// generation 4.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { replay } from '../../src/assembly/replay.js';
import { replayCorrelated } from '../../src/correlation/replay-correlated.js';
import type { Delta } from '../../src/model/delta.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import type { PositionedTapBatch, TapSpan } from '../../src/model/tap-span.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { repoRoot } from '../assembly/trees.js';

/** The fixtures, with how many Created pod, Scheduled and Deleted pod actions each holds. */
const FIXTURES: readonly [string, number][] = [
  ['deployment-lifecycle.jsonl', 19],
  ['untimed-scale.jsonl', 19],
  ['one-second.jsonl', 19],
];

function load(FILE: string): { deltas: Delta[]; batches: PositionedTapBatch[] } {
  const batches: PositionedTapBatch[] = [];
  const deltas = parseRecording(readFileSync(FILE, 'utf8'), FILE, {
    onSpans: (batch, deltasBefore) => batches.push({ batch, deltasBefore }),
  });
  return { deltas, batches };
}

const SETTINGS = { settleMs: 2_000 };

for (const [name, actionCount] of FIXTURES) {
  const { deltas, batches } = load(path.join(repoRoot(), 'test/fixtures/tap', name));
  /** The apiserver's handler spans in the fixture, by span id. */
  const handlers = new Map<string, TapSpan>();
  for (const b of batches)
    for (const s of b.batch.spans)
      if (['Create', 'Update', 'Patch', 'Delete'].includes(s.name)) handlers.set(s.spanId, s);
  /** Storage keys by audit id (a create's name is only in its `Create etcd3` span). */
  const keys = new Map<string, string>();
  for (const b of batches)
    for (const s of b.batch.spans)
      if (s.name === 'Create etcd3') keys.set(String(s.attributes['audit-id']), String(s.attributes.key));

  const kind = (s: SpanRecord) => s.links.map((l) => l.attributes?.['kubetrail.link.kind']);
  const requestLinks = (s: SpanRecord) =>
    s.links.filter((l) => l.attributes?.['kubetrail.link.kind'] === 'apiserver.request');
  const spansOf = (records: readonly TraceRecord[]) => records.flatMap((t) => t.spans);
  /** The name a linked request acted on: from its URL, or its storage key for a create. */
  function requestedName(spanId: string): string {
    const h = handlers.get(spanId);
    assert.ok(h, `link to a span that is not an apiserver handler span: ${spanId}`);
    const name = String(h.attributes.name ?? '');
    if (name !== '') return name;
    return (keys.get(String(h.attributes['audit-id'])) ?? '').split('/').pop() ?? '';
  }

  /** Batches moved `ms` later in the recording, as if the apiserver had exported them late. */
  function delayed(ms: number): PositionedTapBatch[] {
    return batches.map(({ batch }) => {
      const time = batch.time + ms;
      let at = deltas.findIndex((d) => d.time > time);
      if (at < 0) at = deltas.length;
      return { batch: { ...batch, time }, deltasBefore: at };
    });
  }

  describe(`correlation on the recorded tap fixture ${name}`, () => {
    const records = replayCorrelated(deltas, batches, SETTINGS);
    const spans = spansOf(records);
    const roots = spans.filter((s) => s.role === 'intent' && s.service !== 'kubetrail');

    it('links every root to exactly its request, by verb and field manager', () => {
      const got = roots
        .sort((a, b) => a.startTime - b.startTime)
        .map((r) => {
          const links = requestLinks(r);
          assert.equal(links.length, 1, `${r.name} by ${r.service}: ${JSON.stringify(r.links)}`);
          const h = handlers.get(links[0]?.spanId ?? '');
          return [r.name, r.service, h?.attributes.verb, h?.attributes.subresource, h?.attributes.resource];
        });
      assert.deepEqual(got, [
        ['Deployment.Create', 'kubectl-create', 'POST', '', 'deployments'],
        ['Deployment.Update', 'kubectl-set', 'PATCH', '', 'deployments'],
        ['Deployment.Update', 'kubectl', 'PATCH', 'scale', 'deployments'],
        ['Deployment.Update', 'tap-e2e', 'APPLY', '', 'deployments'],
        ['Deployment.Delete', 'kubectl', 'DELETE', '', 'deployments'],
      ]);
    });

    it('names the deleter of a Delete root from its request', () => {
      const del = roots.find((r) => r.name === 'Deployment.Delete');
      assert.equal(del?.service, 'kubectl');
      assert.equal(del?.attributes['kubetrail.intent.manager'], 'kubectl');
      assert.equal(del?.attributes['kubetrail.intent.manager.source'], 'user-agent');
    });

    it("puts one back-link span in each request's trace, a child of the handler span, linking to the root", () => {
      const back = spans.filter((s) => s.service === 'kubetrail');
      assert.equal(back.length, roots.length);
      for (const root of roots) {
        const link = requestLinks(root)[0];
        const b = back.find((s) => s.links[0]?.spanId === root.spanId);
        assert.ok(b && link, root.name);
        assert.equal(b.traceId, link.traceId);
        assert.equal(b.parentSpanId, link.spanId);
        assert.deepEqual(b.links, [
          {
            traceId: root.traceId,
            spanId: root.spanId,
            attributes: { 'kubetrail.link.kind': 'kubetrail.root' },
          },
        ]);
      }
    });

    it('links every Created pod, Scheduled and Deleted pod to exactly its request, checked by name', () => {
      const actions = spans.filter((s) =>
        ['ReplicaSet.SuccessfulCreate', 'ReplicaSet.SuccessfulDelete', 'Pod.Scheduled'].includes(s.name),
      );
      assert.equal(actions.length, actionCount, 'every Created pod, Scheduled and Deleted pod action');
      for (const a of actions) {
        const links = requestLinks(a);
        assert.equal(links.length, 1, `${a.name} ${JSON.stringify(a.links)}`);
        const target = String(a.attributes['k8s.event.acted_on.name'] ?? a.attributes['k8s.pod.name']);
        assert.equal(requestedName(links[0]?.spanId ?? ''), target, a.name);
        const h = handlers.get(links[0]?.spanId ?? '');
        const want = {
          'ReplicaSet.SuccessfulCreate': ['POST', ''],
          'ReplicaSet.SuccessfulDelete': ['DELETE', ''],
          'Pod.Scheduled': ['POST', 'binding'],
        }[a.name];
        assert.deepEqual([h?.attributes.verb, h?.attributes.subresource], want, a.name);
      }
    });

    it('never links to a request for another object', () => {
      for (const s of spans) {
        for (const l of requestLinks(s)) {
          const target =
            s.role === 'intent'
              ? String(s.attributes['k8s.deployment.name'])
              : String(s.attributes['k8s.event.acted_on.name'] ?? s.attributes['k8s.pod.name']);
          assert.equal(requestedName(l.spanId), target, `${s.name} → ${l.spanId}`);
        }
      }
    });

    it('flags a scaling step that several updates of its ReplicaSet match, and links it to each', () => {
      const scaling = spans.filter((s) => s.name === 'Deployment.ScalingReplicaSet' && s.links.length > 0);
      assert.ok(scaling.length > 0);
      for (const s of scaling) {
        const ambiguous = s.links.map((l) => l.attributes?.['kubetrail.link.ambiguous'] === true);
        assert.ok(
          ambiguous.every((a) => a === s.links.length > 1),
          JSON.stringify(s.links),
        );
      }
    });

    it('makes the same links when every span arrives 5 s late, the apiserver batch delay', () => {
      const late = spansOf(replayCorrelated(deltas, delayed(5_000), SETTINGS));
      const linksOf = (list: SpanRecord[]) =>
        list.map((s) => `${s.traceId}/${s.spanId} ${JSON.stringify(s.links)}`).sort();
      assert.deepEqual(linksOf(late), linksOf(spans));
    });

    it('without tap spans, replay is exactly assembly alone', () => {
      assert.deepEqual(replayCorrelated(deltas, [], SETTINGS), replay(deltas, SETTINGS));
      assert.ok(spansOf(replay(deltas, SETTINGS)).every((s) => !kind(s).includes('apiserver.request')));
    });
  });
}
