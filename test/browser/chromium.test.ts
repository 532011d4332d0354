import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { chromiumMissing, findChromium, screenshot, screenshotAfterScript } from './chromium.js';

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

describe('screenshotAfterScript (a real chromium)', { skip: chromiumMissing() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'chromium-page-'));
  const page = join(dir, 'page.html');
  writeFileSync(page, '<!doctype html><body><button id="b" onclick="document.title=\'clicked\'">b</button>');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the script once the page is ready and writes a PNG of the window size', async () => {
    const file = join(dir, 'shot.png');
    await screenshotAfterScript(`file://${page}`, file, {
      width: 640,
      height: 360,
      ready: "document.getElementById('b')",
      script:
        "document.getElementById('b').click(); if (document.title !== 'clicked') throw new Error('no click')",
    });
    const png = readFileSync(file);
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [640, 360]);
  });

  it("rejects with the page's error when the script throws", async () => {
    await assert.rejects(
      screenshotAfterScript(`file://${page}`, join(dir, 'never.png'), {
        ready: 'true',
        script: "throw new Error('boom in page')",
        timeoutMs: 60_000,
      }),
      /boom in page/,
    );
  });
});
