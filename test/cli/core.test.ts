import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { replayCore } from '../../src/cli/core.js';
import { engineSettings } from '../../src/cli/engine-settings.js';
import { DEFAULT_CONFIG } from '../../src/config/config.js';
import { replayCorrelated } from '../../src/correlation/replay-correlated.js';
import type { ClockSample, PositionedClockSample } from '../../src/model/clock-sample.js';
import type { Delta } from '../../src/model/delta.js';
import type { TraceRecord } from '../../src/model/span-record.js';
import type { PositionedTapBatch } from '../../src/model/tap-span.js';
import { parseRecording } from '../../src/sources/recording/parse-recording.js';
import { readRecording } from '../../src/sources/recording/recording-reader.js';

const TAP = fileURLToPath(new URL('../../../test/fixtures/tap/deployment-lifecycle.jsonl', import.meta.url));
const PLAIN = fileURLToPath(new URL('../../../examples/rollout.jsonl', import.meta.url));

/** The CLI's path: the file streamed in small chunks through the streaming core. */
async function streamed(path: string): Promise<TraceRecord[]> {
  const run = replayCore.startReplay(engineSettings(DEFAULT_CONFIG, []));
  const out: TraceRecord[] = [];
  const bytes = readFileSync(path);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 4096) chunks.push(bytes.subarray(i, i + 4096));
  await readRecording(
    chunks,
    (deltas, spans, clock) => {
      let next = 0;
      let nextClock = 0;
      deltas.forEach((d, i) => {
        for (; nextClock < clock.length && (clock[nextClock]?.deltasBefore ?? 0) <= i; nextClock++)
          run.pushClock((clock[nextClock] as PositionedClockSample).sample);
        for (; next < spans.length && (spans[next]?.deltasBefore ?? 0) <= i; next++)
          out.push(...run.pushSpans((spans[next] as PositionedTapBatch).batch));
        out.push(...run.push(d));
      });
      for (; nextClock < clock.length; nextClock++)
        run.pushClock((clock[nextClock] as PositionedClockSample).sample);
      for (; next < spans.length; next++)
        out.push(...run.pushSpans((spans[next] as PositionedTapBatch).batch));
    },
    { source: path },
  );
  out.push(...run.finish());
  return out;
}

/** The whole-file path: parse everything, then replay with the correlation stage. */
function whole(path: string): TraceRecord[] {
  const tapSpans: PositionedTapBatch[] = [];
  const clockSamples: ClockSample[] = [];
  const deltas: Delta[] = parseRecording(readFileSync(path, 'utf8'), path, {
    onSpans: (batch, deltasBefore) => tapSpans.push({ batch, deltasBefore }),
    onClock: (sample) => clockSamples.push(sample),
  });
  return replayCorrelated(deltas, tapSpans, { ...engineSettings(DEFAULT_CONFIG, []), clockSamples });
}

describe('the streaming replay core', () => {
  it('gives the traces and links of a whole-file replay, tap spans included', async () => {
    const expected = whole(TAP);
    assert.ok(
      expected.some((t) => t.spans.some((s) => s.links.length > 0)),
      'the fixture has links to make',
    );
    assert.deepEqual(await streamed(TAP), expected);
  });

  it('gives the engine’s own traces for a recording without tap spans', async () => {
    assert.deepEqual(await streamed(PLAIN), whole(PLAIN));
  });
});
