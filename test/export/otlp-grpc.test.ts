import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createOtlpTraceExporter } from '../../src/export/otlp-exporter-factory.js';
import { OtlpSink } from '../../src/export/otlp-sink.js';
import { type RawOtlpServer, startRawOtlpServer } from '../sources/tap/raw-otlp-server.js';
import { healthyTrace, smallTrace } from './fixtures.js';

describe('OTLP over real gRPC', () => {
  const servers: RawOtlpServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  it('delivers spans with their own ids, and recovers when the receiver comes up later', async () => {
    // Find a free port, then close the receiver: the backend starts "down".
    const probe = await startRawOtlpServer(0);
    const port = probe.port;
    await probe.close();

    const lines: string[] = [];
    const sink = new OtlpSink({
      exporter: createOtlpTraceExporter({ endpoint: `127.0.0.1:${port}`, timeoutMillis: 2000 }),
      scheduledDelayMillis: 50,
      log: (msg) => lines.push(msg),
    });
    await sink.export([healthyTrace('e'.repeat(32))]);
    await sink.forceFlush();
    assert.equal(sink.counters.spansExported, 0);
    assert.equal(sink.counters.spansDropped, 1);
    assert.deepEqual(lines, ['OTLP export failing; spans dropped']);

    const receiver = await startRawOtlpServer(port);
    servers.push(receiver);
    const trace = smallTrace();
    let delivered = false;
    for (let attempt = 0; attempt < 20 && !delivered; attempt++) {
      await sink.export([trace]);
      await sink.forceFlush();
      delivered = receiver.requests.length > 0;
      if (!delivered) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(delivered, 'the sink recovered without a restart');
    const body = Buffer.concat(receiver.requests);
    assert.ok(body.includes(Buffer.from(trace.traceId, 'hex')), 'the trace id travels unchanged');
    assert.ok(body.includes(Buffer.from('3333333333333333', 'hex')), 'span ids travel unchanged');
    assert.ok(body.includes(Buffer.from('kubectl-client-side-apply')), 'service.name per component');
    assert.equal(lines.at(-1), 'OTLP export recovered');
    await sink.shutdown();
  });
});
