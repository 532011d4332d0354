import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { README_BLOCKS, REPO_ROOT, readBlock } from './readme-blocks.js';

const readme = readFileSync(new URL('README.md', REPO_ROOT), 'utf8');

describe('README.md', () => {
  for (const block of README_BLOCKS) {
    it(`has the ${block.name} block as the code generates it`, () => {
      const text = readBlock(readme, block.name);
      assert.notEqual(text, undefined, `README.md has a <!-- ${block.name}:start --> … end block`);
      assert.equal(text, block.render().trim(), 'regenerate with npm run docs');
    });
  }

  it('opens with the replay sample, before any other example', () => {
    assert.ok(readme.indexOf('<!-- replay-sample:start -->') < readme.indexOf('```sh'));
  });

  it('says "build and push the image first" before the in-cluster apply', () => {
    const section = readme.slice(readme.indexOf('## In-cluster install'));
    const apply = section.indexOf('kubectl apply -k manifests/');
    assert.ok(apply > 0, 'the in-cluster section applies manifests/');
    assert.match(section.slice(0, apply), /no kubetrail image is published/i);
    assert.match(section.slice(0, apply), /build/i);
    assert.match(section.slice(0, apply), /push/);
  });

  it('keeps build figures, CI times and benchmark tables in docs/DEVELOPMENT.md', () => {
    for (const dev of [
      /Cold build/,
      /`\.ci\/run` on a clean clone/,
      /deltas\/s through the whole pipeline/,
      /peak RSS/i,
    ]) {
      assert.doesNotMatch(readme, dev);
    }
    const development = readFileSync(new URL('docs/DEVELOPMENT.md', REPO_ROOT), 'utf8');
    for (const dev of [
      /Cold build/,
      /`\.ci\/run` on a clean clone/,
      /deltas\/s through the whole pipeline/,
    ]) {
      assert.match(development, dev);
    }
  });
});
