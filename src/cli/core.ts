import { replay } from '../assembly/replay.js';
import { parseRecording } from '../sources/recording/parse-recording.js';
import type { ReplayCore } from './replay.js';

/**
 * The real pure core behind `kubetrail replay`. The settings carry the whole rule
 * table (built-in, then --rules), already validated by the configuration.
 */
export const replayCore: ReplayCore = {
  parseRecording: (text, source) => parseRecording(text, source),
  replay: (deltas, s) => replay(deltas, s),
};
