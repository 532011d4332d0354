import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { renderFlagTableMarkdown } from '../../src/config/help.js';

const START = '<!-- flags:start -->';
const END = '<!-- flags:end -->';

it('README configuration table matches the flag table', () => {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  assert.ok(from >= 0 && to > from, `README.md has a ${START} … ${END} block`);
  const block = readme.slice(from + START.length, to).trim();
  assert.equal(block, renderFlagTableMarkdown().trim(), 'regenerate with renderFlagTableMarkdown()');
});
