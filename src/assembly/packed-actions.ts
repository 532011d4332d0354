import { type ActionFact, actionKeyOf } from '../causality/action-fact.js';
import type { ActionVerb, RuleMatch } from '../causality/causality-rule.js';
import { eventOccurrenceSpanIdOf, eventSpanIdOf } from '../model/ids.js';
import { SettledEvent, SettledRef } from './settled-event.js';

/**
 * Strings per packed action: Event uid, object name, object uid, target name, resourceVersion when not
 * a plain number, message (a scaling step's; the one empty string otherwise).
 */
const STRINGS = 6;
/** Numbers per packed action: start, lastTime, count, minCount, occurrence, flags, words, resourceVersion. */
const NUMBERS = 8;
/** Fields read from {@link PackedActions.#words} by index: namespace, reason, type, controller, object kind and namespace, verb, target kind. */
const WORDS = 8;
/** Distinct words a group's packed actions may use: 6 bits an index, 8 indexes in a number (48 bits). */
const MAX_WORDS = 64;
const LISTED = 1;
const HAS_RV = 2;
const HAS_SPAN_ID = 4;
const NAMED_MATCH = 8;
const STUCK = 16;
const NUMERIC_RV = 32;

/**
 * The actions of a settled root group, in their order, packed: an action whose
 * Event is a {@link SettledEvent} and that keeps no occurrences is a row of 6
 * strings and 8 numbers in two flat lists (about 120 bytes, where the fact, its
 * Event, the Event's object reference, its rule match, its span id, its two
 * boxed times and its map entry take about 380). The few strings many actions
 * share (namespace, reason, controller, kinds, verb) are indexes into one list
 * of words; a resourceVersion that is a plain number is a number; the span id
 * is hashed again from the Event (it is its hash). Any other action is kept
 * whole. A rule match without a target name is the rule's own, shared, and
 * kept by reference. {@link unpack} gives the same map again: the same keys in
 * the same order, and facts equal to those packed.
 */
export class PackedActions {
  /** Per action: the whole fact; the shared match of a packed one; null for a packed one without it. */
  readonly #slots: (ActionFact | RuleMatch | null)[];
  readonly #strings: string[];
  readonly #numbers: number[];
  readonly #words: readonly string[];

  private constructor(
    slots: (ActionFact | RuleMatch | null)[],
    strings: string[],
    numbers: number[],
    words: readonly string[],
  ) {
    this.#slots = slots;
    this.#strings = strings;
    this.#numbers = numbers;
    this.#words = words;
  }

  /** Actions held. */
  get size(): number {
    return this.#slots.length;
  }

  /**
   * Packs `actions`; undefined when they cannot be (a key that is not its fact's,
   * a span id that is not its Event's hash, more than {@link MAX_WORDS} words):
   * the map is then kept as it is.
   */
  static pack(actions: ReadonlyMap<string, ActionFact>): PackedActions | undefined {
    let packable = 0;
    const index = new Map<string, number>();
    const words: string[] = [];
    const word = (w: string): number => {
      let i = index.get(w);
      if (i === undefined) {
        i = words.length;
        words.push(w);
        index.set(w, i);
      }
      return i;
    };
    for (const [key, fact] of actions) {
      if (actionKeyOf(fact.event) !== key) return undefined;
      if (!isPackable(fact)) continue;
      if (fact.spanId !== undefined && fact.spanId !== spanIdOf(fact.event.uid, fact.event.occurrence))
        return undefined;
      packable += 1;
    }
    // Made at their size and filled: no spare room, and the numbers unboxed.
    const slots = new Array<ActionFact | RuleMatch | null>(actions.size);
    const strings = new Array<string>(packable * STRINGS);
    const numbers = new Array<number>(packable * NUMBERS);
    let i = 0;
    let row = 0;
    for (const fact of actions.values()) {
      const match = fact.match;
      if (!isPackable(fact) || !(fact.event instanceof SettledEvent)) {
        slots[i++] = fact;
        continue;
      }
      const ev = fact.event;
      const inv = ev.involved;
      const named = match !== undefined && isNamedMatch(match);
      slots[i++] = named ? null : (match ?? null);
      const rv = inv.resourceVersion;
      const numericRv = rv !== undefined && isPlainNumber(rv);
      const s = row * STRINGS;
      strings[s] = ev.uid;
      strings[s + 1] = inv.name;
      strings[s + 2] = inv.uid;
      strings[s + 3] = named ? (match.actedOnName ?? '') : '';
      strings[s + 4] = rv === undefined || numericRv ? '' : rv;
      strings[s + 5] = ev.message;
      const fields = [
        ev.namespace,
        ev.reason,
        ev.type,
        ev.controller,
        inv.kind,
        inv.namespace,
        named ? match.verb : '',
        named ? match.actedOnKind : '',
      ];
      let packedWords = 0;
      for (let w = WORDS - 1; w >= 0; w--) packedWords = packedWords * MAX_WORDS + word(fields[w] ?? '');
      if (words.length > MAX_WORDS) return undefined;
      const n = row * NUMBERS;
      numbers[n] = fact.start;
      numbers[n + 1] = fact.lastTime;
      numbers[n + 2] = fact.count;
      numbers[n + 3] = fact.minCount;
      numbers[n + 4] = ev.occurrence ?? Number.NaN;
      numbers[n + 5] =
        (fact.listed ? LISTED : 0) |
        (rv !== undefined ? HAS_RV : 0) |
        (numericRv ? NUMERIC_RV : 0) |
        (fact.spanId !== undefined ? HAS_SPAN_ID : 0) |
        (named ? NAMED_MATCH : 0) |
        (named && match.stuck ? STUCK : 0);
      numbers[n + 6] = packedWords;
      numbers[n + 7] = numericRv ? Number(rv) : Number.NaN;
      row += 1;
    }
    return new PackedActions(slots, strings, numbers, words);
  }

