import { replayCorrelated } from '../correlation/replay-correlated.js';
import type { PositionedTapBatch } from '../model/tap-span.js';
import { parseRecording } from '../sources/recording/parse-recording.js';
import type { ReplayCore } from './replay.js';

/**
 * The real pure core behind `kubetrail replay`. The settings carry the whole rule
 * table (built-in, then --rules), already validated by the configuration.
 */
export const replayCore: ReplayCore = {
  parseRecording: (text, source) => {
    const tapSpans: PositionedTapBatch[] = [];
    const deltas = parseRecording(text, source, {
      onSpans: (batch, deltasBefore) => tapSpans.push({ batch, deltasBefore }),
    });
    return { deltas, tapSpans };
  },
  // A recording with tap spans gets the correlation stage; one without, assembly's replay as before.
  replay: (recording, s) => replayCorrelated(recording.deltas, recording.tapSpans, s),
};
