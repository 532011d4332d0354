import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FLAGS } from '../../src/config/flags.js';
import { flagDefault, renderFlagTableMarkdown } from '../../src/config/help.js';

/** The repository root, from dist/test/docs. */
export const REPO_ROOT = new URL('../../../', import.meta.url);

/** A generated block of the README: between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
export interface ReadmeBlock {
  readonly name: string;
  /** The block's text, without the markers. */
  render(): string;
}

/** The storage bounds, one row per flag that bounds a buffer, with the flag table's default. */
export function renderBoundsMarkdown(): string {
  const rows = ['| Buffer | Flag | Default |', '|---|---|---|'];
  for (const name of [
    'max-objects',
    'max-open-traces',
    'max-spans-per-trace',
    'max-pending',
    'export-queue-size',
  ]) {
    const spec = FLAGS.find((f) => f.name === name);
    if (spec === undefined) throw new Error(`the flag table has no --${name}`);
    rows.push(`| ${spec.description} | \`--${spec.name}\` | ${flagDefault(spec)} |`);
  }
  return `${rows.join('\n')}\n`;
}

/**
 * What `npx kubetrail replay` prints on the bundled recording: the built CLI, run with no
 * KUBETRAIL_* or OTEL_* variable, in a fenced block.
 */
export function renderReplaySample(): string {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('KUBETRAIL_') && !k.startsWith('OTEL_')) env[k] = v;
  }
  const main = fileURLToPath(new URL('dist/src/cli/main.js', REPO_ROOT));
  const out = execFileSync(process.execPath, [main, 'replay'], { env, encoding: 'utf8' });
  return `\`\`\`\n${out.trimEnd()}\n\`\`\`\n`;
}

/** Every generated block of README.md. */
export const README_BLOCKS: readonly ReadmeBlock[] = [
  { name: 'replay-sample', render: renderReplaySample },
  { name: 'flags', render: renderFlagTableMarkdown },
  { name: 'bounds', render: renderBoundsMarkdown },
];

function markers(name: string): { start: string; end: string } {
  return { start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` };
}

/** The text between a block's markers, trimmed; undefined when the markers are missing. */
export function readBlock(readme: string, name: string): string | undefined {
  const { start, end } = markers(name);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) return undefined;
  return readme.slice(from + start.length, to).trim();
}

/** `readme` with the block's text replaced by `text`. Throws when the markers are missing. */
export function writeBlock(readme: string, name: string, text: string): string {
  const { start, end } = markers(name);
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md has no ${start} … ${end} block`);
  return `${readme.slice(0, from + start.length)}\n${text.trimEnd()}\n${readme.slice(to)}`;
}
