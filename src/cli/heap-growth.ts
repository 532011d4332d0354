import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past the live set after a full collection, in
 * percent: 100 means up to twice the live set. Left alone, V8 grows it up to four
 * times when allocation is fast, and a replay allocates fast: a 150 MiB replay
 * whose live set stays under 50 MiB then peaks at 295 MiB of RSS. At 100 it peaks
 * at 230 MiB for about 6 % more CPU (measured; see docs/DEVELOPMENT.md).
 */
export const REPLAY_HEAP_GROWING_PERCENT = 100;

/**
 * Caps V8's heap growth factor for a batch run. V8 reads this flag at every
 * collection, so setting it after startup takes effect (unlike the heap's size
 * limits, which are fixed when the process starts).
 */
export function limitHeapGrowth(percent: number = REPLAY_HEAP_GROWING_PERCENT): void {
  if (!Number.isSafeInteger(percent) || percent < 1)
    throw new TypeError(`percent must be a positive integer, got ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
