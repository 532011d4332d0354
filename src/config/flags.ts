import type { KubetrailConfig } from './config.js';

/** How a flag's value is read. */
export type FlagKind =
  | 'string'
  | 'path'
  | 'boolean'
  | 'integer'
  | 'enum'
  /** Repeatable; comma-separated in the environment and the config file. */
  | 'list'
  /** Repeatable `key=value`; comma-separated in the environment. */
  | 'map'
  /** Repeatable `group/version/resource`. */
  | 'gvr';

/** Which help section a flag is listed under. */
export type FlagGroup = 'Cluster' | 'Export' | 'Sampling' | 'Limits' | 'Tap' | 'Operations' | 'General';

/** A config key a flag sets. */
export type FlagKey = Exclude<keyof KubetrailConfig, 'resourceAttributes'>;

/** One row of the flag table: the single source of `--help`, the README table and parsing. */
export interface FlagSpec {
  /** Long name without dashes, e.g. `settle-ms`. */
  readonly name: string;
  /** The config key it sets, also the config file key. */
  readonly key: FlagKey;
  /** The environment variable, `KUBETRAIL_…`. */
  readonly env: string;
  readonly kind: FlagKind;
  readonly group: FlagGroup;
  /** One line: what the flag means. */
  readonly description: string;
  /** The placeholder in help, e.g. `FILE`, `MS`. */
  readonly arg?: string;
  /** For `enum`. */
  readonly values?: readonly string[];
  /** For `integer`. */
  readonly min?: number;
  readonly max?: number;
  /** The documented default when it is not just the value in DEFAULT_CONFIG. */
  readonly defaultText?: string;
}

function flag(
  name: string,
  key: FlagKey,
  kind: FlagKind,
  group: FlagGroup,
  description: string,
  extra: Partial<Pick<FlagSpec, 'arg' | 'values' | 'min' | 'max' | 'defaultText'>> = {},
): FlagSpec {
  return {
    name,
    key,
    env: `KUBETRAIL_${name.toUpperCase().replaceAll('-', '_')}`,
    kind,
    group,
    description,
    ...extra,
  };
}

