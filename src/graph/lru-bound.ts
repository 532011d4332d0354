/**
 * lru-cache options bounding a cache to `max` entries without allocating for
 * all of them up front. With `max`, lru-cache allocates its key, value and link
 * arrays for `max` entries when it is made: 7 MiB for the default 250,000
 * objects before the first one arrives, about 15 MiB over the engine's caches.
 * Counting each entry as size 1 against `maxSize` evicts the same entries in
 * the same order, and the arrays grow with what is held.
 */
export function lruBound(max: number): { readonly maxSize: number; readonly sizeCalculation: () => number } {
  return { maxSize: max, sizeCalculation: one };
}

function one(): number {
  return 1;
}
