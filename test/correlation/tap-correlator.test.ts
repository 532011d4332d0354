import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TapCorrelator } from '../../src/correlation/tap-correlator.js';
import { msToNanosString } from '../../src/export/time.js';
import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';
import type { TapSpan } from '../../src/model/tap-span.js';

const T = Date.parse('2026-11-30T09:00:00Z');

function span(over: Partial<SpanRecord> & Pick<SpanRecord, 'name' | 'role' | 'attributes'>): SpanRecord {
  return {
    traceId: '1'.repeat(32),
    spanId: '2'.repeat(16),
    service: 'replicaset-controller',
    startTime: T + 300,
    endTime: T + 400,
    status: { code: 'UNSET' },
    events: [],
    links: [],
    ...over,
  };
}

function trace(...spans: SpanRecord[]): TraceRecord {
  const root = spans[0] as SpanRecord;
  return { traceId: root.traceId, root, spans, end: 'converged', partial: false, hasError: false };
}

let n = 0;
function request(verb: string, resource: string, name: string, ua: string, start = T + 100): TapSpan {
  n += 1;
  return {
    traceId: n.toString(16).padStart(32, 'c'),
    spanId: n.toString(16).padStart(16, 'd'),
    name: verb === 'POST' ? 'Create' : verb === 'DELETE' ? 'Delete' : 'Patch',
    service: 'apiserver',
    startTime: start,
    endTime: start + 3,
    attributes: {
      'audit-id': `audit-${n}`,
      verb,
      resource,
      subresource: '',
      namespace: 'ns',
      name,
      'user-agent': ua,
    },
  };
}

const RS =
  'kube-controller-manager/v1.37.1 (linux/amd64) kubernetes/$Format/system:serviceaccount:kube-system:replicaset-controller';
const deletedPod = span({
  name: 'ReplicaSet.SuccessfulDelete',
  role: 'action',
  attributes: {
    'k8s.namespace.name': 'ns',
    'k8s.event.reason': 'SuccessfulDelete',
    'k8s.event.reporting_controller': 'replicaset-controller',
    'k8s.event.acted_on.kind': 'Pod',
    'k8s.event.acted_on.name': 'web-1',
  },
});

