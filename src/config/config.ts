import type { CausalityRule } from '../causality/causality-rule.js';

/** The exporters kubetrail has. */
export type ExporterKind = 'otlp' | 'json' | 'tree';

/** Log levels, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What the command line asked kubetrail to do. */
export type Command = 'live' | 'replay' | 'help' | 'version';

/** A custom resource to watch, as `group/version/resource` (core group: `version/resource`). */
export interface GroupVersionResource {
  readonly group: string;
  readonly version: string;
  readonly resource: string;
}

/** kubetrail's whole configuration after flags, environment, file and defaults are merged and validated. */
export interface KubetrailConfig {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly watch: readonly GroupVersionResource[];
  readonly resources: readonly string[];
  readonly namespaces: readonly string[];
  readonly excludeNamespaces: readonly string[];
  readonly selector?: string;
  /** How long busy watches wait between reads, in ms, so that one wakeup reads what all of them sent; 0: read at once. */
  readonly watchReadWindowMs: number;
  /**
   * How often the apiserver's clock is read (the HTTP `Date` of a burst of
   * `GET /version`), after the reading at startup; 0: never.
   * @default 300_000
   */
  readonly clockCalibrationMs: number;
  readonly exporter: ExporterKind;
  readonly output?: string;
  /** Unset: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, then http://localhost:4317. */
  readonly endpoint?: string;
  /** Unset: plaintext for http:// and bare host:port, TLS for https:// or when TLS files are given. */
  readonly insecure?: boolean;
  readonly tlsCa?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly headers: Readonly<Record<string, string>>;
  /** From OTEL_RESOURCE_ATTRIBUTES, plus k8s.cluster.name when --cluster-name is set. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly serviceName?: string;
  readonly samplingRatePerMillion: number;
  readonly keepErrors: boolean;
  readonly slowTraceMs: number;
  readonly settleMs: number;
  readonly maxTraceMs: number;
  readonly maxObjects: number;
  readonly maxOpenTraces: number;
  readonly maxSpansPerTrace: number;
  readonly maxPending: number;
  readonly exportQueueSize: number;
  readonly rules?: string;
  readonly record?: string;
  /** Replay: a bad line stops the replay (exit 1) instead of being skipped and counted. */
  readonly strict: boolean;
  /**
   * Send the history the initial list shows (intents begun before the start) instead
   * of leaving it to the instance that ran before: for post-mortems.
   * @default false
   */
  readonly backfill: boolean;
  /** `host:port` or `:port`; empty turns the endpoint off. */
  readonly metricsAddr: string;
  readonly logLevel: LogLevel;
  readonly leaderElect: boolean;
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly identity?: string;
  readonly clusterName?: string;
  readonly configFile?: string;
  /** `HOST:PORT` of the tap receiver (OTLP/gRPC traces from kube-apiserver, kubelet…); unset: off. */
  readonly tapListen?: string;
  /** Inline topology: forward every received request to `endpoint`. False: fan-out, forward nothing. */
  readonly tapForward: boolean;
  /**
   * `HOST:PORT` at which the other replicas reach this replica's tap. With
   * --leader-elect it is written into the Lease's holder identity, and standbys
   * relay the spans correlation needs to the leader's tap there.
   */
  readonly tapPeerAddress?: string;
}

/** A parsed invocation: the command, its operand, and the configuration. */
export interface Invocation {
  readonly command: Command;
  /** `kubetrail replay FILE`; unset means the bundled example. */
  readonly replayFile?: string;
  readonly config: KubetrailConfig;
  /** Problems that did not stop kubetrail, e.g. a malformed OTEL_* variable (ignored, as OpenTelemetry does). */
  readonly warnings: readonly string[];
  /**
   * The user's extra causality rules from `config.rules`, validated. loadConfig reads
   * them; resolveConfig, which does no IO, leaves them empty.
   */
  readonly rules: readonly CausalityRule[];
}

/** The resources watched when --resources is not given. */
export const DEFAULT_RESOURCES: readonly string[] = [
  'events',
  'pods',
  'replicasets',
  'deployments',
  'statefulsets',
  'daemonsets',
  'jobs',
  'cronjobs',
  'nodes',
];

/** Every default, in one place (the engine bounds match assembly's DEFAULT_LIMITS); the flag table's "default" column is derived from it. */
export const DEFAULT_CONFIG: KubetrailConfig = {
  watch: [],
  resources: DEFAULT_RESOURCES,
  namespaces: [],
  excludeNamespaces: [],
  exporter: 'otlp',
  headers: {},
  resourceAttributes: {},
  samplingRatePerMillion: 1_000_000,
  keepErrors: true,
  slowTraceMs: 60_000,
  settleMs: 5_000,
  maxTraceMs: 900_000,
  maxObjects: 250_000,
  maxOpenTraces: 20_000,
  maxSpansPerTrace: 5_000,
  maxPending: 20_000,
  // read-coalescer.ts: DEFAULT_READ_WINDOW_MS.
  watchReadWindowMs: 50,
  clockCalibrationMs: 300_000,
  exportQueueSize: 8_192,
  metricsAddr: ':9464',
  logLevel: 'info',
  leaderElect: false,
  strict: false,
  backfill: false,
  leaseNamespace: 'kubetrail',
  leaseName: 'kubetrail',
  tapForward: true,
};
