import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { ClockSample } from '../../../src/model/clock-sample.js';
import { Recorder } from '../../../src/sources/kube/recorder.js';
import { parseRecording } from '../../../src/sources/recording/parse-recording.js';
import type { RecordingError } from '../../../src/sources/recording/recording-error.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' } };
const T = Date.parse('2026-11-30T08:00:00Z');

it('--record keeps clock readings as CLOCK lines, and a replay gets them back in file order', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'kubetrail-')), 'rec.jsonl');
  const recorder = new Recorder(file);
  const sample: ClockSample = { sentAt: T + 997, receivedAt: T + 1_003, serverDate: T + 1_000 };
  recorder.write({ time: T, type: 'ADDED', object: pod });
  recorder.writeClock(sample);
  recorder.write({ time: T + 1_200, type: 'MODIFIED', object: pod });
  await recorder.close();
  const text = readFileSync(file, 'utf8');
  assert.equal(
    text.split('\n')[1],
    '{"time":"2026-11-30T08:00:01.003Z","type":"CLOCK","sent":"2026-11-30T08:00:00.997Z","date":"2026-11-30T08:00:01Z"}',
  );
  const got: [ClockSample, number][] = [];
  const deltas = parseRecording(text, file, { onClock: (s, before) => got.push([s, before]) });
  assert.equal(deltas.length, 2);
  assert.deepEqual(got, [[sample, 1]]);
  // Without a consumer the CLOCK lines are skipped: the deltas are the same.
  assert.deepEqual(parseRecording(text, file), deltas);
});

it('a bad CLOCK line is a bad line, named by what is wrong', () => {
  const line = (o: Record<string, unknown>): string =>
    JSON.stringify({
      time: '2026-11-30T08:00:01.003Z',
      type: 'CLOCK',
      sent: '2026-11-30T08:00:00.997Z',
      date: '2026-11-30T08:00:01Z',
      ...o,
    });
  const problem = (text: string): string => {
    const problems: RecordingError[] = [];
    parseRecording(text, 'r.jsonl', { onProblem: (p) => problems.push(p), onClock: () => {} });
    assert.equal(problems.length, 1, text);
    return problems[0]?.message ?? '';
  };
  assert.match(problem(line({ sent: 'yesterday' })), /"sent" must be a plausible RFC 3339 timestamp/);
  assert.match(problem(line({ time: undefined })), /"time" must be a plausible RFC 3339 timestamp/);
  assert.match(problem(line({ date: 'Mon, 30 Nov 2026 08:00:01 GMT' })), /"date" must be a plausible/);
  assert.match(problem(line({ date: '2026-11-30T08:00:01.500Z' })), /the server date must be a whole second/);
  assert.match(problem(line({ sent: '2026-11-30T08:00:02Z' })), /received before it was sent/);
  assert.match(problem(line({ date: '2031-01-01T00:00:00Z' })), /"date" must be a plausible/);
});
