import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonLinesParser, parseJsonLines } from '../../../src/sources/recording/json-lines.js';
import { parseKspanCapture } from '../../../src/sources/recording/kspan-capture.js';
import { detectRecordingFormat, parseRecording } from '../../../src/sources/recording/parse-recording.js';
import { RecordingError } from '../../../src/sources/recording/recording-error.js';

const line = (type: string, extra = ''): string =>
  `{"time":"2026-11-22T10:00:00.123456789Z","type":"${type}","object":{"kind":"Pod","metadata":{"uid":"u","name":"p"}}${extra}}`;

describe('JSON Lines recordings', () => {
  it('parses deltas, nanosecond times and the initial flag', () => {
    const out = parseJsonLines(
      `${line('ADDED', ',"initial":true')}\n\n${line('MODIFIED')}\n${line('DELETED')}\n`,
    );
    assert.equal(out.length, 3);
    assert.equal(out[0]?.time, Date.parse('2026-11-22T10:00:00.123Z'));
    assert.equal(out[0]?.initial, true);
    assert.equal(out[1]?.initial, undefined);
    assert.deepEqual(
      out.map((d) => d.type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
  });

  it('names the line of a malformed entry, with a stable code', () => {
    const text = `${line('ADDED')}\n${line('ADDED')}\n{"time": oops}\n`;
    assert.throws(
      () => parseJsonLines(text, 'cluster.jsonl'),
      (e: unknown) =>
        e instanceof RecordingError &&
        e.code === 'ERR_RECORDING_LINE' &&
        e.line === 3 &&
        e.name === 'RecordingError' &&
        e.message.startsWith('cluster.jsonl:3:') &&
        e.cause instanceof SyntaxError,
    );
  });

  it('rejects a bad type, time or object with the line number', () => {
    const cases = [
      '{"time":"2026-11-22T10:00:00Z","type":"UPSERTED","object":{}}',
      '{"time":"yesterday","type":"ADDED","object":{}}',
      '{"time":"2026-11-22T10:00:00Z","type":"ADDED","object":[1]}',
      '{"time":"2026-11-22T10:00:00Z","type":"ADDED","object":{},"initial":"yes"}',
      '[1,2]',
    ];
    for (const bad of cases) {
      assert.throws(
        () => parseJsonLines(`${line('ADDED')}\n${bad}`),
        (e: unknown) => e instanceof RecordingError && e.line === 2,
        bad,
      );
    }
  });

  it('accepts RFC 3339 times only, in a plausible window', () => {
    const at = (time: string): string =>
      `{"time":${JSON.stringify(time)},"type":"ADDED","object":{"kind":"Pod","metadata":{"uid":"u","name":"p"}}}`;
    for (const bad of [
      '1',
      'Nov 22 2026',
      '2026-02-30T10:00:00Z',
      '2026-11-22T10:00:00',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '2013-12-31T23:59:59Z',
    ]) {
      assert.throws(
        () => parseJsonLines(at(bad), 'r.jsonl', Date.parse('2026-11-30T00:00:00Z')),
        (e: unknown) => e instanceof RecordingError && e.line === 1 && e.message.includes('"time"'),
        bad,
      );
    }
    const ok = parseJsonLines(at('2026-11-22T11:00:00+01:00'), 'r.jsonl', Date.parse('2026-11-30T00:00:00Z'));
    assert.equal(ok[0]?.time, Date.parse('2026-11-22T10:00:00Z'));
    // A recorder whose clock runs ahead of this machine's by less than a day is fine.
    assert.equal(
      parseJsonLines(at('2026-11-30T23:00:00Z'), 'r', Date.parse('2026-11-30T00:00:00Z')).length,
      1,
    );
  });

  it('skips bad lines and reports each with its number when asked to', () => {
    const problems: RecordingError[] = [];
    const text = `${line('ADDED')}
{"time": oops}
${line('MODIFIED')}
${line('DELETED').slice(0, 40)}`;
    const out = parseRecording(text, 'cut.jsonl', { onProblem: (p) => problems.push(p) });
    assert.deepEqual(
      out.map((d) => d.type),
      ['ADDED', 'MODIFIED'],
    );
    assert.deepEqual(
      problems.map((p) => p.line),
      [2, 4],
    );
    assert.throws(() => parseRecording(text, 'cut.jsonl'), RecordingError);
  });

  it('streams: chunks split anywhere give the same deltas', () => {
    const text = `${line('ADDED')}\n${line('MODIFIED')}\n${line('DELETED')}`;
    const parser = new JsonLinesParser('stream');
    const out = [];
    for (let i = 0; i < text.length; i += 7) out.push(...parser.push(text.slice(i, i + 7)));
    out.push(...parser.end());
    assert.deepEqual(out, parseJsonLines(text));
    assert.equal(parser.lineNumber, 3);
  });

  it('parses line by line for a caller that reads lines', () => {
    const parser = new JsonLinesParser();
    assert.equal(parser.parseLine(''), undefined);
    assert.equal(parser.parseLine(line('ADDED'))?.type, 'ADDED');
    assert.throws(
      () => parser.parseLine('nope'),
      (e: unknown) => e instanceof RecordingError && e.line === 3,
    );
  });
});

describe('kspan captures', () => {
  const capture = [
    '---',
    '# {"time":null,"style":"initial","kind":"Pod"}',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: p',
    '  uid: pod-1',
    '---',
    '# {"time":null,"style":"event","kind":"Event"}',
    'apiVersion: v1',
    'kind: Event',
    'metadata:',
    '  uid: ev-1',
    'lastTimestamp: "2020-11-27T12:04:05Z"',
    'firstTimestamp: "2020-11-24T18:37:54Z"',
    'reason: Pulled',
    '---',
    '# {"time":"2020-11-27T12:04:06.5Z","style":"watch","kind":"Pod"}',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: p',
    '  uid: pod-1',
    '  creationTimestamp: 2020-11-27T12:04:05Z',
  ].join('\n');

  it('reads headers, styles and times (Events fall back to lastTimestamp)', () => {
    const out = parseKspanCapture(capture);
    assert.equal(out.length, 3);
    assert.equal(out[0]?.initial, true);
    assert.equal(
      out[0]?.time,
      Date.parse('2020-11-27T12:04:05Z'),
      'a timeless object takes the first known time',
    );
    assert.equal(out[1]?.time, Date.parse('2020-11-27T12:04:05Z'));
    assert.equal(out[1]?.type, 'ADDED');
    assert.equal(out[2]?.time, Date.parse('2020-11-27T12:04:06.5Z'));
    assert.equal(out[2]?.type, 'MODIFIED', 'a uid seen before is a MODIFIED');
    const third = out[2];
    assert.ok(third !== undefined);
    const meta = (third.object as { metadata: { creationTimestamp: unknown } }).metadata;
    assert.equal(meta.creationTimestamp, '2020-11-27T12:04:05Z', 'timestamps stay strings');
  });

  it('names the line of a malformed document', () => {
    const bad = `${capture}\n---\n# {"time":null,"style":"watch"}\nkind: Pod\nmetadata: [unclosed\n`;
    assert.throws(
      () => parseKspanCapture(bad, 'capture.yaml'),
      (e: unknown) => e instanceof RecordingError && e.code === 'ERR_RECORDING_DOCUMENT' && e.line >= 27,
    );
    assert.throws(
      () => parseKspanCapture('---\n# {"time":null,"style":"sideways"}\nkind: Pod\n'),
      (e: unknown) => e instanceof RecordingError && e.line === 2,
    );
    assert.throws(
      () => parseKspanCapture('---\nkind: Pod\n'),
      (e: unknown) => e instanceof RecordingError && e.line === 2,
    );
  });

  it('says why YAML is invalid, as js-yaml does', () => {
    const bad = '---\n# {"time":null,"style":"watch"}\nkind: Pod\nmetadata:\n  name: p\n    uid: u\n';
    assert.throws(
      () => parseKspanCapture(bad, 'nested.yaml'),
      (e: unknown) =>
        e instanceof RecordingError &&
        /^nested\.yaml:\d+: not valid YAML: bad indentation of a mapping entry/.test(e.message),
    );
  });

  it('skips bad documents when asked to, and reads strict, plausible header times', () => {
    const problems: RecordingError[] = [];
    const bad = [
      capture,
      '---',
      '# {"time":"Nov 22 2026","style":"watch"}',
      'kind: Pod',
      'metadata: {name: q, uid: pod-2}',
      '---',
      '# {"time":"9999-01-01T00:00:00Z","style":"watch"}',
      'kind: Pod',
      'metadata: {name: q, uid: pod-2}',
      '---',
      '# {"time":null,"style":"watch"}',
      'kind: Pod',
      'metadata: [unclosed',
      '---',
      '# {"time":"2020-11-27T12:04:09Z","style":"watch"}',
      'kind: Pod',
      'metadata: {name: r, uid: pod-3}',
    ].join('\n');
    const out = parseKspanCapture(bad, 'c.yaml', { onProblem: (p) => problems.push(p) });
    assert.equal(out.length, 4);
    assert.equal(out[3]?.time, Date.parse('2020-11-27T12:04:09Z'));
    assert.equal(problems.length, 3);
    assert.match(problems[0]?.message ?? '', /not an RFC 3339 timestamp/);
    assert.match(problems[1]?.message ?? '', /outside the plausible window/);
    assert.match(problems[2]?.message ?? '', /not valid YAML: /);
  });

  it('is detected automatically', () => {
    assert.equal(detectRecordingFormat(capture), 'kspan');
    assert.equal(detectRecordingFormat(`\n${line('ADDED')}`), 'jsonl');
    assert.equal(parseRecording(capture).length, 3);
    assert.equal(parseRecording(line('ADDED')).length, 1);
  });
});
