/**
 * Prints the recording × check table (pass or fail) and the first violations:
 * the work list of issues 9 and 12.
 *
 *   node dist/test/scenarios/property-table.js [--details] [RECORDING ...]
 */
import { allRecordings, CHECK_NAMES, evaluate, loadClockSamples, loadRecording } from './evaluate.js';

const args = process.argv.slice(2);
const details = args.includes('--details');
const chosen = args.filter((a) => !a.startsWith('--'));
const recordings = chosen.length > 0 ? chosen : allRecordings();

const header = ['recording', ...CHECK_NAMES.map((_, i) => `${i + 1}`)];
console.log(CHECK_NAMES.map((n, i) => `${i + 1} = ${n}`).join('\n'));
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
const notes: string[] = [];
for (const r of recordings) {
  const result = evaluate(loadRecording(r), loadClockSamples(r));
  const cells = CHECK_NAMES.map((n) => ((result.get(n) ?? []).length === 0 ? 'ok' : '**FAIL**'));
  console.log(`| ${r.replace(/^test\/fixtures\//, '')} | ${cells.join(' | ')} |`);
  for (const n of CHECK_NAMES) {
    for (const v of result.get(n) ?? []) notes.push(`${r} ${n}: ${v}`);
  }
}
if (details) console.log(`\n${notes.join('\n')}`);