describe('TapCorrelator', () => {
  it("holds a trace for the apiserver's batch delay, so a request that arrives after assembly still links", () => {
    const c = new TapCorrelator({ holdMs: 7_000 });
    assert.deepEqual(c.process([trace(deletedPod)], T + 1_000), []);
    c.addSpans([request('DELETE', 'pods', 'web-1', RS)], T + 5_000);
    const out = c.process([], T + 8_000);
    assert.equal(out.length, 1);
    assert.deepEqual(
      out[0]?.spans[0]?.links.map((l) => l.attributes?.['kubetrail.link.kind']),
      ['apiserver.request'],
    );
  });

  it('links nothing for another object, another verb or another sender (kwok finalizing the same Pod)', () => {
    const c = new TapCorrelator({ holdMs: 0 });
    c.addSpans(
      [
        request('DELETE', 'pods', 'web-2', RS),
        request('POST', 'pods', 'web-1', RS),
        request('DELETE', 'pods', 'web-1', 'kwok/v0.8.0 (linux/amd64)'),
        request('DELETE', 'pods', 'web-1', RS, T - 3_000),
      ],
      T,
    );
    const out = c.process([trace(deletedPod)], T + 10_000);
    assert.deepEqual(out[0]?.spans[0]?.links, []);
    assert.equal(out[0]?.spans[0], deletedPod, 'an unlinked span is passed on as it was');
  });

  it('links each of several exact matches, flagged ambiguous, and never chooses', () => {
    const c = new TapCorrelator({ holdMs: 0 });
    const a = request('DELETE', 'pods', 'web-1', RS, T + 100);
    const b = request('DELETE', 'pods', 'web-1', RS, T + 200);
    c.addSpans([a, b], T);
    const links = c.process([trace(deletedPod)], T + 10_000)[0]?.spans[0]?.links ?? [];
    assert.deepEqual(
      links.map((l) => [l.spanId, l.attributes?.['kubetrail.link.ambiguous']]),
      [
        [a.spanId, true],
        [b.spanId, true],
      ],
    );
    assert.equal(c.stats().ambiguousLinks, 1);
  });

  it('a scaling step from N > 0 links only to updates: a ReplicaSet that existed was not created by it', () => {
    const DC =
      'kube-controller-manager/v1.37.1 (linux/amd64) kubernetes/$Format/system:serviceaccount:kube-system:deployment-controller';
    const step = (note: string) =>
      span({
        name: 'Deployment.ScalingReplicaSet',
        role: 'action',
        service: 'deployment-controller',
        attributes: {
          'k8s.namespace.name': 'ns',
          'k8s.event.reason': 'ScalingReplicaSet',
          'k8s.event.reporting_controller': 'deployment-controller',
          'k8s.event.acted_on.kind': 'ReplicaSet',
          'k8s.event.acted_on.name': 'web-7c4c8b4cc',
          'k8s.event.note': note,
        },
      });
    const c = new TapCorrelator({ holdMs: 0 });
    const create = request('POST', 'replicasets', 'web-7c4c8b4cc', DC, T + 100);
    const update = request('PUT', 'replicasets', 'web-7c4c8b4cc', DC, T + 150);
    c.addSpans([create, update], T);
    const linksOf = (note: string) =>
      (c.process([trace(step(note))], T + 10_000)[0]?.spans[0]?.links ?? []).map((l) => [
        l.spanId,
        l.attributes?.['kubetrail.link.ambiguous'] ?? false,
      ]);
    assert.deepEqual(linksOf('Scaled up replica set web-7c4c8b4cc from 1 to 2'), [[update.spanId, false]]);
    assert.deepEqual(
      linksOf('(combined from similar events): Scaled down replica set web-7c4c8b4cc from 3 to 2'),
      [[update.spanId, false]],
    );
    // From 0: the create or an update of a ReplicaSet at 0; both stay, flagged.
    assert.deepEqual(linksOf('Scaled up replica set web-7c4c8b4cc from 0 to 1'), [
      [create.spanId, true],
      [update.spanId, true],
    ]);
    assert.deepEqual(linksOf('a note in another wording'), [
      [create.spanId, true],
      [update.spanId, true],
    ]);
  });

  it('beyond 3 matches, links the 3 nearest to the span, not the earliest', () => {
    const c = new TapCorrelator({ holdMs: 0 });
    // deletedPod starts at T + 300; the window is the second before its stamp's and its own.
    const all = [-900, -500, 100, 250, 290, 600].map((dt) => request('DELETE', 'pods', 'web-1', RS, T + dt));
    c.addSpans(all, T);
    const links = c.process([trace(deletedPod)], T + 10_000)[0]?.spans[0]?.links ?? [];
    assert.deepEqual(
      links.map((l) => l.spanId),
      [all[2]?.spanId, all[3]?.spanId, all[4]?.spanId],
    );
    assert.ok(links.every((l) => l.attributes?.['kubetrail.link.ambiguous'] === true));
  });

  it("links a Pod's lifecycle span to the kubelet's spans for its uid", () => {
    const c = new TapCorrelator({ holdMs: 0 });
    const kubelet = (i: number, uid: string): TapSpan => ({
      traceId: 'e'.repeat(31) + i,
      spanId: 'f'.repeat(15) + i,
      name: 'syncPod',
      service: 'kubelet',
      startTime: T + i,
      endTime: T + i + 1,
      attributes: { 'k8s.pod.uid': uid },
    });
    c.addSpans([kubelet(1, 'uid-a'), kubelet(2, 'uid-b'), kubelet(3, 'uid-a')], T);
    const pod = span({
      name: 'Pod.Lifecycle',
      role: 'lifecycle',
      service: 'kubelet',
      attributes: { 'k8s.pod.name': 'web-1', 'k8s.pod.uid': 'uid-a' },
    });
    const links = c.process([trace(pod)], T + 1)[0]?.spans[0]?.links ?? [];
    assert.deepEqual(
      links.map((l) => [l.spanId, l.attributes?.['kubetrail.link.kind']]),
      [
        ['f'.repeat(15) + 1, 'kubelet'],
        ['f'.repeat(15) + 3, 'kubelet'],
      ],
    );
  });

  it('adds a back-link span into the request trace of a root, and names a Delete root from the user agent', () => {
    const c = new TapCorrelator({ holdMs: 0 });
    const del = request(
      'DELETE',
      'deployments',
      'web',
      'kubectl/v1.37.1 (linux/amd64) kubernetes/$Format',
      T + 50,
    );
    c.addSpans([del], T);
    const root = span({
      name: 'Deployment.Delete',
      role: 'intent',
      service: 'unknown',
      startTime: T + 60,
      attributes: {
        'k8s.namespace.name': 'ns',
        'k8s.deployment.name': 'web',
        'kubetrail.intent': 'delete',
        'kubetrail.intent.manager': 'unknown',
      },
    });
    const out = c.process([trace(root)], T + 10_000);
    assert.equal(out.length, 2);
    const linked = out[0]?.root;
    assert.equal(linked?.service, 'kubectl');
    assert.equal(linked?.attributes['kubetrail.intent.manager'], 'kubectl');
    const back = out[1]?.root;
    assert.equal(back?.traceId, del.traceId);
    assert.equal(back?.parentSpanId, del.spanId);
    assert.deepEqual(back?.links, [
      { traceId: root.traceId, spanId: root.spanId, attributes: { 'kubetrail.link.kind': 'kubetrail.root' } },
    ]);
  });

  it('links an update root that starts in the second after its request (a scale entry has no time)', () => {
    // As recorded live (the first tap/untimed-scale.jsonl): kubectl's PATCH deployments/web/scale
    // ended 1 ms before a second, and the root of its untimed entry starts at its observation, in
    // the next second.
    const c = new TapCorrelator({ holdMs: 0 });
    const patch = request(
      'PATCH',
      'deployments',
      'web',
      'kubectl/v1.37.1 (linux/amd64) kubernetes/$Format',
      T - 6,
    );
    const scale = { ...patch, attributes: { ...patch.attributes, subresource: 'scale' } };
    c.addSpans([scale], T - 1_000);
    const root = span({
      name: 'Deployment.Update',
      role: 'intent',
      service: 'kubectl',
      startTime: T + 1,
      attributes: {
        'k8s.namespace.name': 'ns',
        'k8s.deployment.name': 'web',
        'kubetrail.intent': 'update',
        'kubetrail.intent.manager': 'kubectl',
      },
    });
    const links = c.process([trace(root)], T + 10_000)[0]?.root.links ?? [];
    assert.deepEqual(
      links.map((l) => [l.spanId, l.attributes?.['kubetrail.link.kind']]),
      [[scale.spanId, 'apiserver.request']],
    );
  });

  it('places the back-link span inside its handler span to the nanosecond, as exported', () => {
    // The handler's times as the tap holds them (float milliseconds of the wire's nanoseconds):
    // 09:00:00.050731400 → .054100600, whose microseconds round outward at both ends.
    const start = BigInt(T) * 1_000_000n + 50_731_400n;
    const end = start + 3_369_200n;
    const del = {
      ...request('DELETE', 'deployments', 'web', 'kubectl/v1.37.1 (linux/amd64) kubernetes/$Format'),
      startTime: Number(start) / 1e6,
      endTime: Number(end) / 1e6,
    };
    const c = new TapCorrelator({ holdMs: 0 });
    c.addSpans([del], T);
    const root = span({
      name: 'Deployment.Delete',
      role: 'intent',
      service: 'unknown',
      startTime: T + 60,
      attributes: { 'k8s.namespace.name': 'ns', 'k8s.deployment.name': 'web', 'kubetrail.intent': 'delete' },
    });
    const back = c.process([trace(root)], T + 10_000)[1]?.root;
    assert.equal(back?.parentSpanId, del.spanId);
    const from = BigInt(msToNanosString(back?.startTime ?? 0));
    const to = BigInt(msToNanosString(back?.endTime ?? 0));
    assert.ok(start <= from && from <= to && to <= end, `${from}..${to} outside ${start}..${end}`);
  });

  it("links a user's Pod.Delete root to the user's DELETE, not the node agent's final one, and names the user", () => {
    const c = new TapCorrelator({ holdMs: 0 });
    const user = request(
      'DELETE',
      'pods',
      'web-1',
      'kubectl/v1.37.1 (linux/amd64) kubernetes/$Format',
      T + 40,
    );
    const kwok = request('DELETE', 'pods', 'web-1', 'kwok/v0.8.0 (linux/amd64)', T + 70);
    const kubelet = request(
      'DELETE',
      'pods',
      'web-1',
      'kubelet/v1.37.1 (linux/amd64) kubernetes/$Format',
      T + 90,
    );
    c.addSpans([user, kwok, kubelet], T);
    const root = span({
      name: 'Pod.Delete',
      role: 'intent',
      service: 'unknown',
      startTime: T + 50,
      attributes: {
        'k8s.namespace.name': 'ns',
        'k8s.pod.name': 'web-1',
        'kubetrail.intent': 'delete',
        'kubetrail.intent.manager': 'unknown',
      },
    });
    const out = c.process([trace(root)], T + 10_000);
    assert.deepEqual(
      out[0]?.root.links.map((l) => l.spanId),
      [user.spanId],
    );
    assert.equal(out[0]?.root.service, 'kubectl');
  });

  it("links a Pod.Evict root to the POST pods/NAME/eviction, not kwok's delete, and names the evictor", () => {
    const c = new TapCorrelator({ holdMs: 0 });
    const evict = {
      ...request('POST', 'pods', 'web-1', 'kubectl/v1.37.1 (linux/amd64) kubernetes/$Format', T + 40),
    };
    const eviction: TapSpan = { ...evict, attributes: { ...evict.attributes, subresource: 'eviction' } };
    const other = request('POST', 'pods', 'web-2', 'kubectl/v1.37.1 (linux/amd64)', T + 40);
    const kwok = request('DELETE', 'pods', 'web-1', 'kwok/v0.8.0 (linux/amd64)', T + 60);
    c.addSpans(
      [eviction, { ...other, attributes: { ...other.attributes, subresource: 'eviction' } }, kwok],
      T,
    );
    const root = span({
      name: 'Pod.Evict',
      role: 'intent',
      service: 'unknown',
      startTime: T + 50,
      attributes: {
        'k8s.namespace.name': 'ns',
        'k8s.pod.name': 'web-1',
        'kubetrail.intent': 'evict',
        'kubetrail.intent.manager': 'unknown',
      },
    });
    const out = c.process([trace(root)], T + 10_000);
    assert.deepEqual(
      out[0]?.root.links.map((l) => l.spanId),
      [eviction.spanId],
    );
    assert.equal(out[0]?.root.service, 'kubectl');
    assert.equal(out[0]?.root.attributes['kubetrail.intent.manager.source'], 'user-agent');
  });

  it("links a Node.Join root to the POST nodes named by its etcd key, within the Node's creation second", () => {
    const c = new TapCorrelator({ holdMs: 0 });
    const create = request('POST', 'nodes', '', 'kubelet/v1.37.1 (linux/amd64)', T + 20);
    const post: TapSpan = { ...create, attributes: { ...create.attributes, namespace: '' } };
    const key: TapSpan = {
      traceId: post.traceId,
      spanId: 'a'.repeat(16),
      parentSpanId: post.spanId,
      name: 'Create etcd3',
      service: 'apiserver',
      startTime: T + 21,
      endTime: T + 22,
      attributes: {
        'audit-id': String(post.attributes['audit-id']),
        key: '/registry/minions/n-new',
        resource: 'nodes',
      },
    };
    const early = request('POST', 'nodes', '', 'kubelet/v1.37.1', T - 1_500);
    c.addSpans(
      [post, key, { ...early, attributes: { ...early.attributes, namespace: '', name: 'n-new' } }],
      T,
    );
    const root = span({
      name: 'Node.Join',
      role: 'intent',
      service: 'unknown',
      startTime: T + 30,
      attributes: {
        'k8s.node.name': 'n-new',
        'kubetrail.intent': 'join',
        'kubetrail.intent.manager': 'unknown',
      },
    });
    const out = c.process([trace(root)], T + 10_000);
    assert.deepEqual(
      out[0]?.root.links.map((l) => l.spanId),
      [post.spanId],
      'the POST in the second of the creation stamp, not one from the second before',
    );
    assert.equal(out[0]?.root.service, 'kubelet');
  });

  it('releases the oldest held trace at once beyond its bound', () => {
    const c = new TapCorrelator({ holdMs: 60_000, maxHeldTraces: 1 });
    assert.equal(c.process([trace(deletedPod)], T).length, 0);
    assert.equal(c.process([trace(deletedPod)], T).length, 1);
    assert.equal(c.stats().heldTraces, 1);
  });
});
