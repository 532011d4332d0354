import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { createOtlpTraceExporter } from '../../src/export/otlp-exporter-factory.js';
import { OtlpSink } from '../../src/export/otlp-sink.js';
import { healthyTrace, smallTrace } from './fixtures.js';

/** A minimal OTLP gRPC receiver: it keeps the raw protobuf requests. */
function startReceiver(port: number): Promise<{ server: Server; requests: Buffer[]; port: number }> {
  const requests: Buffer[] = [];
  const identity = (b: Buffer): Buffer => b;
  const service: ServiceDefinition = {
    Export: {
      path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
  const server = new Server();
  server.addService(service, {
    Export: (call: ServerUnaryCall<Buffer, Buffer>, done: sendUnaryData<Buffer>) => {
      requests.push(call.request);
      done(null, Buffer.alloc(0));
    },
  });
  return new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err, bound) => {
      if (err) reject(err);
      else resolve({ server, requests, port: bound });
    });
  });
}

describe('OTLP over real gRPC', () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.forceShutdown();
  });

  it('delivers spans with their own ids, and recovers when the receiver comes up later', async () => {
    // Find a free port, then close the receiver: the backend starts "down".
    const probe = await startReceiver(0);
    const port = probe.port;
    await new Promise<void>((r) => probe.server.tryShutdown(() => r()));

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

    const receiver = await startReceiver(port);
    servers.push(receiver.server);
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
