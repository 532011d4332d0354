/**
 * client-go's event correlator folds similar Events (same source, object, type
 * and reason; another message) into one from the tenth within ten minutes on:
 * one Event whose note is this prefix and the latest message, and whose count
 * grows with every later occurrence. Each occurrence is an action of its own.
 */
export const COMBINED_PREFIX = '(combined from similar events): ';

/** The message of a combined Event's note (after the prefix), or undefined when the note is not combined. */
export function combinedMessage(note: string): string | undefined {
  return note.startsWith(COMBINED_PREFIX) ? note.slice(COMBINED_PREFIX.length) : undefined;
}
