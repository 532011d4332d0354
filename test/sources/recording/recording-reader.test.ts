import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Delta } from '../../../src/model/delta.js';
import { RecordingError } from '../../../src/sources/recording/recording-error.js';
import { readRecording } from '../../../src/sources/recording/recording-reader.js';

const line = (i: number): string =>
  `{"time":"2026-11-22T10:00:${String(i % 60).padStart(2, '0')}Z","type":"ADDED","object":{"kind":"Pod","metadata":{"uid":"u${i}","name":"p${i}"}}}\n`;

describe('readRecording', () => {
  it('reads lines split anywhere across chunks, multi-byte characters included', async () => {
    const text = `${line(1)}${line(2).replace('p2', 'pé✓2')}\n${line(3)}`;
    const bytes = Buffer.from(text, 'utf8');
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const got: Delta[] = [];
      const summary = await readRecording(chunks, (d) => void got.push(...d), { source: 'r' });
      assert.equal(got.length, 3, `chunk size ${size}`);
      const second = got[1]?.object as { metadata: { name: string } } | undefined;
      assert.equal(second?.metadata.name, 'pé✓2');
      assert.deepEqual(summary, { format: 'jsonl', units: 4, deltas: 3, problems: 0 });
    }
  });

  it('holds the reading back while the consumer is busy (back-pressure)', async () => {
    let pulled = 0;
    let consumed = 0;
    async function* source(): AsyncGenerator<Buffer> {
      for (let i = 0; i < 50; i++) {
        pulled += 1;
        // Reading never runs more than one chunk ahead of what was consumed.
        assert.ok(pulled <= consumed + 1, `pulled ${pulled} with ${consumed} consumed`);
        yield Buffer.from(line(i));
      }
    }
    await readRecording(
      source(),
      async () => {
        await new Promise((r) => setTimeout(r, 1));
        consumed += 1;
      },
      { source: 'r' },
    );
    assert.equal(consumed, 50);
  });

  it('skips a bad line, reports its number, and reads the cut-off last line as bad', async () => {
    const problems: RecordingError[] = [];
    const got: Delta[] = [];
    const text = `${line(1)}garbage\n${line(3)}${line(4).slice(0, 30)}`;
    const summary = await readRecording([text], (d) => void got.push(...d), {
      source: 'r.jsonl',
      onProblem: (p) => problems.push(p),
    });
    assert.equal(got.length, 2);
    assert.deepEqual(
      problems.map((p) => p.line),
      [2, 4],
    );
    assert.equal(summary.problems, 2);
    await assert.rejects(
      readRecording([text], () => undefined, { source: 'r.jsonl' }),
      (e: unknown) => e instanceof RecordingError && e.line === 2,
    );
  });

  it('bounds a line: one longer than the limit is a problem, not a reason to buffer', async () => {
    const problems: RecordingError[] = [];
    const got: Delta[] = [];
    const long = `{"time":"${'x'.repeat(5000)}"}\n`;
    const chunks = [line(1), long.slice(0, 2000), long.slice(2000, 4000), long.slice(4000), line(3)];
    await readRecording(chunks, (d) => void got.push(...d), {
      source: 'r',
      maxLineBytes: 1000,
      onProblem: (p) => problems.push(p),
    });
    assert.equal(got.length, 2, 'the lines around it are read');
    assert.deepEqual(
      problems.map((p) => [p.line, p.message]),
      [[2, 'r:2: line is longer than 1000 bytes']],
    );
    assert.equal((got[1]?.object as { metadata: { uid: string } } | undefined)?.metadata.uid, 'u3');
  });

  it('reads kspan captures whole, skipping bad documents', async () => {
    const capture = [
      '---',
      '# {"time":"2021-05-19T09:42:58Z","style":"watch"}',
      'kind: Pod',
      'metadata: {name: a, uid: pod-a}',
      '---',
      '# {"time":"2021-05-19T09:42:59Z","style":"watch"}',
      'kind: Pod',
      'metadata:',
      '  name: b',
      '    uid: pod-b',
    ].join('\n');
    const problems: RecordingError[] = [];
    const got: Delta[] = [];
    const summary = await readRecording(
      [capture.slice(0, 10), capture.slice(10)],
      (d) => void got.push(...d),
      {
        source: 'c.yaml',
        onProblem: (p) => problems.push(p),
      },
    );
    assert.equal(summary.format, 'kspan');
    assert.equal(got.length, 1);
    assert.match(problems[0]?.message ?? '', /^c\.yaml:\d+: not valid YAML: bad indentation/);
  });
});
