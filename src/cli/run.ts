import type { Invocation } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import { renderHelp } from '../config/help.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger, type Logger } from './log.js';
import { type ReplayDeps, runReplay } from './replay.js';

/** The process around the CLI, injected so tests run it in memory. */
export interface CliDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly version: string;
  readonly readText?: (path: string) => string;
  readonly core: ReplayDeps['core'];
  readonly createSink?: ReplayDeps['createSink'];
  /** Opens a recording for replay; the default streams the file, or stdin for `-`. */
  readonly openRecording?: ReplayDeps['openRecording'];
  readonly runLive: (inv: Invocation, log: Logger, version: string) => Promise<number>;
}

/** Exit code for configuration problems, as for bad usage. */
export const EXIT_USAGE = 2;

/** Runs the kubetrail command line; resolves to the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let inv: Invocation;
  try {
    inv =
      deps.readText === undefined ? loadConfig(argv, deps.env) : loadConfig(argv, deps.env, deps.readText);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const p of e.problems) deps.stderr(`kubetrail: ${p}\n`);
    deps.stderr('Run kubetrail --help for usage.\n');
    return EXIT_USAGE;
  }
  if (inv.command === 'help') {
    deps.stdout(renderHelp(deps.version));
    return 0;
  }
  if (inv.command === 'version') {
    deps.stdout(`kubetrail ${deps.version}\n`);
    return 0;
  }
  const log = createLogger({ level: inv.config.logLevel, write: deps.stderr });
  for (const w of inv.warnings) log.warn(w);
  if (inv.command === 'live') {
    try {
      return await deps.runLive(inv, log, deps.version);
    } catch (e) {
      // Startup problems (kubeconfig, TLS files, a taken port) carry a stable code: one clear line, exit 1.
      const code = (e as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('ERR_')) throw e;
      deps.stderr(`kubetrail: ${(e as Error).message}\n`);
      return 1;
    }
  }
  return runReplay(inv, {
    core: deps.core,
    log,
    version: deps.version,
    stderr: deps.stderr,
    ...(deps.openRecording === undefined ? {} : { openRecording: deps.openRecording }),
    ...(deps.createSink === undefined ? {} : { createSink: deps.createSink }),
  });
}
