// The live source over a scripted apiserver: refusals (403) and slow lists that a
// real cluster does not produce on demand. Real RBAC refusals are covered end to
// end (in-cluster.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delta } from '../../../src/model/delta.js';
import type { JsonResponse, KubeTransport, LineStream } from '../../../src/sources/kube/kube-transport.js';
import { LiveSource, type RefusedAccess } from '../../../src/sources/kube/live-source.js';
import { ManualTiming } from './manual-timing.js';

type Answer = JsonResponse | Promise<JsonResponse>;

function list(kind: string, names: string[]): JsonResponse {
  return {
    status: 200,
    body: {
      kind: `${kind}List`,
      apiVersion: 'v1',
      metadata: { resourceVersion: '100' },
      items: names.map((name, i) => ({
        metadata: { name, namespace: 'ns', uid: `${name}-uid`, resourceVersion: String(i + 1) },
      })),
    },
  };
}

function forbidden(resource: string, group: string): JsonResponse {
  return {
    status: 403,
    body: {
      kind: 'Status',
      message: `${resource} is forbidden: User "system:serviceaccount:kubetrail:kubetrail" cannot list resource "${resource}" in API group "${group}" at the cluster scope`,
    },
  };
}

/** An apiserver whose lists answer from a script; unscripted lists are empty, watches idle. */
class ScriptedCluster implements KubeTransport {
  readonly lists = new Map<string, (call: number) => Answer>();
  readonly watchStatus = new Map<string, number>();
  readonly requested: string[] = [];
  readonly #calls = new Map<string, number>();

  getJson(path: string): Promise<JsonResponse> {
    if (path === '/apis/events.k8s.io/v1')
      return Promise.resolve({
        status: 200,
        body: { resources: [{ name: 'events', namespaced: true, verbs: ['list', 'watch'] }] },
      });
    this.requested.push(path);
    const call = this.#calls.get(path) ?? 0;
    this.#calls.set(path, call + 1);
    const script = this.lists.get(path);
    return Promise.resolve(script ? script(call) : list('Thing', []));
  }

  sendJson(): Promise<JsonResponse> {
    return Promise.reject(new Error('no writes'));
  }

  stream(path: string, _q: Readonly<Record<string, string>>, signal: AbortSignal): Promise<LineStream> {
    const status = this.watchStatus.get(path);
    if (status !== undefined)
      return Promise.resolve({
        status,
        errorBody: '{"message":"watch refused"}',
        forEachLine: async () => {},
      });
    return Promise.resolve({
      status: 200,
      errorBody: '',
      forEachLine: async () => {
        await new Promise<void>((resolve) =>
          signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      },
    });
  }
}

function source(cluster: ScriptedCluster, timing: ManualTiming, more: { namespaces?: string[] } = {}) {
  const deltas: Delta[] = [];
  const refused: RefusedAccess[] = [];
  const s = new LiveSource({
    transport: cluster,
    resources: ['events', 'pods', 'deployments'],
    ...more,
    timing,
    onDelta: (d) => deltas.push(d),
    onForbidden: (r) => refused.push(r),
  });
  return { s, deltas, refused };
}

/** Resolves to 'settled' when `p` resolves within the scripted time, else 'pending'. */
async function within(p: Promise<void>, timing: ManualTiming, ms: number): Promise<'settled' | 'pending'> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await timing.advance(ms);
  return done ? 'settled' : 'pending';
}

const nameOf = (d: Delta) => (d.object as { metadata: { name: string } }).metadata.name;

