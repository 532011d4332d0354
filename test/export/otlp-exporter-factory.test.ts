import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveOtlpTarget } from '../../src/export/otlp-exporter-factory.js';

describe('resolveOtlpTarget', () => {
  it('treats a bare host:port as plaintext, like the apiserver', () => {
    assert.deepEqual(resolveOtlpTarget({ endpoint: 'collector:4317' }), {
      url: 'http://collector:4317',
      tls: false,
    });
  });
  it('uses TLS for https:// or when TLS files are given', () => {
    assert.deepEqual(resolveOtlpTarget({ endpoint: 'https://c:4317' }), { url: 'https://c:4317', tls: true });
    assert.deepEqual(resolveOtlpTarget({ endpoint: 'c:4317', tlsCa: '/ca.pem' }), {
      url: 'https://c:4317',
      tls: true,
    });
  });
  it('lets --insecure win over the scheme', () => {
    assert.deepEqual(resolveOtlpTarget({ endpoint: 'https://c:4317', insecure: true }), {
      url: 'http://c:4317',
      tls: false,
    });
  });
  it('leaves the URL to OTEL_EXPORTER_OTLP_* when no endpoint is configured', () => {
    assert.equal(resolveOtlpTarget({}).url, undefined);
  });
});
