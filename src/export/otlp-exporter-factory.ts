import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { ChannelCredentials, Metadata } from '@grpc/grpc-js';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
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

/** What the gRPC exporter is built from, read and checked at startup. */
interface ExporterSettings {
  readonly url?: string;
  /** PEM contents; `insecure` alone when no TLS file is given. */
  readonly tls?: { readonly ca?: Buffer; readonly key?: Buffer; readonly cert?: Buffer };
  readonly insecure?: boolean;
  readonly headers: readonly (readonly [string, string])[];
  readonly timeoutMillis?: number;
}

/** Builds the SDK's gRPC exporter; the gRPC modules are imported only here. */
async function buildExporter(s: ExporterSettings): Promise<SpanExporter> {
  const [{ OTLPTraceExporter }, base] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-grpc'),
    import('@opentelemetry/otlp-grpc-exporter-base'),
  ]);
  let credentials: ChannelCredentials | undefined;
  if (s.tls !== undefined) credentials = base.createSslCredentials(s.tls.ca, s.tls.key, s.tls.cert);
  else if (s.insecure !== undefined)
    credentials = s.insecure ? base.createInsecureCredentials() : base.createSslCredentials();
  let metadata: Metadata | undefined;
  if (s.headers.length > 0) {
    metadata = base.createEmptyMetadata();
    for (const [k, v] of s.headers) metadata.set(k, v);
  }
  return new OTLPTraceExporter({
    ...(s.url === undefined ? {} : { url: s.url }),
    ...(credentials === undefined ? {} : { credentials }),
    ...(metadata === undefined ? {} : { metadata }),
    ...(s.timeoutMillis === undefined ? {} : { timeoutMillis: s.timeoutMillis }),
  });
}

/**
 * The gRPC exporter, loaded on the first export: gRPC and the OTLP exporter
 * cost an idle process about 6 MiB of RSS, and a quiet cluster exports nothing.
 * A shutdown or flush before any export loads nothing.
 */
class LazyExporter implements SpanExporter {
  readonly #settings: ExporterSettings;
  #exporter: Promise<SpanExporter> | undefined;

  constructor(settings: ExporterSettings) {
    this.#settings = settings;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.#exporter ??= buildExporter(this.#settings);
    this.#exporter.then(
      (exporter) => exporter.export(spans, resultCallback),
      (error: unknown) =>
        resultCallback({
          code: ExportResultCode.FAILED,
          error: error instanceof Error ? error : new Error(String(error)),
        }),
    );
  }

  async shutdown(): Promise<void> {
    await (await this.#exporter)?.shutdown();
  }

  async forceFlush(): Promise<void> {
    await (await this.#exporter)?.forceFlush?.();
  }
}

/**
 * The OTLP gRPC trace exporter for `o`. Configuration and TLS files are read
 * and checked now (a bad one fails at startup); gRPC itself loads on the first export.
 */
export function createOtlpTraceExporter(o: OtlpConnectionOptions): SpanExporter {
  const target = resolveOtlpTarget(o);
  let tls: ExporterSettings['tls'];
  if (o.tlsCa !== undefined || o.tlsCert !== undefined || o.tlsKey !== undefined) {
    if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) {
      throw new ExportError(
        'ERR_EXPORT_BACKEND',
        'a TLS client certificate needs both --tls-cert and --tls-key',
      );
    }
    tls = {
      ...(o.tlsCa === undefined ? {} : { ca: readPem(o.tlsCa, 'TLS CA') }),
      ...(o.tlsKey === undefined ? {} : { key: readPem(o.tlsKey, 'TLS key') }),
      ...(o.tlsCert === undefined ? {} : { cert: readPem(o.tlsCert, 'TLS certificate') }),
    };
    try {
      // What gRPC will do with them: a bad PEM fails here, at startup.
      createSecureContext(tls);
    } catch (e) {
      throw new ExportError('ERR_EXPORT_BACKEND', `invalid TLS files: ${(e as Error).message}`, { cause: e });
    }
  }
  return new LazyExporter({
    ...(target.url === undefined ? {} : { url: target.url }),
    ...(tls === undefined ? {} : { tls }),
    ...(tls === undefined && o.endpoint === undefined && o.insecure !== undefined
      ? { insecure: o.insecure }
      : {}),
    headers: Object.entries(o.headers ?? {}),
    ...(o.timeoutMillis === undefined ? {} : { timeoutMillis: o.timeoutMillis }),
  });
}
