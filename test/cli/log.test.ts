import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/cli/log.js';

describe('createLogger', () => {
  it('writes one JSON object per line at or above its level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', write: (l) => lines.push(l), now: () => 0 });
    log.info('hidden');
    log.warn('export failing', { spans: 3, error: new Error('boom') });
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0] ?? ''), {
      time: '1970-01-01T00:00:00.000Z',
      level: 'warn',
      msg: 'export failing',
      spans: 3,
      error: { name: 'Error', message: 'boom' },
    });
  });

  it('logEvery lets one through per interval and key', () => {
    let now = 0;
    const log = createLogger({ write: () => undefined, now: () => now });
    assert.equal(log.logEvery('a', 1000), true);
    assert.equal(log.logEvery('a', 1000), false);
    assert.equal(log.logEvery('b', 1000), true);
    now = 999;
    assert.equal(log.logEvery('a', 1000), false);
    now = 1000;
    assert.equal(log.logEvery('a', 1000), true);
  });
});
