import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Recorder, RecorderError } from '../../../src/sources/kube/recorder.js';

describe('Recorder.open', () => {
  it('fails at once, with a coded error, on a path it cannot write', async () => {
    await assert.rejects(Recorder.open('/nonexistent-dir/rec.jsonl'), (e: unknown) => {
      assert.ok(e instanceof RecorderError);
      assert.equal(e.code, 'ERR_RECORD_OPEN');
      assert.match(e.message, /^cannot write recording \/nonexistent-dir\/rec\.jsonl: ENOENT/);
      return true;
    });
  });

  it('opens a writable path and records deltas as JSON Lines', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kubetrail-rec-')), 'rec.jsonl');
    const recorder = await Recorder.open(path);
    const time = Date.parse('2026-11-30T09:00:00Z');
    recorder.write({ time, type: 'ADDED', object: { kind: 'Pod' }, initial: true });
    await recorder.close();
    assert.equal(
      readFileSync(path, 'utf8'),
      '{"time":"2026-11-30T09:00:00.000Z","type":"ADDED","initial":true,"object":{"kind":"Pod"}}\n',
    );
    assert.equal(recorder.error, undefined);
  });
});
