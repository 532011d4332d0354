/**
 * A real headless browser for the tests and the screenshot script: Debian's
 * chromium package, run once per page with `--headless`. Chromium's virtual
 * time budget lets the page load, fetch and render before the DOM is dumped or
 * the screenshot is taken, with no DevTools client and no npm dependency.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Where a page is rendered: the window size and how long the page may run. */
export interface PageOptions {
  /** Window width in CSS pixels. @default 1600 */
  readonly width?: number;
  /** Window height in CSS pixels; a screenshot has exactly this height. @default 1200 */
  readonly height?: number;
  /** Virtual time the page gets to load and render before the result is taken. @default 15000 */
  readonly virtualTimeBudgetMs?: number;
  /** Wall-clock limit for the whole chromium run. @default 120000 */
  readonly timeoutMs?: number;
}

const NAMES = ['chromium', 'chromium-browser', 'google-chrome'];

/** The chromium binary: $CHROMIUM, else the first of chromium, chromium-browser, google-chrome on PATH. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CHROMIUM) return env.CHROMIUM;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of NAMES) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The reason chromium cannot be used, with the way to install it; undefined when it can. */
export function chromiumMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findChromium(env) === undefined
    ? 'no chromium on PATH (Debian: apt-get install chromium; or set CHROMIUM)'
    : undefined;
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0)
    throw new TypeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

async function runChromium(extra: readonly string[], url: string, options: PageOptions): Promise<string> {
  const width = positive('width', options.width ?? 1600);
  const height = positive('height', options.height ?? 1200);
  const budget = positive('virtualTimeBudgetMs', options.virtualTimeBudgetMs ?? 15_000);
  const timeout = positive('timeoutMs', options.timeoutMs ?? 120_000);
  const bin = findChromium();
  if (bin === undefined) throw new Error(chromiumMissing());
  // A profile of its own, so runs never share (or lock) one.
  const profile = await mkdtemp(join(tmpdir(), 'kubetrail-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--hide-scrollbars',
    '--no-first-run',
    '--no-default-browser-check',
    `--user-data-dir=${profile}`,
    `--window-size=${width},${height}`,
    `--virtual-time-budget=${budget}`,
    ...extra,
    url,
  ];
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile(bin, args, { timeout, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`${bin} ${args.join(' ')}: ${err.message}\n${stderr}`));
        else resolve(stdout);
      });
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** The DOM of `url` after it ran for the virtual time budget, serialised as HTML. */
export function dumpDom(url: string, options: PageOptions = {}): Promise<string> {
  return runChromium(['--dump-dom'], url, options);
}

/** Renders `url` and writes a PNG of the window to `file`. */
export async function screenshot(url: string, file: string, options: PageOptions = {}): Promise<void> {
  await runChromium([`--screenshot=${file}`], url, options);
}