describe('LiveSource', () => {
  it('keeps going when one resource is forbidden: the others list, Events included, and it names the missing RBAC rule', async () => {
    const cluster = new ScriptedCluster();
    cluster.lists.set('/apis/apps/v1/deployments', () => forbidden('deployments', 'apps'));
    cluster.lists.set('/api/v1/pods', () => list('Pod', ['p1']));
    cluster.lists.set('/apis/events.k8s.io/v1/events', () => list('Event', ['e1']));
    const timing = new ManualTiming();
    const { s, deltas, refused } = source(cluster, timing);
    assert.equal(await within(s.start(), timing, 0), 'settled');
    assert.deepEqual(deltas.map(nameOf).sort(), ['e1', 'p1']);
    assert.deepEqual(s.waiting, []);
    assert.deepEqual(s.refused, ['apps/v1/deployments']);
    assert.equal(refused.length, 1);
    assert.deepEqual(
      { ...refused[0], message: undefined },
      {
        resource: 'apps/v1/deployments',
        verb: 'list',
        rule: 'apiGroups: ["apps"], resources: ["deployments"], verbs: ["list", "watch"]',
        message: undefined,
      },
    );
    assert.match(refused[0]?.message ?? '', /HTTP 403 deployments is forbidden: User/);
    // It keeps retrying with backoff, and reports the refusal only once.
    await timing.advance(60_000);
    assert.ok(cluster.requested.filter((p) => p === '/apis/apps/v1/deployments').length > 2);
    assert.equal(refused.length, 1);
    await s.stop();
  });

  it('starts every list at once, but holds Events back until the objects have listed', async () => {
    const cluster = new ScriptedCluster();
    let releasePods: () => void = () => {};
    const pods = new Promise<void>((resolve) => {
      releasePods = resolve;
    });
    cluster.lists.set('/api/v1/pods', () => pods.then(() => list('Pod', ['p1'])));
    cluster.lists.set('/apis/events.k8s.io/v1/events', () => list('Event', ['e1']));
    const timing = new ManualTiming();
    const { s, deltas } = source(cluster, timing);
    const started = s.start();
    assert.equal(await within(started, timing, 0), 'pending');
    assert.deepEqual(
      [...cluster.requested].sort(),
      ['/api/v1/pods', '/apis/apps/v1/deployments', '/apis/events.k8s.io/v1/events'],
      'all three lists are in flight',
    );
    assert.deepEqual(deltas.map(nameOf), [], 'the Event waits for the Pods');
    assert.deepEqual(s.waiting, ['core/v1/pods']);
    releasePods();
    assert.equal(await within(started, timing, 0), 'settled');
    assert.deepEqual(deltas.map(nameOf), ['p1', 'e1']);
    await s.stop();
  });

  it('delivers the startup lists in the configured order, whichever answers first', async () => {
    const cluster = new ScriptedCluster();
    let releasePods: () => void = () => {};
    const pods = new Promise<void>((resolve) => {
      releasePods = resolve;
    });
    cluster.lists.set('/api/v1/pods', () => pods.then(() => list('Pod', ['p1'])));
    cluster.lists.set('/apis/apps/v1/replicasets', () => list('ReplicaSet', ['rs1']));
    cluster.lists.set('/apis/apps/v1/deployments', () => list('Deployment', ['d1']));
    cluster.lists.set('/apis/events.k8s.io/v1/events', () => list('Event', ['e1']));
    const timing = new ManualTiming();
    const deltas: Delta[] = [];
    const s = new LiveSource({
      transport: cluster,
      resources: ['events', 'pods', 'replicasets', 'deployments'],
      timing,
      onDelta: (d) => deltas.push(d),
    });
    const started = s.start();
    await timing.advance(0);
    assert.deepEqual(deltas.map(nameOf), [], 'everything waits for the Pods, first in line');
    releasePods();
    assert.equal(await within(started, timing, 0), 'settled');
    assert.deepEqual(deltas.map(nameOf), ['p1', 'rs1', 'd1', 'e1']);
    await s.stop();
  });

  it('a failing object list does not hold Events back, but keeps the source waiting', async () => {
    const cluster = new ScriptedCluster();
    cluster.lists.set('/api/v1/pods', () => ({ status: 500, body: { message: 'etcd is sad' } }));
    cluster.lists.set('/apis/events.k8s.io/v1/events', () => list('Event', ['e1']));
    const timing = new ManualTiming();
    const { s, deltas } = source(cluster, timing);
    assert.equal(await within(s.start(), timing, 0), 'pending');
    assert.deepEqual(deltas.map(nameOf), ['e1']);
    assert.deepEqual(s.waiting, ['core/v1/pods']);
    await s.stop();
  });

  it('a resource granted later lists and is no longer reported refused', async () => {
    const cluster = new ScriptedCluster();
    cluster.lists.set('/api/v1/pods', (call) => (call < 2 ? forbidden('pods', '') : list('Pod', ['p1'])));
    const timing = new ManualTiming();
    const { s, deltas, refused } = source(cluster, timing);
    await within(s.start(), timing, 0);
    assert.deepEqual(s.refused, ['core/v1/pods']);
    await timing.advance(10_000);
    assert.deepEqual(s.refused, []);
    assert.deepEqual(deltas.map(nameOf), ['p1']);
    assert.equal(refused.length, 1);
    await s.stop();
  });

  it('reports a refused watch after an allowed list, and a namespace when watching one', async () => {
    const cluster = new ScriptedCluster();
    cluster.watchStatus.set('/api/v1/namespaces/team/pods', 403);
    const timing = new ManualTiming();
    const { s, refused } = source(cluster, timing, { namespaces: ['team'] });
    await within(s.start(), timing, 0);
    await timing.advance(5_000);
    assert.equal(refused.length, 1);
    assert.equal(refused[0]?.verb, 'watch');
    assert.equal(refused[0]?.namespace, 'team');
    assert.equal(refused[0]?.rule, 'apiGroups: [""], resources: ["pods"], verbs: ["list", "watch"]');
    assert.deepEqual(s.refused, ['core/v1/pods in team']);
    await s.stop();
  });
});
