/**
 * A copy of `text` that holds only its own characters. V8 makes a slice (or a
 * regular-expression capture) of 13 characters or more a view into the string
 * it came from, which keeps the whole of that alive for as long as the slice is
 * held: a span id keeps its 64-character hash, an Event's target name keeps the
 * Event's note. Shorter pieces are copied, and joining them makes one flat string.
 */
export function flatString(text: string): string {
  if (text.length < 13) return text;
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 12) pieces.push(text.slice(i, i + 12));
  return pieces.join('');
}
