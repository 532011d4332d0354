/**
 * Test helper for the end-to-end suite: starts or reuses the local control
 * plane and Jaeger (test/cluster/up.sh), runs kubectl against it, and queries
 * Jaeger's HTTP API.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file runs from dist/test/cluster/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const clusterDir = join(repoRoot, 'test/cluster');

/** A running local control plane. */
export interface LocalCluster {
  readonly kubeconfig: string;
  readonly jaegerUrl: string;
  /** The environment of `.cluster/env`: KUBECONFIG, PATH with the binaries, JAEGER_URL. */
  readonly env: NodeJS.ProcessEnv;
  /** Runs kubectl with `args`, feeding `input` on stdin; rejects with its stderr on failure. */
  kubectl(args: readonly string[], input?: string): Promise<string>;
}

function readVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(join(clusterDir, 'versions.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(\S+)/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = m[2];
  }
  return out;
}

/** True when every control-plane binary is already in the cache, so up.sh will not build. */
export function binariesCached(): boolean {
  const v = readVersions();
  const cache =
    process.env.KUBETRAIL_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubetrail');
  const want = [
    `kubernetes-${v.KUBERNETES_VERSION}/kube-apiserver`,
    `kubernetes-${v.KUBERNETES_VERSION}/kubectl`,
    `etcd-${v.ETCD_VERSION}/etcd`,
    `kwok-${v.KWOK_VERSION}/kwok`,
    `jaeger-${v.JAEGER_VERSION}/jaeger`,
  ];
  return want.every((p) => existsSync(join(cache, 'bin', p)));
}

/**
 * Why the end-to-end tests cannot run here, or undefined when they can. They
 * run when the binaries are cached, or when KUBETRAIL_E2E=1 or CI=true (then a
 * cold build is allowed and any failure is a test failure).
 */
export function e2eSkipReason(): string | undefined {
  if (process.env.KUBETRAIL_E2E === '0') return 'KUBETRAIL_E2E=0';
  if (process.env.KUBETRAIL_E2E === '1' || process.env.CI === 'true') return undefined;
  if (binariesCached()) return undefined;
  return 'control-plane binaries not built; run `npm run cluster:up` once (or set KUBETRAIL_E2E=1)';
}

function parseEnvFile(path: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^export ([A-Z_]+)="(.*)"$/.exec(line);
    if (!m?.[1] || m[2] === undefined) continue;
    env[m[1]] = m[2].replace('$PATH', process.env.PATH ?? '');
  }
  return env;
}

let pending: Promise<LocalCluster> | undefined;

/** Starts the stack, or reuses it when it runs already (up.sh is idempotent). */
export function ensureCluster(): Promise<LocalCluster> {
  pending ??= new Promise<void>((ok, fail) => {
    const child = spawn(join(clusterDir, 'up.sh'), [], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      output += b.toString();
    });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? ok() : fail(new Error(`cluster:up failed (${code}):\n${output}`)),
    );
  }).then(() => {
    const env = parseEnvFile(join(repoRoot, '.cluster/env'));
    const kubeconfig = env.KUBECONFIG ?? join(repoRoot, '.cluster/kubeconfig');
    return {
      kubeconfig,
      jaegerUrl: env.JAEGER_URL ?? 'http://127.0.0.1:16686',
      env,
      kubectl: (args, input) => run('kubectl', ['--kubeconfig', kubeconfig, ...args], env, input),
    };
  });
  return pending;
}

