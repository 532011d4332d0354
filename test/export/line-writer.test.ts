// The line writer over real streams and a real file: back-pressure, errors, ownership.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { ExportError } from '../../src/export/export-error.js';
import { fileOrStdoutWriter, MemoryWriter, streamWriter } from '../../src/export/line-writer.js';

/** A stream that accepts one chunk at a time, each after `release()` is called. */
function slowStream() {
  const written: string[] = [];
  const waiting: (() => void)[] = [];
  const stream = new Writable({
    highWaterMark: 4,
    write(chunk: Buffer, _enc, done) {
      written.push(chunk.toString());
      waiting.push(() => done());
    },
  });
  return { stream, written, release: () => waiting.shift()?.() };
}

describe('streamWriter', () => {
  it('waits for drain when the stream is full, and resolves once it drains', async () => {
    const { stream, written, release } = slowStream();
    const w = streamWriter(stream, true);
    let accepted = false;
    const pending = w.write('a long line\n').then(() => {
      accepted = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(accepted, false, 'held back: the stream is over its high-water mark');
    release();
    await pending;
    assert.equal(accepted, true);
    assert.deepEqual(written, ['a long line\n']);
  });

  it('rejects a write with ERR_EXPORT_WRITE once the stream has failed', async () => {
    const stream = new Writable({
      write(_chunk, _enc, done) {
        done(new Error('disk full'));
      },
    });
    const w = streamWriter(stream, true);
    await assert.rejects(w.write('x'.repeat(20_000)), (e: unknown) => {
      assert.ok(e instanceof ExportError);
      assert.equal(e.code, 'ERR_EXPORT_WRITE');
      assert.equal(e.message, 'write failed: disk full');
      return true;
    });
    await assert.rejects(w.write('y'), /write failed: disk full/);
  });

  it('ends a stream it owns on close, and leaves one it does not own open', async () => {
    const owned = slowStream();
    owned.stream.on('finish', () => {});
    await streamWriter(owned.stream, true).close();
    assert.equal(owned.stream.writableEnded, true);
    const borrowed = slowStream();
    await streamWriter(borrowed.stream, false).close();
    assert.equal(borrowed.stream.writableEnded, false);
  });
});

describe('fileOrStdoutWriter', () => {
  it('creates or truncates the file and has it complete after close', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kubetrail-writer-')), 'out.jsonl');
    for (const text of ['old content that must go\n', '{"a":1}\n']) {
      const w = fileOrStdoutWriter(path);
      await w.write(text);
      await w.close();
    }
    assert.equal(readFileSync(path, 'utf8'), '{"a":1}\n');
  });

  it('fails a write to a file it cannot create', async () => {
    const w = fileOrStdoutWriter('/nonexistent-dir/out.jsonl');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await assert.rejects(w.write('x'), /write failed: ENOENT/);
  });
});

describe('MemoryWriter', () => {
  it('keeps every chunk in order and records close', async () => {
    const w = new MemoryWriter();
    await w.write('a');
    await w.write('b');
    await w.close();
    assert.deepEqual(w.chunks, ['a', 'b']);
    assert.equal(w.text(), 'ab');
    assert.equal(w.closed, true);
  });
});
