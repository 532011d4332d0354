import yaml from 'js-yaml';

/** The apiVersions of Kubernetes' TracingConfiguration that kubetrail reads. */
export const TRACING_CONFIGURATION_VERSIONS: readonly string[] = [
  'apiserver.config.k8s.io/v1',
  'apiserver.config.k8s.io/v1beta1',
  'apiserver.config.k8s.io/v1alpha1',
];

/** A config file after parsing, before its values are checked against the flag table. */
export interface ParsedConfigFile {
  /** Keys as written (camelCase config keys or flag names), values as YAML gave them. */
  readonly values: Readonly<Record<string, unknown>>;
  readonly problems: readonly string[];
  /** True when the file was a Kubernetes TracingConfiguration. */
  readonly tracingConfiguration: boolean;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a config file: YAML or JSON (JSON is YAML). A Kubernetes TracingConfiguration,
 * the file kube-apiserver reads with --tracing-config-file, is recognised by its kind and
 * mapped: `endpoint` and `samplingRatePerMillion`. Pure: the caller reads the file.
 */
export function parseConfigFile(text: string, path: string): ParsedConfigFile {
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename: path, json: true });
  } catch (e) {
    const reason = e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e);
    return {
      values: {},
      problems: [`${path}: not valid YAML or JSON: ${reason}`],
      tracingConfiguration: false,
    };
  }
  if (doc === undefined || doc === null) return { values: {}, problems: [], tracingConfiguration: false };
  if (!isRecord(doc)) {
    return { values: {}, problems: [`${path}: must be a mapping of settings`], tracingConfiguration: false };
  }
  if (doc.kind !== 'TracingConfiguration') {
    const { apiVersion: _a, kind: _k, ...rest } = doc;
    return { values: rest, problems: [], tracingConfiguration: false };
  }
  const problems: string[] = [];
  if (typeof doc.apiVersion !== 'string' || !TRACING_CONFIGURATION_VERSIONS.includes(doc.apiVersion)) {
    problems.push(
      `${path}: TracingConfiguration apiVersion ${JSON.stringify(doc.apiVersion)} is not one of ${TRACING_CONFIGURATION_VERSIONS.join(', ')}`,
    );
  }
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if (k === 'endpoint' || k === 'samplingRatePerMillion') values[k] = v;
    else problems.push(`${path}: TracingConfiguration has no field ${JSON.stringify(k)}`);
  }
  return { values, problems, tracingConfiguration: true };
}
