#!/usr/bin/env node
import { replayCore } from './core.js';
import { runLive } from './live.js';
import { runCli } from './run.js';
import { packageVersion } from './version.js';

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  version: packageVersion(),
  core: replayCore,
  runLive,
});
process.exitCode = code;
