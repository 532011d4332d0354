/**
 * The floor ratio in instructions, which the machine's load does not change. One
 * process runs one stage over the lines of a file written by `write`:
 *
 *   node dist/test/bench/floor-instructions.js write FILE [--deployments 300] [--seed 42]
 *   valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
 *     node --single-threaded dist/test/bench/floor-instructions.js STAGE FILE
 *
 * STAGE is `load` (read and split the file), `parse` (JSON.parse every line),
 * `engine` (the recording parser and the engine) or `pipeline` (`runPipeline`,
 * as bench.js runs it: parser, engine and OTLP-JSON encoder). Each stage's instructions
 * less `load`'s are its own; the floor ratio is parse / pipeline.
 * `--single-threaded` keeps V8's compiler and collector on the main thread, so
 * cachegrind counts them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateClusterRecording } from './cluster-generator.js';
import { runPipeline } from './pipeline-run.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    deployments: { type: 'string', default: '300' },
    seed: { type: 'string', default: '42' },
  },
});
const [stage, file] = positionals;
if (file === undefined)
  throw new TypeError('usage: floor-instructions.js write|load|parse|engine|pipeline FILE');

if (stage === 'write') {
  const recording = generateClusterRecording({
    deployments: Number(values.deployments),
    seed: Number(values.seed),
  });
  writeFileSync(file, `${recording.lines.join('\n')}\n`);
  console.log(`${recording.lines.length} deltas written to ${file}`);
} else {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  let out = 0;
  if (stage === 'parse') {
    for (const l of lines) if (JSON.parse(l) !== null) out++;
  } else if (stage === 'engine' || stage === 'pipeline') {
    const counts = runPipeline(lines, { encode: stage === 'pipeline' });
    out = stage === 'pipeline' ? counts.outputBytes : counts.traces;
  } else if (stage !== 'load') {
    throw new TypeError(`unknown stage ${stage}`);
  }
  console.log(`${stage}: ${lines.length} lines, ${out}`);
}
