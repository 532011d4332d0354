import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { chromiumMissing, findChromium, screenshot } from './chromium.js';

describe('findChromium', () => {
  const dirs = [mkdtempSync(join(tmpdir(), 'chromium-a-')), mkdtempSync(join(tmpdir(), 'chromium-b-'))];
  const [a = '', b = ''] = dirs;
  const exe = (dir: string, name: string): string => {
    const file = join(dir, name);
    writeFileSync(file, '#!/bin/sh\n');
    chmodSync(file, 0o755);
    return file;
  };
  writeFileSync(join(a, 'chromium'), 'not executable');
  const inB = exe(b, 'chromium-browser');
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('takes $CHROMIUM as given', () => {
    assert.equal(findChromium({ CHROMIUM: '/opt/x/chrome', PATH: b }), '/opt/x/chrome');
  });

  it('finds the first executable candidate on PATH, skipping files that are not executable', () => {
    assert.equal(findChromium({ PATH: [a, b].join(delimiter) }), inB);
  });

  it('says how to install it when there is none', () => {
    assert.equal(findChromium({ PATH: a }), undefined);
    assert.match(chromiumMissing({ PATH: a }) ?? '', /apt-get install chromium/);
    assert.equal(chromiumMissing({ PATH: b }), undefined);
  });
});

describe('screenshot options', () => {
  it('rejects a window size that is not a positive integer, before starting a browser', async () => {
    await assert.rejects(screenshot('http://127.0.0.1:1/', '/tmp/never.png', { width: 0 }), TypeError);
    await assert.rejects(screenshot('http://127.0.0.1:1/', '/tmp/never.png', { height: 1.5 }), TypeError);
  });
});
