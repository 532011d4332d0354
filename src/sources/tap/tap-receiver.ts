/**
 * The tap receiver: an OTLP/gRPC trace endpoint (what kube-apiserver, kubelet,
 * etcd and CRI-O export to). Each request is decoded for correlation and, in
 * the inline topology, handed unchanged to the forwarder. The sender is
 * answered at once: it never waits on the backend. A request relayed by
 * another replica (gRPC metadata {@link TAP_RELAY_METADATA}) is only given to
 * correlation: its sender forwarded the original already.
 */
import {
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import { parseListenAddress } from '../../config/listen-address.js';
import type { TapSpan } from '../../model/tap-span.js';
import { decodeTraceRequest } from './decode-trace-request.js';
import { EMPTY_EXPORT_RESPONSE, OTLP_TRACE_EXPORT_PATH } from './otlp-path.js';
import type { TapForwarder } from './tap-forwarder.js';

/** The gRPC metadata key that marks a request relayed by another kubetrail replica; its value names the sender. */
export const TAP_RELAY_METADATA = 'kubetrail-relayed-by';

/** The default and the usual collector limit on one request. */
export const DEFAULT_TAP_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Options of {@link startTapReceiver}. */
export interface TapReceiverOptions {
  /** `HOST:PORT`; port 0 picks a free one. */
  readonly listen: string;
  /** Larger requests get RESOURCE_EXHAUSTED (from gRPC itself). @default 4194304 */
  readonly maxMessageBytes?: number;
  /** Inline topology: where requests are forwarded. Unset: fan-out, nothing is forwarded. */
  readonly forwarder?: TapForwarder;
  /**
   * Given the decoded spans of each valid request, and for a relayed one the
   * relaying replica; an exception here never reaches the sender.
   */
  readonly onSpans?: (spans: readonly TapSpan[], relayedBy?: string) => void;
  /** Told about a callback failure (rate-limit it yourself). */
  readonly onError?: (error: unknown) => void;
}

/** What the receiver has taken in so far (cumulative). */
export interface TapReceiverCounters {
  /** Requests from the components (or a collector): the ones forwarded in the inline topology. */
  readonly requestsReceived: number;
  readonly spansReceived: number;
  /** Requests another replica relayed here (never forwarded). */
  readonly requestsRelayedIn: number;
  readonly spansRelayedIn: number;
  /** Requests answered INVALID_ARGUMENT: not a valid ExportTraceServiceRequest. */
  readonly requestsMalformed: number;
  /** Spans skipped inside valid requests (an id of the wrong length). */
  readonly spansSkipped: number;
}

/** A running receiver. */
export interface TapReceiver {
  /** The bound port (useful with port 0). */
  readonly port: number;
  counters(): TapReceiverCounters;
  /** Stops taking requests; in-flight calls finish. */
  close(): Promise<void>;
}

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
    originalName: 'export',
  },
};

/** Starts the receiver; rejects when the address is invalid or taken. */
export async function startTapReceiver(o: TapReceiverOptions): Promise<TapReceiver> {
  const address = parseListenAddress(o.listen);
  if (!address) throw new TypeError(`tap listen address must be HOST:PORT, got ${JSON.stringify(o.listen)}`);
  const counters = {
    requestsReceived: 0,
    spansReceived: 0,
    requestsRelayedIn: 0,
    spansRelayedIn: 0,
    requestsMalformed: 0,
    spansSkipped: 0,
  };
  const server = new Server({
    'grpc.max_receive_message_length': o.maxMessageBytes ?? DEFAULT_TAP_MAX_MESSAGE_BYTES,
  });
  const exportHandler = (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>): void => {
    const bytes = call.request;
    const decoded = decodeTraceRequest(bytes);
    if (!decoded.ok) {
      counters.requestsMalformed += 1;
      callback({
        code: status.INVALID_ARGUMENT,
        details: `not an ExportTraceServiceRequest: ${decoded.error}`,
      });
      return;
    }
    const relayedBy = call.metadata.get(TAP_RELAY_METADATA)[0];
    counters.spansSkipped += decoded.skipped ?? 0;
    if (relayedBy === undefined) {
      counters.requestsReceived += 1;
      counters.spansReceived += decoded.spans.length;
      o.forwarder?.enqueue(bytes, decoded.spans.length);
    } else {
      counters.requestsRelayedIn += 1;
      counters.spansRelayedIn += decoded.spans.length;
    }
    if (o.onSpans && decoded.spans.length > 0) {
      try {
        if (relayedBy === undefined) o.onSpans(decoded.spans);
        else o.onSpans(decoded.spans, String(relayedBy) || 'unnamed');
      } catch (err) {
        o.onError?.(err);
      }
    }
    callback(null, EMPTY_EXPORT_RESPONSE);
  };
  server.addService(SERVICE, { Export: exportHandler });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${address.host}:${address.port}`, ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(new Error(`tap receiver cannot listen on ${o.listen}: ${err.message}`)) : resolve(bound),
    );
  });
  return {
    port,
    counters: () => ({ ...counters }),
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
