/**
 * Regenerates README.md's generated blocks (the replay sample, the flag table, the
 * storage bounds) from the code: `npm run docs`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { README_BLOCKS, REPO_ROOT, writeBlock } from './readme-blocks.js';

const file = new URL('README.md', REPO_ROOT);
let readme = readFileSync(file, 'utf8');
for (const block of README_BLOCKS) readme = writeBlock(readme, block.name, block.render());
writeFileSync(file, readme);
process.stdout.write(`README.md: regenerated ${README_BLOCKS.map((b) => b.name).join(', ')}\n`);
