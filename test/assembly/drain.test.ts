import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { replayCorrelated } from '../../src/correlation/replay-correlated.js';
import type { Delta } from '../../src/model/delta.js';
import type { SpanRecord } from '../../src/model/span-record.js';
import type { PositionedTapBatch, TapSpan } from '../../src/model/tap-span.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { Forest, repoRoot, shuffleWithinWindows, treeSignature } from './trees.js';

/**
 * test/fixtures/tap/node-drain.jsonl, recorded on the local control plane with
 * the tap on (test/e2e/record-tap-fixture.ts drain): Deployments web (2 Pods) and
 * api (1 Pod) on kwok-node-0, then `kubectl drain kwok-node-0` (a cordon, three
 * evictions), then an uncordon.
 */
const FILE = path.join(repoRoot(), 'test/fixtures/tap/node-drain.jsonl');
const SHUFFLES = 20;

function load(): { deltas: Delta[]; batches: PositionedTapBatch[] } {
  const batches: PositionedTapBatch[] = [];
  const deltas = parseRecording(readFileSync(FILE, 'utf8'), FILE, {
    onSpans: (batch, deltasBefore) => batches.push({ batch, deltasBefore }),
  });
  return { deltas, batches };
}

const requestLinks = (s: SpanRecord) =>
  s.links.filter((l) => l.attributes?.['kubetrail.link.kind'] === 'apiserver.request');

describe('a node drain is one trace, rooted at its cordon (tap/node-drain.jsonl)', () => {
  const { deltas, batches } = load();
  const records = replayCorrelated(deltas, batches);
  const forest = new Forest(records);
  const drain = forest.traces.find((t) => t.root.name === 'Node.Cordon');

  it('the cordon roots the trace, and each eviction of the drain is a Pod.Evict child of it', () => {
    assert.ok(drain !== undefined, 'a Node.Cordon trace');
    assert.deepEqual(
      forest
        .orphans()
        .filter((s) => s.service !== 'kubetrail')
        .map((s) => s.name),
      [],
      'every parent is in its trace (back-link spans hang under the requests)',
    );
    assert.deepEqual(
      forest.traces.filter((t) => t.root.name === 'Pod.Evict').map((t) => t.traceId),
      [],
      'no eviction of the drain is a trace of its own',
    );
    assert.equal(drain.root.service, 'kubectl');
    assert.equal(drain.root.parentSpanId, undefined);
    assert.equal(drain.root.attributes['k8s.node.name'], 'kwok-node-0');
    assert.equal(drain.root.attributes['kubetrail.drain.evictions'], 3);
    const evictions = drain.spans.filter((s) => s.name === 'Pod.Evict');
    assert.deepEqual(
      evictions.map((s) => String(s.attributes['k8s.pod.name']).replace(/-[a-z0-9]+-[a-z0-9]+$/, '')).sort(),
      ['api', 'web', 'web'],
    );
    assert.equal(new Set(evictions.map((s) => s.spanId)).size, 3, 'two Pods of one workload: two roots');
    for (const e of evictions) {
      assert.equal(e.parentSpanId, drain.root.spanId);
      assert.equal(e.attributes['kubetrail.intent.reason'], 'EvictionByEvictionAPI');
      assert.ok(e.startTime >= drain.root.startTime && e.endTime <= drain.root.endTime, 'inside the drain');
    }
    // Each eviction holds its Pod's termination and its replacement.
    assert.equal(drain.spans.filter((s) => s.name === 'Pod.Termination').length, 3);
    assert.equal(drain.spans.filter((s) => s.name === 'ReplicaSet.SuccessfulCreate').length, 3);
  });

  it("links the cordon to kubectl's PATCH of the Node, and each eviction to its POST pods/NAME/eviction, named kubectl", () => {
    assert.ok(drain !== undefined);
    const [cordonLink, ...more] = requestLinks(drain.root);
    assert.ok(cordonLink !== undefined, 'the cordon links to its request');
    assert.equal(more.length, 0);
    assert.equal(cordonLink.attributes?.['kubetrail.link.ambiguous'], undefined);
    const byAudit = new Map<string, TapSpan>();
    for (const b of batches) for (const s of b.batch.spans) byAudit.set(`${s.traceId}/${s.spanId}`, s);
    const patch = byAudit.get(`${cordonLink.traceId}/${cordonLink.spanId}`);
    assert.deepEqual(
      [
        patch?.name,
        patch?.attributes.resource,
        patch?.attributes.name,
        String(patch?.attributes['user-agent']).split('/')[0],
      ],
      ['Patch', 'nodes', 'kwok-node-0', 'kubectl'],
    );
    for (const e of drain.spans.filter((s) => s.name === 'Pod.Evict')) {
      const [link, ...others] = requestLinks(e);
      assert.ok(link !== undefined, `${e.attributes['k8s.pod.name']} links to its eviction`);
      assert.equal(others.length, 0);
      const request = byAudit.get(`${link.traceId}/${link.spanId}`);
      assert.deepEqual(
        [request?.attributes.subresource, request?.attributes.name],
        ['eviction', e.attributes['k8s.pod.name']],
      );
      assert.equal(e.service, 'kubectl', 'the evictor, from the request');
    }
  });

  it('the same trees, ids and parents in every shuffle of the deltas', () => {
    const expected = treeSignature(records.filter((r) => r.root.service !== 'kubetrail'));
    for (let seed = 1; seed <= SHUFFLES; seed++) {
      const out = replayCorrelated(shuffleWithinWindows(deltas, seed * 7919), batches).filter(
        (r) => r.root.service !== 'kubetrail',
      );
      assert.equal(treeSignature(out), expected, `seed ${seed}`);
    }
  });
});
