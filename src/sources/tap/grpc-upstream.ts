/**
 * The inline topology's way out: sends an ExportTraceServiceRequest's bytes,
 * unchanged, to the configured OTLP gRPC endpoint.
 */
import { readFileSync } from 'node:fs';
import { type ChannelCredentials, Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { OTLP_TRACE_EXPORT_PATH } from './otlp-path.js';

/** What one send gave: results are values. */
export type SendResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly retryable: boolean; readonly error: string };

/** Where forwarded requests go: an interface, so tests and benchmarks can put anything behind it. */
export interface TapUpstream {
  send(bytes: Buffer): Promise<SendResult>;
  close(): void;
}

/** How to reach the backend; the same settings as kubetrail's own OTLP export. */
export interface GrpcUpstreamOptions {
  /** `host:port` or an http(s) URL. */
  readonly endpoint: string;
  /** Plaintext; unset means plaintext unless the URL is https or TLS files are given. */
  readonly insecure?: boolean;
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Per-request deadline. @default 10000 */
  readonly timeoutMs?: number;
}

/** gRPC codes worth another try: the backend is away or busy, not refusing the data. */
const RETRYABLE: ReadonlySet<number> = new Set([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.RESOURCE_EXHAUSTED,
  status.ABORTED,
  status.CANCELLED,
  status.UNKNOWN,
]);

const identity = (b: Buffer): Buffer => b;

/** Sends raw OTLP trace requests over gRPC. */
export class GrpcUpstream implements TapUpstream {
  readonly #client: Client;
  readonly #metadata: Metadata;
  readonly #timeoutMs: number;

  constructor(o: GrpcUpstreamOptions) {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(o.endpoint)?.[1]?.toLowerCase();
    const target = scheme === undefined ? o.endpoint : o.endpoint.slice(scheme.length + 3).replace(/\/$/, '');
    const hasTls = o.tlsCa !== undefined || o.tlsCert !== undefined || o.tlsKey !== undefined;
    const tls = o.insecure === true ? false : o.insecure === false ? true : scheme === 'https' || hasTls;
    let creds: ChannelCredentials = credentials.createInsecure();
    if (tls) {
      creds = credentials.createSsl(
        o.tlsCa === undefined ? null : readFileSync(o.tlsCa),
        o.tlsKey === undefined ? null : readFileSync(o.tlsKey),
        o.tlsCert === undefined ? null : readFileSync(o.tlsCert),
      );
    }
    this.#client = new Client(target, creds);
    this.#metadata = new Metadata();
    for (const [k, v] of Object.entries(o.headers ?? {})) this.#metadata.set(k, v);
    this.#timeoutMs = o.timeoutMs ?? 10_000;
  }

  send(bytes: Buffer): Promise<SendResult> {
    return new Promise((resolve) => {
      this.#client.makeUnaryRequest(
        OTLP_TRACE_EXPORT_PATH,
        identity,
        identity,
        bytes,
        this.#metadata,
        { deadline: Date.now() + this.#timeoutMs },
        (err) => {
          if (!err) resolve({ ok: true });
          else resolve({ ok: false, retryable: RETRYABLE.has(err.code), error: err.details || err.message });
        },
      );
    });
  }

  close(): void {
    this.#client.close();
  }
}
