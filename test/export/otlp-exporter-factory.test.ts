import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ExportError } from '../../src/export/export-error.js';
import { createOtlpTraceExporter, resolveOtlpTarget } from '../../src/export/otlp-exporter-factory.js';

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

describe('createOtlpTraceExporter', () => {
  it('fails at startup on a TLS key that is not PEM, or a missing TLS file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubetrail-otlp-tls-'));
    const key = join(dir, 'key.pem');
    writeFileSync(key, 'not a key');
    assert.throws(
      () => createOtlpTraceExporter({ endpoint: 'c:4317', tlsCert: key, tlsKey: key }),
      (e: unknown) =>
        e instanceof ExportError && e.code === 'ERR_EXPORT_BACKEND' && /invalid TLS files/.test(e.message),
    );
    assert.throws(() => createOtlpTraceExporter({ endpoint: 'c:4317', tlsCa: join(dir, 'missing.pem') }), {
      code: 'ERR_EXPORT_BACKEND',
      message: /cannot read TLS CA/,
    });
  });

  it('loads gRPC on the first export only: a process that never exports never loads it', () => {
    // A fresh process: this one may have loaded gRPC already. @grpc/grpc-js is CommonJS, so it shows in require.cache.
    const factory = new URL('../../src/export/otlp-exporter-factory.js', import.meta.url).href;
    const script = `
      import { createRequire } from 'node:module';
      const { createOtlpTraceExporter } = await import(${JSON.stringify(factory)});
      const grpcLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('@grpc/grpc-js'));
      const seen = [];
      const idle = createOtlpTraceExporter({ endpoint: '127.0.0.1:9' });
      await idle.forceFlush();
      await idle.shutdown();
      seen.push(grpcLoaded());
      const used = createOtlpTraceExporter({ endpoint: '127.0.0.1:9', timeoutMillis: 200 });
      const result = await new Promise((resolve) => used.export([], resolve));
      seen.push(grpcLoaded(), result.code, String(result.error?.message));
      await used.shutdown();
      console.log(JSON.stringify(seen));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('.', import.meta.url)),
      encoding: 'utf8',
    });
    const [idleLoaded, usedLoaded, code, error] = JSON.parse(out.trim()) as [
      boolean,
      boolean,
      number,
      string,
    ];
    assert.equal(idleLoaded, false);
    assert.equal(usedLoaded, true);
    // Nothing listens on port 9: gRPC itself tried and failed (FAILED is 1).
    assert.equal(code, 1);
    assert.match(error, /UNAVAILABLE|DEADLINE_EXCEEDED/);
  });
});