/** Runs a command to completion; rejects with its stderr. */
export function run(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<string> {
  return new Promise((ok, fail) => {
    const child = execFile(cmd, args, { env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) fail(new Error(`${cmd} ${args.join(' ')}: ${stderr || err.message}`));
      else ok(stdout);
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A span as Jaeger's v3 API returns it (OTLP JSON), flattened with its service. */
export interface JaegerSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly service: string;
  readonly startNs: bigint;
  readonly endNs: bigint;
  readonly statusCode: number;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** Span links (from the v3 API; absent from the v1 API's answers). */
  readonly links?: readonly JaegerLink[];
}

/** A span link as Jaeger's v3 API returns it. */
export interface JaegerLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  boolValue?: boolean;
  doubleValue?: number;
}
interface OtlpKv {
  key: string;
  value?: OtlpValue;
}
interface OtlpSpan {
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  name?: string;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  status?: { code?: number | string };
  attributes?: OtlpKv[];
  links?: { traceId?: string; spanId?: string; attributes?: OtlpKv[] }[];
}
interface OtlpResourceSpans {
  resource?: { attributes?: OtlpKv[] };
  scopeSpans?: { spans?: OtlpSpan[] }[];
}

function toHex(id: string | undefined): string {
  if (!id) return '';
  if (/^[0-9a-f]+$/i.test(id)) return id.toLowerCase();
  return Buffer.from(id, 'base64').toString('hex');
}

function kvs(list: OtlpKv[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    if (!value) continue;
    if (value.stringValue !== undefined) out[key] = value.stringValue;
    else if (value.intValue !== undefined) out[key] = Number(value.intValue);
    else if (value.boolValue !== undefined) out[key] = value.boolValue;
    else if (value.doubleValue !== undefined) out[key] = value.doubleValue;
  }
  return out;
}

function statusCode(code: number | string | undefined): number {
  if (code === 'STATUS_CODE_ERROR' || code === 2) return 2;
  if (code === 'STATUS_CODE_OK' || code === 1) return 1;
  return 0;
}

/** Flattens an OTLP-JSON `resourceSpans` list into spans that know their service. */
export function flattenSpans(resourceSpans: readonly OtlpResourceSpans[]): JaegerSpan[] {
  const spans: JaegerSpan[] = [];
  for (const rs of resourceSpans) {
    const service = String(kvs(rs.resource?.attributes)['service.name'] ?? '');
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        spans.push({
          traceId: toHex(s.traceId),
          spanId: toHex(s.spanId),
          parentSpanId: toHex(s.parentSpanId),
          name: s.name ?? '',
          service,
          startNs: BigInt(s.startTimeUnixNano ?? '0'),
          endNs: BigInt(s.endTimeUnixNano ?? '0'),
          statusCode: statusCode(s.status?.code),
          attributes: kvs(s.attributes),
          links: (s.links ?? []).map((l) => ({
            traceId: toHex(l.traceId),
            spanId: toHex(l.spanId),
            attributes: kvs(l.attributes),
          })),
        });
      }
    }
  }
  return spans;
}

/**
 * Spans of every trace that has a span of `service` in [since, now], from
 * Jaeger's v3 API. Undefined while Jaeger has none (it answers 404 then).
 */
export async function jaegerSpans(
  jaegerUrl: string,
  service: string,
  since: Date,
): Promise<JaegerSpan[] | undefined> {
  const q = new URLSearchParams({
    'query.service_name': service,
    'query.start_time_min': since.toISOString(),
    'query.start_time_max': new Date(Date.now() + 60_000).toISOString(),
    // Jaeger v2.13 names the result limit num_traces (later releases: search_depth).
    'query.num_traces': '1000',
  });
  const res = await fetch(`${jaegerUrl}/api/v3/traces?${q}`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`jaeger ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { result?: { resourceSpans?: OtlpResourceSpans[] } };
  const spans = flattenSpans(body.result?.resourceSpans ?? []);
  return spans.length > 0 ? spans : undefined;
}

/** The services Jaeger knows. */
export async function jaegerServices(jaegerUrl: string): Promise<string[]> {
  const res = await fetch(`${jaegerUrl}/api/services`);
  if (!res.ok) throw new Error(`jaeger ${res.status}`);
  const body = (await res.json()) as { data?: string[] | null };
  return body.data ?? [];
}

/** Every span of one trace, from Jaeger's v3 API; undefined while Jaeger has not got it. */
export async function jaegerTrace(jaegerUrl: string, traceId: string): Promise<JaegerSpan[] | undefined> {
  const res = await fetch(`${jaegerUrl}/api/v3/traces/${traceId}`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`jaeger ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { result?: { resourceSpans?: OtlpResourceSpans[] } };
  const spans = flattenSpans(body.result?.resourceSpans ?? []);
  return spans.length > 0 ? spans : undefined;
}

/** Spans from a file of OTLP-JSON lines (kubetrail's `json` exporter). */
export function spansFromJsonLines(text: string): JaegerSpan[] {
  const spans: JaegerSpan[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const body = JSON.parse(line) as { resourceSpans?: OtlpResourceSpans[] };
    spans.push(...flattenSpans(body.resourceSpans ?? []));
  }
  return spans;
}

/** Stops the named components of the stack (up.sh restarts them). */
export async function stopComponents(...names: string[]): Promise<void> {
  await run(join(clusterDir, 'down.sh'), names, process.env);
}

/** Restarts whatever is not running (up.sh is idempotent). */
export async function restartMissing(): Promise<void> {
  await run(join(clusterDir, 'up.sh'), [], process.env);
}

/** Spans grouped by trace id. */
export function byTrace(spans: readonly JaegerSpan[]): Map<string, JaegerSpan[]> {
  const out = new Map<string, JaegerSpan[]>();
  for (const s of spans) {
    const list = out.get(s.traceId);
    if (list) list.push(s);
    else out.set(s.traceId, [s]);
  }
  return out;
}

/** Whether `span` descends from `ancestor` within `spans`. */
export function descendsFrom(spans: readonly JaegerSpan[], span: JaegerSpan, ancestor: JaegerSpan): boolean {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  let cur: JaegerSpan | undefined = span;
  for (let i = 0; cur && i < 1000; i++) {
    if (cur.parentSpanId === ancestor.spanId) return true;
    cur = byId.get(cur.parentSpanId);
  }
  return false;
}

interface JaegerV1Trace {
  traceID: string;
  spans: {
    traceID: string;
    spanID: string;
    operationName: string;
    references?: { refType: string; spanID: string }[];
    startTime: number;
    duration: number;
    tags?: { key: string; value: unknown }[];
    processID: string;
    warnings?: string[] | null;
  }[];
  processes: Record<string, { serviceName: string }>;
}

/**
 * What Jaeger's UI lists under a span's Warnings: those of the v1 API's answer
 * (its query service's adjusters: clock skew, invalid parent or link, duplicate
 * ids) and the UI's own for a duplicate tag. Undefined while Jaeger lacks the span.
 */
export async function jaegerUiWarnings(
  jaegerUrl: string,
  traceId: string,
  spanId: string,
): Promise<string[] | undefined> {
  const res = await fetch(`${jaegerUrl}/api/traces/${traceId}`);
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`jaeger ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { data?: JaegerV1Trace[] | null };
  const span = body.data?.flatMap((t) => t.spans).find((s) => s.spanID === spanId);
  if (span === undefined) return undefined;
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const t of span.tags ?? []) {
    const key = `${t.key}:${String(t.value)}`;
    if (seen.has(key)) duplicates.add(`Duplicate tag "${key}"`);
    seen.add(key);
  }
  return [...(span.warnings ?? []), ...duplicates];
}

/**
 * Traces with a span of `service` whose attribute `key` is `value` since
 * `since`, from Jaeger's v1 search (the v3 API in Jaeger v2.13 cannot filter
 * by attribute).
 */
async function jaegerSearchByTag(
  jaegerUrl: string,
  service: string,
  key: string,
  value: string,
  since: Date,
): Promise<JaegerV1Trace[]> {
  const q = new URLSearchParams({
    service,
    tags: JSON.stringify({ [key]: value }),
    start: String(since.getTime() * 1000),
    end: String((Date.now() + 60_000) * 1000),
    limit: '1000',
  });
  const res = await fetch(`${jaegerUrl}/api/traces?${q}`);
  if (!res.ok) throw new Error(`jaeger ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { data?: JaegerV1Trace[] | null };
  return body.data ?? [];
}

/**
 * Every trace with a span of `service` whose attribute `key` is `value`, whole,
 * from Jaeger's v3 API. Found through the v1 search, which filters by tag on
 * the server: a search by service alone returns only the newest 1,000 traces,
 * and the apiserver and a busy test make more than that.
 */
export async function jaegerTracesByTag(
  jaegerUrl: string,
  service: string,
  key: string,
  value: string,
  since: Date,
): Promise<JaegerSpan[][]> {
  const traces: JaegerSpan[][] = [];
  for (const t of await jaegerSearchByTag(jaegerUrl, service, key, value, since)) {
    const spans = await jaegerTrace(jaegerUrl, t.traceID);
    if (spans) traces.push(spans);
  }
  return traces;
}

/** Spans of `service` carrying tag `key`=`value` since `since`, as the v1 search returns them. */
export async function jaegerSpansByTag(
  jaegerUrl: string,
  service: string,
  key: string,
  value: string,
  since: Date,
): Promise<JaegerSpan[]> {
  const out: JaegerSpan[] = [];
  for (const t of await jaegerSearchByTag(jaegerUrl, service, key, value, since)) {
    for (const s of t.spans) {
      const attributes: Record<string, string | number | boolean> = {};
      for (const tag of s.tags ?? []) {
        if (
          typeof tag.value === 'string' ||
          typeof tag.value === 'number' ||
          typeof tag.value === 'boolean'
        ) {
          attributes[tag.key] = tag.value;
        }
      }
      if (attributes[key] !== value) continue;
      const startNs = BigInt(s.startTime) * 1000n;
      out.push({
        traceId: s.traceID,
        spanId: s.spanID,
        parentSpanId: s.references?.find((r) => r.refType === 'CHILD_OF')?.spanID ?? '',
        name: s.operationName,
        service: t.processes[s.processID]?.serviceName ?? '',
        startNs,
        endNs: startNs + BigInt(s.duration) * 1000n,
        statusCode: attributes.error === true ? 2 : 0,
        attributes,
      });
    }
  }
  return out;
}

/**
 * Stops kwok and starts it again (up.sh starts only what is missing). A fresh
 * kwok manages only the Nodes annotated `kwok.x-k8s.io/node: fake` by then and
 * renews no other Node's Lease: the kubelet of a Node that lost the annotation
 * looks dead to the node lifecycle controller. (kwok v0.8.0 keeps renewing the
 * Lease of a Node that loses the annotation while it runs.) Other Nodes miss a
 * few seconds of heartbeats, far less than the grace period.
 */
export async function restartKwok(cluster: LocalCluster): Promise<void> {
  const state = cluster.env.KUBETRAIL_CLUSTER_STATE ?? join(repoRoot, '.cluster');
  const pid = Number(readFileSync(join(state, 'pids/kwok.pid'), 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no kwok pid in ${state}/pids/kwok.pid`);
  process.kill(pid, 'SIGTERM');
  await eventually('kwok to stop', 30_000, async () => {
    try {
      process.kill(pid, 0);
      return undefined;
    } catch {
      return true;
    }
  });
  await run(join(clusterDir, 'up.sh'), [], { ...process.env, ...cluster.env });
}
