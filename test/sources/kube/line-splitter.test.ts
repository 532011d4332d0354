import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { readLines } from '../../../src/sources/kube/kube-transport.js';
import { LineSplitter } from '../../../src/sources/kube/line-splitter.js';

/** Every line of `chunks`, pushed in order, then the end. */
function split(chunks: readonly Buffer[], max?: number): string[] {
  const splitter = new LineSplitter(max);
  const lines: string[] = [];
  const take = (l: string): boolean => {
    lines.push(l);
    return true;
  };
  for (const c of chunks) splitter.push(c, take);
  splitter.end(take);
  return lines;
}

describe('LineSplitter', () => {
  it('keeps a multi-byte character split across chunks whole', () => {
    const bytes = Buffer.from('{"a":"☸"}\n{"b":1}\n', 'utf8');
    const cut = bytes.indexOf(0xe2) + 1;
    assert.deepEqual(split([bytes.subarray(0, cut), bytes.subarray(cut)]), ['{"a":"☸"}', '{"b":1}']);
  });

  it('joins a line spread over three chunks, splits several lines of one chunk, skips blank lines', () => {
    const chunks = ['{"a":', '1', '}\n\n  \r\n{"b":2}\n{"c":3}\n{"d"', ':4}'].map((s) => Buffer.from(s));
    assert.deepEqual(split(chunks), ['{"a":1}', '{"b":2}', '{"c":3}', '{"d":4}']);
  });

  it('stops reading a chunk when the consumer says so', () => {
    const splitter = new LineSplitter();
    const seen: string[] = [];
    const more = splitter.push(Buffer.from('1\n2\n3\n'), (l) => {
      seen.push(l);
      return l !== '2';
    });
    assert.equal(more, false);
    assert.deepEqual(seen, ['1', '2']);
  });

  it('bounds memory: a line over the limit becomes a short sample that is not JSON, and the next line is whole', () => {
    const long = `{"x":"${'y'.repeat(300)}"}`;
    const chunks = [
      Buffer.from(long.slice(0, 100)),
      Buffer.from(long.slice(100, 250)),
      Buffer.from(`${long.slice(250)}\n{"ok":1}\n`),
    ];
    const lines = split(chunks, 200);
    assert.equal(lines.length, 2);
    assert.match(lines[0] ?? '', /^oversized line \(308 bytes\): \{"x":"y+$/);
    assert.throws(() => JSON.parse(lines[0] ?? ''));
    assert.ok((lines[0] ?? '').length < 200);
    assert.equal(lines[1], '{"ok":1}');
    assert.match(split([Buffer.from(`${long}\n`)], 200)[0] ?? '', /^oversized line \(308 bytes\)/);
  });

  it('rejects a bound that is not a positive integer', () => {
    assert.throws(() => new LineSplitter(0), TypeError);
  });
});

describe('readLines', () => {
  it('delivers the lines of a stream, its last unterminated line included, and resolves at its end', async () => {
    const body = new PassThrough();
    const lines: string[] = [];
    const done = readLines(body, (l) => {
      lines.push(l);
      return true;
    });
    body.write('{"a":1}\n{"b"');
    body.end(':2}');
    await done;
    assert.deepEqual(lines, ['{"a":1}', '{"b":2}']);
  });

  it('rejects when the stream fails or is cut, and when the consumer throws', async () => {
    const failing = new PassThrough();
    const failed = readLines(failing, () => true);
    failing.destroy(new Error('socket hang up'));
    await assert.rejects(failed, /socket hang up/);

    const cut = new PassThrough();
    const closed = readLines(cut, () => true);
    cut.destroy();
    await assert.rejects(closed, /closed before its end/);

    const body = new PassThrough();
    const thrown = readLines(body, () => {
      throw new Error('consumer broke');
    });
    body.write('{}\n');
    await assert.rejects(thrown, /consumer broke/);
    assert.equal(body.destroyed, true);
  });

  it('closes the stream when the consumer stops', async () => {
    const body = new PassThrough();
    const seen: string[] = [];
    const done = readLines(body, (l) => {
      seen.push(l);
      return false;
    });
    body.write('1\n2\n');
    await done;
    assert.deepEqual(seen, ['1']);
    assert.equal(body.destroyed, true);
  });
});
