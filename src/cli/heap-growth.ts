import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past the live set after a full collection, in
 * percent: 50 means up to 1.5 times the live set. Left alone, V8 grows it up to
 * four times when allocation is fast, and a replay allocates fast while its live
 * set stays under about 130 MiB. Measured on a 1 GiB replay (docs/DEVELOPMENT.md):
 * 278 MiB peak RSS at 50, 319 MiB at 100; 50 costs about 15 % more CPU than 100.
 */
export const REPLAY_HEAP_GROWING_PERCENT = 50;

/**
 * Caps V8's heap growth factor for a batch run. V8 reads this flag at every
 * collection, so setting it after startup takes effect (unlike the heap's size
 * limits, which are fixed when the process starts).
 */
export function limitHeapGrowth(percent: number = REPLAY_HEAP_GROWING_PERCENT): void {
  if (!Number.isSafeInteger(percent) || percent < 1) {
    throw new TypeError(`percent must be a positive integer, got ${percent}`);
  }
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
