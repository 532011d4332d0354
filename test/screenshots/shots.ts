/**
 * The trace views the README shows. Each becomes docs/images/<name>.png when
 * `npm run screenshots` runs; a shot whose input does not exist yet is
 * skipped with its reason.
 */
import { fromRecording, type Shot } from './shot.js';
import { TAP_HOP_SHOTS } from './tap-hops.js';

/** The README's pictures, in the order the README shows them. */
export const SHOTS: readonly Shot[] = [
  fromRecording(
    'rollout',
    'A rollout in Jaeger: kubectl set image on a 3-replica Deployment, from the change to the last Pod Ready',
    'examples/rollout.jsonl',
    { root: 'Deployment.Update' },
  ),
  // One Deployment of 3 replicas, then 4 image changes in a row, recorded from
  // the local stack: the controllers' Events are combined ("combined from
  // similar events") by then. The last rollout is the one shown.
  fromRecording(
    'aggregated-rollout',
    'The last of four image changes in a row, whose Events the controllers combined',
    'test/fixtures/live/four-image-changes.jsonl',
    { root: 'Deployment.Update', nth: -1 },
  ),
  // Tap mode's hops, from a live rollout with kubetrail's tap on.
  ...TAP_HOP_SHOTS,
];
