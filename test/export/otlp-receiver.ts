/**
 * A real OTLP/gRPC trace receiver for tests: a @grpc/grpc-js server on 127.0.0.1
 * that decodes each ExportTraceServiceRequest with protobufjs and the vendored
 * opentelemetry-proto definitions kubetrail's tap uses.
 */
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { OTLP_TRACE_EXPORT_PATH } from '../../src/sources/tap/otlp-path.js';
import { OTLP_TRACE_DESCRIPTOR } from '../../src/sources/tap/otlp-trace-descriptor.js';

const root = protobuf.Root.fromJSON(OTLP_TRACE_DESCRIPTOR as protobuf.INamespace);
const Request = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const Response = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');

/** One decoded span: what the tests count and compare. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly name: string;
  readonly service: string | undefined;
}

interface DecodedRequest {
  resource_spans?: {
    resource?: { attributes?: { key: string; value?: { string_value?: string } }[] };
    scope_spans?: { spans?: { trace_id: Uint8Array; span_id: Uint8Array; name: string }[] }[];
  }[];
}

/** A running receiver. */
export interface OtlpReceiver {
  readonly port: number;
  /** Every span received, in arrival order. */
  readonly spans: ReceivedSpan[];
  /** Export requests received. */
  requests: number;
  /** Requests being handled now, and the most ever at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

/** Starts a receiver on 127.0.0.1 (`port` 0: any free port). Each answer waits `delayMs`, like a real backend's. */
export function startOtlpReceiver(options: { port?: number; delayMs?: number } = {}): Promise<OtlpReceiver> {
  const service: ServiceDefinition = {
    Export: {
      path: OTLP_TRACE_EXPORT_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: (m: Uint8Array) => Buffer.from(m),
      requestDeserialize: (b: Buffer) =>
        Request.toObject(Request.decode(b), { bytes: Array, defaults: false }),
      responseSerialize: () => Buffer.from(Response.encode(Response.create({})).finish()),
      responseDeserialize: (b: Buffer) => Response.decode(b),
    },
  };
  const server = new Server();
  const receiver: OtlpReceiver = {
    port: 0,
    spans: [],
    requests: 0,
    inFlight: 0,
    maxInFlight: 0,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
  const hex = (bytes: Uint8Array | number[]): string => Buffer.from(bytes).toString('hex');
  server.addService(service, {
    Export: (call: ServerUnaryCall<DecodedRequest, unknown>, done: sendUnaryData<unknown>) => {
      receiver.requests += 1;
      receiver.inFlight += 1;
      receiver.maxInFlight = Math.max(receiver.maxInFlight, receiver.inFlight);
      for (const rs of call.request.resource_spans ?? []) {
        const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value?.string_value;
        for (const ss of rs.scope_spans ?? []) {
          for (const s of ss.spans ?? []) {
            receiver.spans.push({ traceId: hex(s.trace_id), spanId: hex(s.span_id), name: s.name, service });
          }
        }
      }
      setTimeout(() => {
        receiver.inFlight -= 1;
        done(null, {});
      }, options.delayMs ?? 0);
    },
  });
  return new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, ServerCredentials.createInsecure(), (err, port) => {
      if (err) reject(err);
      else resolve(Object.assign(receiver, { port }));
    });
  });
}