  /** The actions as they were packed, in a map of their own. */
  unpack(): Map<string, ActionFact> {
    const out = new Map<string, ActionFact>();
    const strings = this.#strings;
    const numbers = this.#numbers;
    let row = 0;
    for (const slot of this.#slots) {
      if (slot !== null && 'event' in slot) {
        out.set(actionKeyOf(slot.event), slot);
        continue;
      }
      const s = row * STRINGS;
      const n = row * NUMBERS;
      row += 1;
      const flags = numbers[n + 5] ?? 0;
      const occurrenceNumber = numbers[n + 4] ?? Number.NaN;
      const occurrence = Number.isNaN(occurrenceNumber) ? undefined : occurrenceNumber;
      const fields: string[] = [];
      let packedWords = numbers[n + 6] ?? 0;
      for (let w = 0; w < WORDS; w++) {
        const at = packedWords % MAX_WORDS;
        fields.push(this.#words[at] ?? '');
        packedWords = (packedWords - at) / MAX_WORDS;
      }
      const uid = strings[s] ?? '';
      const rv =
        (flags & HAS_RV) === 0
          ? undefined
          : (flags & NUMERIC_RV) !== 0
            ? String(numbers[n + 7])
            : (strings[s + 4] ?? '');
      const event = new SettledEvent(
        {
          uid,
          namespace: fields[0] ?? '',
          reason: fields[1] ?? '',
          type: fields[2] ?? '',
          controller: fields[3] ?? '',
          occurrence,
        },
        new SettledRef(fields[4] ?? '', fields[5] ?? '', strings[s + 1] ?? '', strings[s + 2] ?? '', rv),
        strings[s + 5] ?? '',
      );
      const match: RuleMatch | undefined =
        (flags & NAMED_MATCH) !== 0
          ? {
              verb: (fields[6] ?? '') as ActionVerb,
              actedOnKind: fields[7] ?? '',
              actedOnName: strings[s + 3] ?? '',
              stuck: (flags & STUCK) !== 0,
            }
          : (slot ?? undefined);
      out.set(actionKeyOf(event), {
        event,
        match,
        start: numbers[n] ?? 0,
        lastTime: numbers[n + 1] ?? 0,
        count: numbers[n + 2] ?? 0,
        minCount: numbers[n + 3] ?? 0,
        occurrences: undefined,
        spanId: (flags & HAS_SPAN_ID) !== 0 ? spanIdOf(uid, occurrence) : undefined,
        listed: (flags & LISTED) !== 0,
      });
    }
    return out;
  }
}

function isPackable(fact: ActionFact): boolean {
  return fact.event instanceof SettledEvent && fact.occurrences === undefined;
}

/** The action span id of an Event, or of its occurrence (as parent-decision hashes it). */
function spanIdOf(uid: string, occurrence: number | undefined): string {
  return occurrence === undefined ? eventSpanIdOf(uid) : eventOccurrenceSpanIdOf(uid, occurrence);
}

/** A resourceVersion that is the decimal form of a safe integer, so String(Number(rv)) gives it back. */
function isPlainNumber(rv: string): boolean {
  if (rv.length === 0 || rv.length > 15) return false;
  const n = Number(rv);
  return Number.isSafeInteger(n) && String(n) === rv;
}

/** A match made for one Event (a target name read from its note): exactly these four fields, so packed and made again. */
function isNamedMatch(match: RuleMatch): boolean {
  const keys = Object.keys(match);
  return (
    match.actedOnName !== undefined &&
    keys.length === 4 &&
    keys[0] === 'verb' &&
    keys[1] === 'actedOnKind' &&
    keys[2] === 'actedOnName' &&
    keys[3] === 'stuck'
  );
}
