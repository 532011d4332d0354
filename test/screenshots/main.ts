/**
 * `npm run screenshots`: renders trace views in Jaeger's UI with headless
 * chromium and writes them to docs/images/<name>.png, for the README.
 *
 *   node dist/test/screenshots/main.js [NAME...]
 *   node dist/test/screenshots/main.js --recording FILE --root ROOT [--nth N] [--name NAME]
 *
 * The first form takes the shots of shots.ts (all, or those named);
 * the second any recording's trace: the nth (from 0; negative from the end)
 * whose root span is ROOT. Needs the local stack's Jaeger with its UI
 * (`npm run cluster:up`; JAEGER_URL overrides http://127.0.0.1:16686) and
 * chromium; the tap hops use the whole stack (they restart the apiserver
 * twice). --out-dir DIR writes elsewhere than docs/images.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromiumMissing, screenshot, screenshotAfterScript } from '../browser/chromium.js';
import { repoRoot } from '../cluster/cluster.js';
import { fromRecording, type Shot } from './shot.js';
import { SHOTS } from './shots.js';
import { traceViewHeight, traceViewUrl } from './trace-view.js';

const USAGE =
  'usage: screenshots [NAME...] | --recording FILE --root ROOT [--nth N] [--name NAME]  [--out-dir DIR]';

function fail(message: string): never {
  process.stderr.write(`screenshots: ${message}\n`);
  process.exit(2);
}

function chooseShots(): { shots: Shot[]; outDir: string } {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      recording: { type: 'string' },
      root: { type: 'string' },
      nth: { type: 'string' },
      name: { type: 'string' },
      'out-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const outDir = values['out-dir'] ?? join(repoRoot, 'docs/images');
  if (values.recording !== undefined) {
    if (values.root === undefined) fail(`--recording needs --root\n${USAGE}`);
    if (positionals.length > 0) fail(`give shot names or --recording, not both\n${USAGE}`);
    const nth = Number(values.nth ?? '0');
    if (!Number.isInteger(nth)) fail(`--nth must be an integer, got ${values.nth}`);
    const name = values.name ?? 'trace';
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) fail(`--name must be kebab-case, got ${name}`);
    return {
      shots: [fromRecording(name, name, resolve(values.recording), { root: values.root, nth })],
      outDir,
    };
  }
  if (positionals.length === 0) return { shots: [...SHOTS], outDir };
  const known = new Map(SHOTS.map((s) => [s.name, s]));
  const unknown = positionals.filter((n) => !known.has(n));
  if (unknown.length > 0) fail(`no shot ${unknown.join(', ')}; known: ${[...known.keys()].join(', ')}`);
  return { shots: positionals.flatMap((n) => known.get(n) ?? []), outDir };
}

async function main(): Promise<number> {
  const { shots, outDir } = chooseShots();
  const missing = chromiumMissing();
  if (missing) fail(missing);
  const jaegerUrl = process.env.JAEGER_URL ?? 'http://127.0.0.1:16686';
  const page = await fetch(jaegerUrl).then(
    (r) => r.text(),
    (e: unknown) =>
      fail(`Jaeger at ${jaegerUrl} does not answer (${String(e)}); start it: npm run cluster:up`),
  );
  if (!page.includes('jaeger-ui-root')) fail(`${jaegerUrl} does not serve Jaeger's UI; restart the stack`);
  await mkdir(outDir, { recursive: true });
  let failed = 0;
  for (const shot of shots) {
    const why = shot.unavailable?.();
    if (why !== undefined) {
      process.stdout.write(`screenshots: skipped ${shot.name}: ${why}\n`);
      continue;
    }
    try {
      const shown = await shot.trace(jaegerUrl);
      const file = join(outDir, `${shot.name}.png`);
      const url = traceViewUrl(jaegerUrl, shown);
      const height = traceViewHeight(shown);
      if (shown.script) {
        await screenshotAfterScript(url, file, {
          height,
          ready: shown.script.ready,
          script: shown.script.run,
        });
      } else {
        await screenshot(url, file, { height });
      }
      const size = (await stat(file)).size;
      process.stdout.write(
        `screenshots: wrote ${relative(process.cwd(), file)} (trace ${shown.traceId}, ${shown.spanCount} spans, ${size} bytes)\n`,
      );
    } catch (e) {
      failed++;
      process.stderr.write(
        `screenshots: ${shot.name} failed: ${e instanceof Error ? e.message : String(e)}\n`,
      );
    }
  }
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
