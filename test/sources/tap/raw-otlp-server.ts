/** A minimal OTLP/gRPC trace server for tests: it keeps each request's raw bytes. */
import {
  Client,
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type ServiceError,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import { OTLP_TRACE_EXPORT_PATH } from '../../../src/sources/tap/otlp-path.js';

const identity = (b: Buffer): Buffer => b;
const SERVICE: ServiceDefinition = {
  Export: {
    path: OTLP_TRACE_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

/** A running raw server. */
export interface RawOtlpServer {
  readonly port: number;
  readonly requests: Buffer[];
  close(): Promise<void>;
}

/** Starts a raw OTLP trace server on 127.0.0.1:`port` (0: any free port). */
export function startRawOtlpServer(port: number): Promise<RawOtlpServer> {
  const requests: Buffer[] = [];
  const server = new Server();
  server.addService(SERVICE, {
    Export: (call: ServerUnaryCall<Buffer, Buffer>, done: sendUnaryData<Buffer>) => {
      requests.push(call.request);
      done(null, Buffer.alloc(0));
    },
  });
  return new Promise((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err, bound) => {
      if (err) reject(err);
      else
        resolve({
          port: bound,
          requests,
          close: () => new Promise<void>((r) => server.tryShutdown(() => r())),
        });
    });
  });
}

/** Sends raw bytes to an OTLP trace server the way an exporter does; resolves to the gRPC status code. */
export function sendOtlpBytes(port: number, bytes: Uint8Array, metadata = new Metadata()): Promise<number> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      OTLP_TRACE_EXPORT_PATH,
      identity,
      identity,
      Buffer.from(bytes),
      metadata,
      { deadline: Date.now() + 5_000 },
      (err: ServiceError | null) => {
        client.close();
        resolve(err ? err.code : status.OK);
      },
    );
  });
}
