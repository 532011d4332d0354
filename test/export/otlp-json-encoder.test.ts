import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OtlpJsonEncoder } from '../../src/export/otlp-json-encoder.js';
import { msToHrTime, msToNanosString } from '../../src/export/time.js';
import { smallTrace, T0 } from './fixtures.js';

interface KeyValue {
  key: string;
  value: Record<string, unknown>;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  events?: { timeUnixNano: string; name: string; attributes?: KeyValue[] }[];
  links?: { traceId: string; spanId: string }[];
  status: { code: number; message?: string };
}
interface OtlpDoc {
  resourceSpans: {
    resource: { attributes: KeyValue[] };
    scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[];
  }[];
}

describe('msToNanosString', () => {
  it('keeps nanosecond digits a float would lose', () => {
    assert.equal(msToNanosString(T0), `${T0}000000`);
    assert.equal(msToNanosString(1621417378640.117), '1621417378640117000');
    assert.equal(msToNanosString(0.5), '500000');
    assert.deepEqual(msToHrTime(1500.25), [1, 500_250_000]);
  });
});

describe('OtlpJsonEncoder', () => {
  const encoder = new OtlpJsonEncoder({
    resourceAttributes: { 'k8s.cluster.name': 'prod' },
    scopeVersion: '0.1.0',
  });
  const line = encoder.encodeTraces([smallTrace()]);
  const doc = JSON.parse(line) as OtlpDoc;

  it('writes one line of valid JSON', () => {
    assert.doesNotMatch(line, /\n/);
  });

  it('groups spans by (service, instance) in order of first appearance', () => {
    const groups = doc.resourceSpans.map((rs) =>
      rs.resource.attributes.map((a) => `${a.key}=${String(a.value.stringValue)}`).join(' '),
    );
    assert.deepEqual(groups, [
      'service.name=kubectl-client-side-apply k8s.cluster.name=prod',
      'service.name=deployment-controller service.instance.id=kcm-1 k8s.cluster.name=prod',
      'service.name=replicaset-controller k8s.cluster.name=prod',
      'service.name=kubelet service.instance.id=node-1 k8s.cluster.name=prod',
    ]);
    for (const rs of doc.resourceSpans) {
      assert.equal(rs.scopeSpans.length, 1);
      assert.deepEqual(rs.scopeSpans[0]?.scope, { name: 'kubetrail', version: '0.1.0' });
    }
  });

  it('maps every span field', () => {
    const spans = doc.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    assert.equal(spans.length, 4);
    const root = spans[0];
    assert.ok(root);
    assert.equal(root.parentSpanId, undefined);
    assert.equal(root.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(root.kind, 1);
    assert.deepEqual(root.status, { code: 0 });
    const pod = spans.find((s) => s.spanId === '2222222222222222');
    assert.ok(pod);
    assert.equal(pod.parentSpanId, '1111111111111111');
    assert.equal(pod.startTimeUnixNano, `${T0 + 250}500000`);
    assert.equal(pod.endTimeUnixNano, `${T0 + 2000}000000`);
    assert.deepEqual(pod.attributes, [
      { key: 'k8s.pod.name', value: { stringValue: 'px-5d567cc74c-ss4lb' } },
      { key: 'k8s.pod.uid', value: { stringValue: 'u-1' } },
      { key: 'ready', value: { boolValue: true } },
      { key: 'ratio', value: { doubleValue: 0.5 } },
    ]);
    assert.deepEqual(pod.events, [
      {
        timeUnixNano: `${T0 + 300}000000`,
        name: 'PodScheduled',
        attributes: [{ key: 'status', value: { stringValue: 'True' } }],
      },
    ]);
    assert.deepEqual(pod.links, [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }]);
    const failed = spans.find((s) => s.spanId === '3333333333333333');
    assert.ok(failed);
    assert.deepEqual(failed.status, { code: 2, message: 'ErrImagePull' });
    assert.deepEqual(failed.attributes[1], {
      key: 'tags',
      value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } },
    });
    const scale = spans.find((s) => s.spanId === '1111111111111111');
    assert.deepEqual(scale?.attributes[1], { key: 'k8s.event.count', value: { intValue: '1' } });
  });

  it('escapes strings', () => {
    const t = smallTrace();
    const root = { ...t.root, name: 'a"b\\c\n\u0001' };
    const out = JSON.parse(encoder.encodeSpans([root])) as OtlpDoc;
    assert.equal(out.resourceSpans[0]?.scopeSpans[0]?.spans[0]?.name, 'a"b\\c\n\u0001');
  });

  it('encodes nothing as the empty string', () => {
    assert.equal(encoder.encodeTraces([]), '');
  });
});
