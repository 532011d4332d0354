import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRequestPath, parseStorageKey, RequestIndex } from '../../src/correlation/request-index.js';
import type { TapSpan } from '../../src/model/tap-span.js';

const T = Date.parse('2026-11-30T09:00:00Z');

function handler(auditId: string, attrs: Record<string, string>, start = T): TapSpan {
  return {
    traceId: auditId
      .padStart(32, '0')
      .slice(-32)
      .replace(/[^0-9a-f]/g, 'a'),
    spanId: auditId
      .padStart(16, '0')
      .slice(-16)
      .replace(/[^0-9a-f]/g, 'b'),
    name: attrs.verb === 'POST' ? 'Create' : attrs.verb === 'DELETE' ? 'Delete' : 'Patch',
    service: 'apiserver',
    startTime: start,
    endTime: start + 5,
    attributes: { 'audit-id': auditId, subresource: '', 'user-agent': 'kubectl/v1.37.1', ...attrs },
  };
}

function etcd(auditId: string, key: string, resource: string): TapSpan {
  return {
    traceId: 'f'.repeat(32),
    spanId: 'e'.repeat(16),
    name: 'Create etcd3',
    service: 'apiserver',
    startTime: T + 1,
    endTime: T + 2,
    attributes: { 'audit-id': auditId, key, resource },
  };
}

describe('RequestIndex', () => {
  it('parses request paths and storage keys', () => {
    assert.deepEqual(parseRequestPath('/api/v1/namespaces/ns/pods/p/binding'), {
      namespace: 'ns',
      resource: 'pods',
      name: 'p',
      subresource: 'binding',
    });
    assert.deepEqual(parseRequestPath('/apis/apps/v1/namespaces/ns/deployments?x=1'), {
      namespace: 'ns',
      resource: 'deployments',
      name: '',
      subresource: '',
    });
    assert.deepEqual(parseStorageKey('/pods/ns/web-1', 'pods'), { namespace: 'ns', name: 'web-1' });
    assert.deepEqual(parseStorageKey('/registry/nodes/n1', 'nodes'), { namespace: '', name: 'n1' });
    // The apiserver keeps Nodes under their old name.
    assert.deepEqual(parseStorageKey('/registry/minions/n1', 'nodes'), { namespace: '', name: 'n1' });
    assert.equal(parseStorageKey('/pods/ns', 'deployments'), undefined);
  });

  it("names a create by its etcd child's key, whichever span arrives first", () => {
    for (const order of ['handler first', 'etcd first']) {
      const idx = new RequestIndex();
      const h = handler('a1', { verb: 'POST', resource: 'pods', namespace: 'ns', name: '' });
      const e = etcd('a1', '/pods/ns/web-1', 'pods');
      for (const s of order === 'handler first' ? [h, e] : [e, h]) idx.add(s, T);
      const found = idx.find('pods', 'ns', 'web-1');
      assert.equal(found.length, 1, order);
      assert.equal(found[0]?.spanId, h.spanId);
      assert.equal(found[0]?.actor, 'kubectl');
      assert.equal(idx.stats().partial, 0);
    }
  });

  it('ignores reads and spans without an audit id', () => {
    const idx = new RequestIndex();
    idx.add(
      { ...handler('g1', { verb: 'GET', resource: 'pods', namespace: 'ns', name: 'p' }), name: 'Get' },
      T,
    );
    idx.add({ ...handler('', { verb: 'PATCH', resource: 'pods', namespace: 'ns', name: 'p' }) }, T);
    assert.equal(idx.stats().requests, 0);
  });

  it('keeps the fieldManager of the HTTP span, by audit id', () => {
    const idx = new RequestIndex();
    idx.add(
      {
        ...handler('m1', {}),
        name: 'PATCH /apis/apps/v1/namespaces/{:namespace}/deployments/{:name}',
        attributes: {
          'audit-id': 'm1',
          'http.target': '/apis/apps/v1/namespaces/ns/deployments/web?fieldManager=kubectl-set',
        },
      },
      T,
    );
    assert.equal(idx.fieldManager('m1'), 'kubectl-set');
  });

  it('evicts by time window and by count, oldest first', () => {
    const idx = new RequestIndex({ windowMs: 60_000, maxRequests: 2 });
    for (const [i, t] of [
      [1, T],
      [2, T + 1_000],
      [3, T + 2_000],
    ] as const)
      idx.add(handler(`c${i}`, { verb: 'PATCH', resource: 'pods', namespace: 'ns', name: `p${i}` }, t), t);
    assert.deepEqual(
      [1, 2, 3].map((i) => idx.find('pods', 'ns', `p${i}`).length),
      [0, 1, 1],
    );
    assert.equal(idx.stats().evicted, 1);
    idx.evict(T + 61_500);
    assert.deepEqual(
      [2, 3].map((i) => idx.find('pods', 'ns', `p${i}`).length),
      [0, 1],
    );
  });

  it('bounds creates waiting for their key', () => {
    const idx = new RequestIndex({ maxPartial: 2 });
    for (const i of [1, 2, 3])
      idx.add(handler(`w${i}`, { verb: 'POST', resource: 'pods', namespace: 'ns', name: '' }), T);
    assert.equal(idx.stats().partial, 2);
    assert.throws(() => new RequestIndex({ maxPartial: 0 }), TypeError);
  });
});
