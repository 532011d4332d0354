import type { NormalEvent } from '../model/projection.js';
import type { RuleMatch } from './causality-rule.js';

/** One occurrence of a repeated Event: its count and when it happened (refined by the delta that showed it). */
export interface Occurrence {
  readonly count: number;
  time: number;
}

/** Occurrences kept per Event: the first, and the latest ones. */
export const MAX_OCCURRENCES = 16;

/**
 * The key of the action an Event delivery reports, in a root group's actions: the
 * Event's uid, or for a combined Event uid + "/" + the occurrence's count, since
 * each of its occurrences is an action of its own.
 */
export function actionKeyOf(ev: NormalEvent): string {
  return ev.occurrence === undefined ? ev.uid : `${ev.uid}/${ev.occurrence}`;
}

/**
 * An action (one Event, however often repeated; one occurrence of a combined Event)
 * with the rule it matched, as a root group knows it.
 */
export interface ActionFact {
  event: NormalEvent;
  /** Replaced only by an equal one (its strings shared with the graph's) once its span went out. */
  match: RuleMatch | undefined;
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
  /** The action span id (eventSpanIdOf the Event's uid; eventOccurrenceSpanIdOf uid and count for a combined Event's occurrence), once a build has hashed it. */
  spanId: string | undefined;
  /**
   * It came with the initial list: the instance that ran before exported its span
   * (the part of the occurrences up to the list; later ones of a later intent are parts of their own).
   */
  readonly listed: boolean;
}
