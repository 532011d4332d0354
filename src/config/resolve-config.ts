import { parseCommandLine } from './command-line.js';
import {
  DEFAULT_CONFIG,
  DEFAULT_RESOURCES,
  type GroupVersionResource,
  type Invocation,
  type KubetrailConfig,
} from './config.js';
import { ConfigError } from './config-error.js';
import { parseConfigFile } from './config-file.js';
import { FLAGS, type FlagSpec } from './flags.js';
import { parseListenAddress } from './listen-address.js';

/** Where configuration comes from; the caller does the reading, so resolving stays pure. */
export interface ConfigSources {
  /** Command-line arguments after the program name. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The config file named by --config / KUBETRAIL_CONFIG, already read. */
  readonly file?: { readonly path: string; readonly text: string };
}

type Value =
  | string
  | number
  | boolean
  | readonly string[]
  | readonly GroupVersionResource[]
  | Record<string, string>;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const RESOURCE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Splits a comma list, trimming and dropping empties. */
function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

function parseBoolean(s: string): boolean | undefined {
  const v = s.trim().toLowerCase();
  if (v === 'true' || v === '1' || v === 'yes') return true;
  if (v === 'false' || v === '0' || v === 'no') return false;
  return undefined;
}

function parseGvr(s: string): GroupVersionResource | undefined {
  const parts = s.trim().split('/');
  const [a, b, c] = parts;
  if (parts.length === 3 && a !== undefined && b !== undefined && c !== undefined) {
    if (b === '' || !RESOURCE_NAME.test(c)) return undefined;
    return { group: a, version: b, resource: c };
  }
  if (parts.length === 2 && a !== undefined && b !== undefined) {
    if (a === '' || !RESOURCE_NAME.test(b)) return undefined;
    return { group: '', version: a, resource: b };
  }
  return undefined;
}

/** Turns a raw value from any layer into the flag's type, or says why it cannot. */
function convert(spec: FlagSpec, raw: unknown): { value?: Value; problem?: string } {
  const asStrings = (): string[] | undefined => {
    if (typeof raw === 'string') return splitList(raw);
    if (Array.isArray(raw) && raw.every((x) => typeof x === 'string' || typeof x === 'number')) {
      return raw.flatMap((x) => splitList(String(x)));
    }
    return undefined;
  };
  switch (spec.kind) {
    case 'string':
    case 'path':
      if (typeof raw === 'number') return { value: String(raw) };
      if (typeof raw !== 'string') return { problem: 'must be a string' };
      if (spec.kind === 'path' && raw.trim() === '') return { problem: 'must not be empty' };
      return { value: raw };
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const b = typeof raw === 'string' ? parseBoolean(raw) : undefined;
      return b === undefined ? { problem: `${JSON.stringify(raw)} is not true or false` } : { value: b };
    }
    case 'integer': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw)
            ? Number(raw)
            : NaN;
      if (!Number.isSafeInteger(n)) return { problem: `${JSON.stringify(raw)} is not an integer` };
      if (spec.min !== undefined && n < spec.min) return { problem: `${n} is below the minimum ${spec.min}` };
      if (spec.max !== undefined && n > spec.max) return { problem: `${n} is above the maximum ${spec.max}` };
      return { value: n };
    }
    case 'enum':
      if (typeof raw !== 'string' || !(spec.values ?? []).includes(raw)) {
        return { problem: `${JSON.stringify(raw)} is not one of ${(spec.values ?? []).join(', ')}` };
      }
      return { value: raw };
    case 'list': {
      const list = asStrings();
      return list === undefined ? { problem: 'must be a list of strings' } : { value: list };
    }
    case 'gvr': {
      const list = asStrings();
      if (list === undefined) return { problem: 'must be a list of group/version/resource' };
      const out: GroupVersionResource[] = [];
      for (const s of list) {
        const g = parseGvr(s);
        if (g === undefined) return { problem: `${JSON.stringify(s)} is not group/version/resource` };
        out.push(g);
      }
      return { value: out };
    }
    case 'map': {
      const out: Record<string, string> = {};
      if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
        for (const [k, v] of Object.entries(raw)) {
          if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
            return { problem: `value of ${JSON.stringify(k)} must be a string` };
          }
          out[k] = String(v);
        }
        return { value: out };
      }
      const list = asStrings();
      if (list === undefined) return { problem: 'must be key=value pairs' };
      for (const pair of list) {
        const eq = pair.indexOf('=');
        if (eq <= 0) return { problem: `${JSON.stringify(pair)} is not key=value` };
        out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
      }
      return { value: out };
    }
  }
}

