import { DEFAULT_CONFIG, type GroupVersionResource } from './config.js';
import { COMMAND_FLAGS, FLAGS, type FlagGroup, type FlagSpec } from './flags.js';

/** A flag's documented default: its `defaultText`, or the value in DEFAULT_CONFIG. */
export function flagDefault(spec: FlagSpec): string {
  if (spec.defaultText !== undefined) return spec.defaultText;
  const v: unknown = DEFAULT_CONFIG[spec.key];
  if (v === undefined) return 'none';
  if (Array.isArray(v)) {
    return v.length === 0
      ? 'none'
      : v
          .map((x: string | GroupVersionResource) =>
            typeof x === 'string' ? x : `${x.group}/${x.version}/${x.resource}`,
          )
          .join(',');
  }
  if (typeof v === 'string') return v === '' ? '""' : v;
  return String(v);
}

function usage(spec: FlagSpec): string {
  if (spec.kind === 'boolean') return `--${spec.name}`;
  if (spec.kind === 'enum') return `--${spec.name} ${(spec.values ?? []).join('|')}`;
  return `--${spec.name} ${spec.arg ?? 'VALUE'}`;
}

const GROUPS: readonly FlagGroup[] = [
  'General',
  'Cluster',
  'Export',
  'Sampling',
  'Limits',
  'Tap',
  'Operations',
];

/** `kubetrail --help`, generated from the flag table. */
export function renderHelp(version: string): string {
  const lines = [
    `kubetrail ${version}: Kubernetes Events and object changes as OpenTelemetry traces`,
    '',
    'Usage:',
    '  kubetrail [flags]               watch the cluster of the current kubeconfig context (live)',
    '  kubetrail replay [FILE] [flags] turn a recording into traces (default: the bundled example)',
    '  kubetrail --help | --version',
    '',
    'Every flag can also be set by its environment variable or in the --config file (camelCase key).',
    'Precedence: flag, then environment, then config file, then default.',
  ];
  const width = Math.max(...FLAGS.map((f) => usage(f).length));
  for (const group of GROUPS) {
    lines.push('', `${group}:`);
    for (const f of FLAGS.filter((x) => x.group === group)) {
      lines.push(`  ${usage(f).padEnd(width)}  ${f.description}`);
      lines.push(`  ${''.padEnd(width)}  env ${f.env}, default ${flagDefault(f)}`);
    }
  }
  lines.push('');
  for (const c of COMMAND_FLAGS) lines.push(`  -${c.short}, --${c.name}`.padEnd(width + 4) + c.description);
  return `${lines.join('\n')}\n`;
}

/** The README's configuration table (Markdown), generated from the same flag table. */
export function renderFlagTableMarkdown(): string {
  const cell = (s: string): string => s.replaceAll('|', '\\|');
  const rows = [
    '| Flag | Environment | Config key | Default | Meaning |',
    '|---|---|---|---|---|',
    ...FLAGS.map(
      (f) =>
        `| \`${cell(usage(f))}\` | \`${f.env}\` | \`${f.key}\` | ${cell(flagDefault(f))} | ${cell(f.description)} |`,
    ),
  ];
  return `${rows.join('\n')}\n`;
}
