import { readFileSync } from 'node:fs';
import type { ChannelCredentials, Metadata } from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import {
  createEmptyMetadata,
  createInsecureCredentials,
  createSslCredentials,
} from '@opentelemetry/otlp-grpc-exporter-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ExportError } from './export-error.js';

/** How to reach the OTLP gRPC backend; unset fields fall back to OTEL_EXPORTER_OTLP_* and then the defaults. */
export interface OtlpConnectionOptions {
  /** `host:port` or a URL; unset means OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT or http://localhost:4317. */
  readonly endpoint?: string;
  /** Plaintext; unset means plaintext for `http://` and scheme-less endpoints without TLS files. */
  readonly insecure?: boolean;
  /** PEM file paths. */
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  /** gRPC metadata; OTEL_EXPORTER_OTLP_HEADERS fills in keys not given here. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMillis?: number;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new ExportError('ERR_EXPORT_BACKEND', `cannot read ${what} ${path}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/**
 * Decides plaintext or TLS the way kube-apiserver users expect: a bare `host:port`
 * is plaintext (as the apiserver's TracingConfiguration is) unless TLS files are given.
 */
export function resolveOtlpTarget(o: OtlpConnectionOptions): { url?: string; tls: boolean } {
  const hasTlsFiles = o.tlsCa !== undefined || o.tlsCert !== undefined || o.tlsKey !== undefined;
  if (o.endpoint === undefined) {
    if (o.insecure === false || hasTlsFiles) return { tls: true };
    return { tls: false };
  }
  const endpoint = o.endpoint.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(endpoint)?.[1]?.toLowerCase();
  const rest = scheme === undefined ? endpoint : endpoint.slice(scheme.length + 3);
  const tls = o.insecure === true ? false : o.insecure === false ? true : scheme === 'https' || hasTlsFiles;
  return { url: `${tls ? 'https' : 'http'}://${rest}`, tls };
}

/** The OTLP gRPC trace exporter for `o`. */
export function createOtlpTraceExporter(o: OtlpConnectionOptions): SpanExporter {
  const target = resolveOtlpTarget(o);
  let credentials: ChannelCredentials | undefined;
  if (o.tlsCa !== undefined || o.tlsCert !== undefined || o.tlsKey !== undefined) {
    if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) {
      throw new ExportError(
        'ERR_EXPORT_BACKEND',
        'a TLS client certificate needs both --tls-cert and --tls-key',
      );
    }
    credentials = createSslCredentials(
      o.tlsCa === undefined ? undefined : readPem(o.tlsCa, 'TLS CA'),
      o.tlsKey === undefined ? undefined : readPem(o.tlsKey, 'TLS key'),
      o.tlsCert === undefined ? undefined : readPem(o.tlsCert, 'TLS certificate'),
    );
  } else if (o.endpoint === undefined && o.insecure !== undefined) {
    credentials = o.insecure ? createInsecureCredentials() : createSslCredentials();
  }
  let metadata: Metadata | undefined;
  const headers = Object.entries(o.headers ?? {});
  if (headers.length > 0) {
    metadata = createEmptyMetadata();
    for (const [k, v] of headers) metadata.set(k, v);
  }
  return new OTLPTraceExporter({
    ...(target.url === undefined ? {} : { url: target.url }),
    ...(credentials === undefined ? {} : { credentials }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(o.timeoutMillis === undefined ? {} : { timeoutMillis: o.timeoutMillis }),
  });
}