/** OTEL_RESOURCE_ATTRIBUTES: `k=v,k2=v2`, values percent-encoded. Malformed pairs warn and are skipped. */
function parseResourceAttributes(raw: string | undefined, warnings: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined || raw.trim() === '') return out;
  for (const pair of raw.split(',')) {
    const eq = pair.indexOf('=');
    const key = pair.slice(0, eq).trim();
    if (eq <= 0 || key === '') {
      warnings.push(`OTEL_RESOURCE_ATTRIBUTES: ignored malformed pair ${JSON.stringify(pair)}`);
      continue;
    }
    try {
      out[key] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      warnings.push(`OTEL_RESOURCE_ATTRIBUTES: ignored badly encoded value of ${key}`);
    }
  }
  return out;
}

/** Keys a config file may use: the config key or the flag name. */
const FILE_KEYS = new Map<string, FlagSpec>();
for (const f of FLAGS) {
  FILE_KEYS.set(f.key, f);
  FILE_KEYS.set(f.name, f);
}
for (const f of FLAGS) if (f.key === 'namespaces') FILE_KEYS.set('namespace', f);

/**
 * Merges flags over KUBETRAIL_* environment over the config file over defaults, and
 * validates the result. The one place configuration is decided; pure.
 * Throws a ConfigError listing every problem at once.
 */
