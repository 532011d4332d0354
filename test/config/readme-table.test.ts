import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { renderFlagTableMarkdown } from '../../src/config/help.js';

const START = '<!-- flags:start -->';
const END = '<!-- flags:end -->';

it('README configuration table matches the flag table', (t) => {
  let readme: string;
  try {
    readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  } catch {
    t.skip('no README.md');
    return;
  }
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) {
    t.skip(`README.md has no ${START} … ${END} block yet`);
    return;
  }
  const block = readme.slice(from + START.length, to).trim();
  assert.equal(block, renderFlagTableMarkdown().trim(), 'regenerate with renderFlagTableMarkdown()');
});
