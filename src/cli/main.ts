#!/usr/bin/env node
import { replayCore } from './core.js';
import { runCli } from './run.js';
import { packageVersion } from './version.js';

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  version: packageVersion(),
  core: replayCore,
  // Loaded only for live mode: the Kubernetes client alone costs a replay about 70 MiB of RSS.
  runLive: async (inv, log, version) => (await import('./live.js')).runLive(inv, log, version),
});
process.exitCode = code;
