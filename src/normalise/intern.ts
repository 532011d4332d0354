/**
 * Interning for the low-cardinality strings every projection repeats (kinds,
 * API versions, namespaces, controller names): one copy on the heap instead of
 * one per object. Bounded, so a flood of unique values cannot grow it forever.
 */
const MAX_INTERNED = 20_000;
const table = new Map<string, string>();

/** The canonical copy of `value`. */
export function intern(value: string): string {
  const found = table.get(value);
  if (found !== undefined) return found;
  if (table.size < MAX_INTERNED) table.set(value, value);
  return value;
}