export function resolveConfig(sources: ConfigSources): Invocation {
  const cli = parseCommandLine(sources.argv);
  const problems: string[] = [...cli.problems];
  const warnings: string[] = [];

  const fileValues = new Map<FlagSpec, unknown>();
  let fromTracingConfiguration = false;
  if (sources.file !== undefined) {
    const parsed = parseConfigFile(sources.file.text, sources.file.path);
    problems.push(...parsed.problems);
    fromTracingConfiguration = parsed.tracingConfiguration;
    for (const [k, v] of Object.entries(parsed.values)) {
      const spec = FILE_KEYS.get(k);
      if (spec === undefined || spec.key === 'configFile') {
        problems.push(`${sources.file.path}: unknown setting ${JSON.stringify(k)}`);
        continue;
      }
      if (v !== null && v !== undefined) fileValues.set(spec, v);
    }
  }

  const config: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const spec of FLAGS) {
    const cliValues = cli.values.get(spec);
    const envRaw = sources.env[spec.env];
    let raw: unknown;
    let where: string;
    if (cliValues !== undefined && cliValues.length > 0) {
      where = `--${spec.name}`;
      const repeatable = spec.kind === 'list' || spec.kind === 'map' || spec.kind === 'gvr';
      raw = repeatable ? cliValues.map(String) : cliValues[cliValues.length - 1];
    } else if (envRaw !== undefined && envRaw !== '') {
      where = spec.env;
      raw = envRaw;
    } else if (fileValues.has(spec) && sources.file !== undefined) {
      where = `${sources.file.path}: ${spec.key}`;
      raw = fileValues.get(spec);
    } else {
      continue;
    }
    const { value, problem } = convert(spec, raw);
    if (problem !== undefined) problems.push(`${where}: ${problem}`);
    else if (value !== undefined) config[spec.key] = value;
  }

  if (cli.command === 'help' || cli.command === 'version') {
    return { command: cli.command, config: config as unknown as KubetrailConfig, warnings, rules: [] };
  }

  // Cross-field rules.
  const c = config as unknown as KubetrailConfig;
  const explicitExporter =
    [...cli.values.keys()].some((f) => f.key === 'exporter') ||
    (sources.env.KUBETRAIL_EXPORTER ?? '') !== '' ||
    [...fileValues.keys()].some((f) => f.key === 'exporter');
  if (!explicitExporter) config.exporter = cli.command === 'replay' ? 'tree' : 'otlp';
  const exporter = config.exporter as KubetrailConfig['exporter'];
  if (c.output !== undefined && exporter === 'otlp') {
    problems.push('--output applies to the json and tree exporters, not otlp');
  }
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) {
    problems.push('--tls-cert and --tls-key go together');
  }
  if (c.insecure === true && (c.tlsCa !== undefined || c.tlsCert !== undefined)) {
    problems.push('--insecure contradicts --tls-ca/--tls-cert');
  }
  if (c.endpoint !== undefined) {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(c.endpoint) ? c.endpoint : `http://${c.endpoint}`;
    let ok = false;
    try {
      const u = new URL(withScheme);
      ok = u.hostname !== '' && (u.protocol === 'http:' || u.protocol === 'https:');
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`endpoint ${JSON.stringify(c.endpoint)} is not host:port or an http(s) URL`);
  }
  const unknownResources = c.resources.filter((r) => !DEFAULT_RESOURCES.includes(r));
  if (unknownResources.length > 0) {
    problems.push(
      `--resources: unknown ${unknownResources.join(', ')} (built-in: ${DEFAULT_RESOURCES.join(', ')}; use --watch group/version/resource for others)`,
    );
  }
  for (const ns of [...c.namespaces, ...c.excludeNamespaces]) {
    if (!DNS_LABEL.test(ns)) problems.push(`namespace ${JSON.stringify(ns)} is not a valid namespace name`);
  }
  const both = c.namespaces.filter((n) => c.excludeNamespaces.includes(n));
  if (both.length > 0) problems.push(`namespace ${both.join(', ')} is both included and excluded`);
  if (c.metricsAddr !== '' && !/^[^\s:]*:\d{1,5}$/.test(c.metricsAddr)) {
    problems.push(`metrics address ${JSON.stringify(c.metricsAddr)} is not host:port or :port`);
  } else if (
    c.metricsAddr !== '' &&
    Number(c.metricsAddr.slice(c.metricsAddr.lastIndexOf(':') + 1)) > 65535
  ) {
    problems.push(`metrics address ${JSON.stringify(c.metricsAddr)} has a port above 65535`);
  }
  if (c.tapListen !== undefined && parseListenAddress(c.tapListen) === undefined)
    problems.push(`tap listen address ${JSON.stringify(c.tapListen)} is not HOST:PORT`);
  if (c.tapListen !== undefined && c.tapForward && c.exporter !== 'otlp')
    problems.push('--tap-listen forwards to the OTLP endpoint: use --exporter=otlp, or --no-tap-forward');
  if (c.tapPeerAddress !== undefined) {
    const peer = parseListenAddress(c.tapPeerAddress);
    if (peer === undefined || peer.port === 0 || /^(0\.0\.0\.0|\[::\])$/.test(peer.host))
      problems.push(`tap peer address ${JSON.stringify(c.tapPeerAddress)} is not a reachable HOST:PORT`);
    if (c.tapListen === undefined || !c.leaderElect)
      problems.push('--tap-peer-address needs --tap-listen and --leader-elect');
  }
  if (c.selector !== undefined && c.selector.trim() === '') problems.push('--selector must not be empty');
  if (c.serviceName !== undefined && c.serviceName.trim() === '')
    problems.push('--service-name must not be empty');
  for (const k of Object.keys(c.headers)) if (k === '') problems.push('--header with an empty key');
  if (c.leaderElect && !DNS_LABEL.test(c.leaseNamespace)) {
    problems.push(`lease namespace ${JSON.stringify(c.leaseNamespace)} is not a valid namespace name`);
  }
  if (c.settleMs >= c.maxTraceMs) problems.push('--settle-ms must be below --max-trace-ms');

  const resourceAttributes = parseResourceAttributes(sources.env.OTEL_RESOURCE_ATTRIBUTES, warnings);
  if (c.clusterName !== undefined) resourceAttributes['k8s.cluster.name'] = c.clusterName;
  config.resourceAttributes = resourceAttributes;
  if (fromTracingConfiguration && c.endpoint !== undefined && c.insecure === undefined) {
    // kube-apiserver's TracingConfiguration endpoint is always plaintext.
    config.insecure = true;
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    command: cli.command,
    ...(cli.replayFile === undefined ? {} : { replayFile: cli.replayFile }),
    config: config as unknown as KubetrailConfig,
    warnings,
    rules: [],
  };
}

/** The config file path named by argv or the environment, if any, so the caller can read it first. */
export function configFilePath(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const spec = FLAGS.find((f) => f.key === 'configFile');
  const fromCli = spec === undefined ? undefined : parseCommandLine(argv).values.get(spec);
  const last = fromCli?.[fromCli.length - 1];
  if (typeof last === 'string') return last;
  const fromEnv = env.KUBETRAIL_CONFIG;
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}
