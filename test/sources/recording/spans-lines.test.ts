import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import type { TapBatch } from '../../../src/model/tap-span.js';
import { Recorder } from '../../../src/sources/kube/recorder.js';
import { parseRecording } from '../../../src/sources/recording/parse-recording.js';
import { RecordingError } from '../../../src/sources/recording/recording-error.js';
import { handlerSpan } from '../tap/tap-spans.js';

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u1' } };

it('--record keeps received spans as SPANS lines, and a replay gets them back in file order', async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'kubetrail-')), 'rec.jsonl');
  const recorder = new Recorder(file);
  const t = Date.parse('2026-11-30T08:00:00Z');
  recorder.write({ time: t, type: 'ADDED', object: pod });
  recorder.writeSpans({ time: t + 1, spans: [handlerSpan(0), handlerSpan(1)] });
  recorder.write({ time: t + 2, type: 'MODIFIED', object: pod });
  recorder.writeSpans({ time: t + 3, spans: [] }); // nothing to keep: no line
  await recorder.close();
  const text = readFileSync(file, 'utf8');
  assert.equal(text.trim().split('\n').length, 3);
  const batches: [TapBatch, number][] = [];
  const deltas = parseRecording(text, file, { onSpans: (b, before) => batches.push([b, before]) });
  assert.equal(deltas.length, 2);
  assert.deepEqual(batches, [[{ time: t + 1, spans: [handlerSpan(0), handlerSpan(1)] }, 1]]);
  // Without a consumer the SPANS lines are skipped: the deltas are the same.
  assert.deepEqual(parseRecording(text, file), deltas);
});

it('refuses a SPANS line with a malformed span, naming the line', () => {
  const bad = `${JSON.stringify({ time: '2026-11-30T08:00:00Z', type: 'SPANS', spans: [{ ...handlerSpan(0), traceId: 'xyz' }] })}\n`;
  assert.throws(
    () => parseRecording(bad, 'bad.jsonl'),
    (e: unknown) => e instanceof RecordingError && /traceId must be 32 hex digits/.test(e.message),
  );
});

it('refuses a SPANS line whose span times are implausible for the line (year 9999, Infinity, year 0001)', () => {
  const line = (o: Record<string, unknown>): string =>
    `${JSON.stringify({ time: '2026-11-30T08:00:00Z', type: 'SPANS', spans: [{ ...handlerSpan(0), ...o }] })}\n`;
  for (const times of [
    { startTime: Date.UTC(9999, 0, 1), endTime: Date.UTC(9999, 0, 1) },
    { endTime: 1e300 },
    { startTime: Date.UTC(1, 0, 1) },
  ]) {
    assert.throws(
      () => parseRecording(line(times), 'bad.jsonl'),
      (e: unknown) => e instanceof RecordingError && /outside the plausible window/.test(e.message),
      JSON.stringify(times),
    );
  }
  assert.equal(parseRecording(line({}), 'ok.jsonl').length, 0, 'a plausible SPANS line is no problem');
});