/** Every flag kubetrail accepts, in help order. */
export const FLAGS: readonly FlagSpec[] = [
  flag(
    'config',
    'configFile',
    'path',
    'General',
    'Config file (YAML or JSON), or a Kubernetes TracingConfiguration',
    {
      arg: 'FILE',
      defaultText: 'none',
    },
  ),
  flag('log-level', 'logLevel', 'enum', 'General', 'Least severe level of the JSON logs on stderr', {
    values: ['debug', 'info', 'warn', 'error'],
  }),
  flag(
    'kubeconfig',
    'kubeconfig',
    'path',
    'Cluster',
    'Kubeconfig file; in a Pod, the ServiceAccount is used',
    {
      arg: 'FILE',
      defaultText: '$KUBECONFIG or ~/.kube/config',
    },
  ),
  flag('context', 'context', 'string', 'Cluster', 'Kubeconfig context', {
    arg: 'NAME',
    defaultText: 'current context',
  }),
  flag('cluster-name', 'clusterName', 'string', 'Cluster', 'Value of k8s.cluster.name on every span', {
    arg: 'NAME',
    defaultText: 'none',
  }),
  flag('resources', 'resources', 'list', 'Cluster', 'Built-in resources to watch (comma-separated)', {
    arg: 'LIST',
  }),
  flag(
    'watch',
    'watch',
    'gvr',
    'Cluster',
    'Also watch a custom resource, group/version/resource (repeatable)',
    {
      arg: 'GVR',
      defaultText: 'none',
    },
  ),
  flag('namespace', 'namespaces', 'list', 'Cluster', 'Only these namespaces (repeatable)', {
    arg: 'NS',
    defaultText: 'all',
  }),
  flag('exclude-namespace', 'excludeNamespaces', 'list', 'Cluster', 'Skip these namespaces (repeatable)', {
    arg: 'NS',
    defaultText: 'none',
  }),
  flag('selector', 'selector', 'string', 'Cluster', 'Label selector for watched objects (not Events)', {
    arg: 'SELECTOR',
    defaultText: 'none',
  }),
  flag(
    'watch-read-window-ms',
    'watchReadWindowMs',
    'integer',
    'Cluster',
    'While watches are busy, read them this often, all in one wakeup (less CPU; a delta is observed up to this late); 0: read each at once',
    {
      arg: 'MS',
      min: 0,
      max: 1_000,
    },
  ),
  flag(
    'clock-calibration-ms',
    'clockCalibrationMs',
    'integer',
    'Cluster',
    "Read the apiserver's clock (the HTTP Date of a 1.1 s burst of GET /version) at startup and then this often, to convert watch times to cluster time; 0: never",
    {
      arg: 'MS',
      min: 0,
    },
  ),
  flag('exporter', 'exporter', 'enum', 'Export', 'Where traces go', {
    values: ['otlp', 'json', 'tree'],
    defaultText: 'otlp (live), tree (replay)',
  }),
  flag('output', 'output', 'path', 'Export', 'File for the json and tree exporters', {
    arg: 'FILE',
    defaultText: 'stdout',
  }),
  flag('endpoint', 'endpoint', 'string', 'Export', 'OTLP gRPC endpoint, host:port or URL', {
    arg: 'URL',
    defaultText: '$OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, $OTEL_EXPORTER_OTLP_ENDPOINT, http://localhost:4317',
  }),
  flag('insecure', 'insecure', 'boolean', 'Export', 'Plaintext gRPC (--no-insecure forces TLS)', {
    defaultText: 'plaintext for http:// and host:port, TLS for https:// or with --tls-*',
  }),
  flag('tls-ca', 'tlsCa', 'path', 'Export', 'CA bundle (PEM) to verify the endpoint', {
    arg: 'FILE',
    defaultText: 'system',
  }),
  flag('tls-cert', 'tlsCert', 'path', 'Export', 'Client certificate (PEM) for mutual TLS', {
    arg: 'FILE',
    defaultText: 'none',
  }),
  flag('tls-key', 'tlsKey', 'path', 'Export', 'Client key (PEM) for mutual TLS', {
    arg: 'FILE',
    defaultText: 'none',
  }),
  flag(
    'header',
    'headers',
    'map',
    'Export',
    'gRPC metadata key=value (repeatable); adds to $OTEL_EXPORTER_OTLP_HEADERS',
    {
      arg: 'K=V',
      defaultText: 'none',
    },
  ),
  flag(
    'service-name',
    'serviceName',
    'string',
    'Export',
    'Fold every span into this one service (component kept as kubetrail.component)',
    {
      arg: 'NAME',
      defaultText: 'one service per component',
    },
  ),
  flag(
    'export-queue-size',
    'exportQueueSize',
    'integer',
    'Export',
    'Spans queued for OTLP export at most; beyond, dropped and counted',
    {
      arg: 'N',
      min: 1,
    },
  ),
  flag(
    'sampling-rate-per-million',
    'samplingRatePerMillion',
    'integer',
    'Sampling',
    'Healthy traces kept per million, by trace id',
    {
      arg: 'N',
      min: 0,
      max: 1_000_000,
    },
  ),
  flag(
    'keep-errors',
    'keepErrors',
    'boolean',
    'Sampling',
    'Always keep traces with an error (--no-keep-errors to sample them too)',
  ),
  flag(
    'slow-trace-ms',
    'slowTraceMs',
    'integer',
    'Sampling',
    'Always keep traces at least this long; 0 turns it off',
    {
      arg: 'MS',
      min: 0,
    },
  ),
  flag('settle-ms', 'settleMs', 'integer', 'Limits', 'Quiet time before a finished trace is emitted', {
    arg: 'MS',
    min: 0,
  }),
  flag('max-trace-ms', 'maxTraceMs', 'integer', 'Limits', 'Cut a trace off after this long', {
    arg: 'MS',
    min: 1,
  }),
  flag('max-objects', 'maxObjects', 'integer', 'Limits', 'Objects held in the object graph', {
    arg: 'N',
    min: 1,
  }),
  flag('max-open-traces', 'maxOpenTraces', 'integer', 'Limits', 'Traces assembling at once', {
    arg: 'N',
    min: 1,
  }),
  flag(
    'max-spans-per-trace',
    'maxSpansPerTrace',
    'integer',
    'Limits',
    'Spans per trace, root included; also Events and objects held per root object',
    {
      arg: 'N',
      min: 1,
    },
  ),
  flag(
    'max-pending',
    'maxPending',
    'integer',
    'Limits',
    'Events held while waiting for the object they name',
    {
      arg: 'N',
      min: 0,
    },
  ),
  flag('rules', 'rules', 'path', 'Limits', 'Extra causality rules (JSON array)', {
    arg: 'FILE',
    defaultText: 'built-in only',
  }),
  flag(
    'tap-listen',
    'tapListen',
    'string',
    'Tap',
    "Receive OTLP/gRPC traces (kube-apiserver, kubelet) here and link them to kubetrail's traces",
    {
      arg: 'HOST:PORT',
      defaultText: 'off',
    },
  ),
  flag(
    'tap-forward',
    'tapForward',
    'boolean',
    'Tap',
    'Inline: forward every received request to --endpoint (--no-tap-forward: fan-out, forward nothing)',
  ),
  flag(
    'tap-peer-address',
    'tapPeerAddress',
    'string',
    'Tap',
    "With --leader-elect: where the other replicas reach this replica's tap; recorded in the Lease, so standbys relay the spans correlation needs to the leader",
    {
      arg: 'HOST:PORT',
      defaultText: 'off (no relay)',
    },
  ),
  flag(
    'strict',
    'strict',
    'boolean',
    'General',
    'replay: stop at the first bad line of the recording (exit 1) instead of skipping it',
  ),
  flag(
    'backfill',
    'backfill',
    'boolean',
    'General',
    'Also send what the initial list shows of intents begun before the start (post-mortems; see Startup and restarts)',
  ),
  flag('record', 'record', 'path', 'Operations', 'Write every watch delta as a JSON Lines recording', {
    arg: 'FILE',
    defaultText: 'off',
  }),
  flag(
    'metrics-addr',
    'metricsAddr',
    'string',
    'Operations',
    '/metrics, /healthz and /readyz address; empty turns it off',
    {
      arg: 'ADDR',
    },
  ),
  flag('leader-elect', 'leaderElect', 'boolean', 'Operations', 'Run active only while holding the Lease'),
  flag(
    'lease-namespace',
    'leaseNamespace',
    'string',
    'Operations',
    'Namespace of the leader-election Lease',
    {
      arg: 'NS',
    },
  ),
  flag('lease-name', 'leaseName', 'string', 'Operations', 'Name of the leader-election Lease', {
    arg: 'NAME',
  }),
  flag('identity', 'identity', 'string', 'Operations', 'Holder identity in the Lease', {
    arg: 'ID',
    defaultText: 'hostname',
  }),
];

/** Flags that are not configuration: they pick a command. */
export const COMMAND_FLAGS = [
  { name: 'help', short: 'h', description: 'Show this help' },
  { name: 'version', short: 'v', description: 'Print the version' },
] as const;
