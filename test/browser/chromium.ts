/**
 * A real headless browser for the tests and the screenshot script: Debian's
 * chromium package, run once per page with `--headless`. Chromium's virtual
 * time budget lets the page load, fetch and render before the DOM is dumped or
 * the screenshot is taken. A page that needs a click first is driven over the
 * DevTools protocol on a pipe. No npm dependency.
 */
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

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

/** A page to shoot after a script ran in it. */
export interface ScriptedPage extends Omit<PageOptions, 'virtualTimeBudgetMs'> {
  /** JavaScript expression that is true once the page is ready for `script`, polled every 250 ms. */
  readonly ready: string;
  /** JavaScript run in the page once ready (a returned promise is awaited), e.g. clicks that open sections. */
  readonly script: string;
}

interface CdpMessage {
  id?: number;
  method?: string;
  sessionId?: string;
  result?: Record<string, unknown>;
  error?: { message: string };
}

/**
 * Renders `url`, runs `page.script` in it once `page.ready` holds, and writes
 * a PNG of the window to `file`. Speaks the DevTools protocol to chromium
 * over `--remote-debugging-pipe` (NUL-separated JSON on fds 3 and 4), so it
 * needs no WebSocket client and no npm package.
 */
export async function screenshotAfterScript(url: string, file: string, page: ScriptedPage): Promise<void> {
  const width = positive('width', page.width ?? 1600);
  const height = positive('height', page.height ?? 1200);
  const timeout = positive('timeoutMs', page.timeoutMs ?? 120_000);
  const bin = findChromium();
  if (bin === undefined) throw new Error(chromiumMissing());
  const profile = await mkdtemp(join(tmpdir(), 'kubetrail-chromium-'));
  const child = spawn(
    bin,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--hide-scrollbars',
      '--no-first-run',
      '--no-default-browser-check',
      `--user-data-dir=${profile}`,
      `--window-size=${width},${height}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
  );
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const pending = new Map<number, { ok: (r: Record<string, unknown>) => void; fail: (e: Error) => void }>();
  const waiters: { method: string; ok: () => void }[] = [];
  let buffered = '';
  fromBrowser.on('data', (b: Buffer) => {
    buffered += b.toString();
    for (let nul = buffered.indexOf('\0'); nul >= 0; nul = buffered.indexOf('\0')) {
      const msg = JSON.parse(buffered.slice(0, nul)) as CdpMessage;
      buffered = buffered.slice(nul + 1);
      if (msg.id !== undefined) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error) p?.fail(new Error(msg.error.message));
        else p?.ok(msg.result ?? {});
      } else if (msg.method) {
        const waiting = waiters.splice(0);
        for (const w of waiting) {
          if (w.method === msg.method) w.ok();
          else waiters.push(w);
        }
      }
    }
  });
  let nextId = 1;
  const send = (method: string, params: object = {}, sessionId?: string): Promise<Record<string, unknown>> =>
    new Promise((ok, fail) => {
      const id = nextId++;
      pending.set(id, { ok, fail });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  const event = (method: string): Promise<void> => new Promise((ok) => waiters.push({ method, ok }));
  const exited = new Promise<never>((_, fail) =>
    child.once('exit', (code) =>
      fail(new Error(`${bin} exited (${code}) before the screenshot:\n${stderr}`)),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${url}: no screenshot within ${timeout} ms`)), timeout);
  });
  const shoot = async (): Promise<void> => {
    const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as {
      sessionId: string;
    };
    const evaluate = async (expression: string): Promise<unknown> => {
      const r = (await send(
        'Runtime.evaluate',
        { expression, awaitPromise: true, returnByValue: true },
        sessionId,
      )) as {
        result?: { value?: unknown };
        exceptionDetails?: { text?: string; exception?: { description?: string } };
      };
      if (r.exceptionDetails) {
        throw new Error(
          `${expression}: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`,
        );
      }
      return r.result?.value;
    };
    // The window has room for a browser's frame: the page's viewport is set to the asked size.
    await send(
      'Emulation.setDeviceMetricsOverride',
      { width, height, deviceScaleFactor: 1, mobile: false },
      sessionId,
    );
    await send('Page.enable', {}, sessionId);
    const loaded = event('Page.loadEventFired');
    await send('Page.navigate', { url }, sessionId);
    await loaded;
    while ((await evaluate(`Boolean(${page.ready})`)) !== true) await new Promise((r) => setTimeout(r, 250));
    await evaluate(page.script);
    // Two animation frames: the page has drawn what the script changed.
    await evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))');
    const { data } = (await send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
    await writeFile(file, Buffer.from(data, 'base64'));
  };
  try {
    await Promise.race([shoot(), exited, timedOut]);
  } finally {
    clearTimeout(timer);
    // Chromium writes to its profile until it is gone: wait before removing it.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await gone;
    await rm(profile, { recursive: true, force: true, maxRetries: 3 });
  }
}
