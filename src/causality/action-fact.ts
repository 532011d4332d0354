import type { NormalEvent } from '../model/projection.js';
import type { RuleMatch } from './causality-rule.js';

/** One occurrence of a repeated Event: its count and when it happened (refined by the delta that showed it). */
export interface Occurrence {
  readonly count: number;
  time: number;
}

/** Occurrences kept per Event: the first, and the latest ones. */
export const MAX_OCCURRENCES = 16;

/** An action (one Event, however often repeated) with the rule it matched, as a root group knows it. */
export interface ActionFact {
  event: NormalEvent;
  readonly match: RuleMatch | undefined;
  /** Time of the earliest occurrence observed. */
  start: number;
  /** Time of the latest occurrence observed. */
  lastTime: number;
  count: number;
  /** The smallest count delivered: its occurrence is where the span starts. */
  minCount: number;
  /**
   * The occurrences seen, by count (bounded by {@link MAX_OCCURRENCES}). Those
   * after a later intent started belong to that intent's trace. Undefined while
   * there is one (count `minCount` at `start`): most Events never repeat.
   */
  occurrences: Occurrence[] | undefined;
  /** The action span id of the Event (eventSpanIdOf its uid, the fact's key), once a build has hashed it. */
  spanId: string | undefined;
}
