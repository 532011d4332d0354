import type { ActionFact } from '../causality/action-fact.js';
import { ATTR_KUBETRAIL_PARENT_INFERRED } from '../model/attributes.js';
import type { SpanRecord } from '../model/span-record.js';
import type { BuiltTrace } from './render-spans.js';
import type { RootGroup } from './root-group.js';

const SECOND_MS = 1_000;

/**
 * The spans of a trace rebuilt from the initial list (--backfill) whose trace or
 * parent the list does not settle, by span id; the caller leaves them out, so
 * every span it sends has the ids and parent a live run gave it. The list keeps
 * whole-second stamps and each Event's last state, so a span is unsettled when:
 *
 * - it starts in the second a rebuilt intent started in (the intent's start is
 *   known to the second: the span may be the previous intent's);
 * - its parent is a guess by owner and time (`kubetrail.parent.inferred`);
 * - it is a listed Event that had repeated before the list (a live run may have
 *   split its occurrences between intents, or matched an earlier note);
 * - its parent is a listed Event with a sibling, a listed Event acting on the same
 *   object in the same second (their order within the second is lost);
 * - its parent is unsettled.
 */
export function unsettledSpans(group: RootGroup, built: BuiltTrace): Set<string> {
  const boundaries = new Set<number>();
  for (const i of group.intents) {
    if (i.backfill !== undefined && i.start !== undefined) boundaries.add(secondOf(i.start));
  }
  // Listed Events by the object they act on and their second: two or more make siblings.
  const perTargetSecond = new Map<string, number>();
  const targetOf = new Map<ActionFact, string>();
  const factBySpan = new Map<string, ActionFact>();
  for (const fact of group.actions.values()) {
    if (fact.spanId !== undefined) factBySpan.set(fact.spanId, fact);
    if (!fact.listed) continue;
    const ev = fact.event;
    const ns = ev.involved.namespace === '' ? ev.namespace : ev.involved.namespace;
    const m = fact.match;
    const target =
      m?.actedOnName !== undefined
        ? `${m.actedOnKind}/${ns}/${m.actedOnName}`
        : `${ev.involved.kind}/${ns}/${ev.involved.name}`;
    const key = `${target}@${secondOf(fact.start)}`;
    targetOf.set(fact, key);
    perTargetSecond.set(key, (perTargetSecond.get(key) ?? 0) + 1);
  }
  const byId = new Map(built.spans.map((s) => [s.spanId, s]));
  const factOf = (s: SpanRecord): ActionFact | undefined =>
    s.role === 'action' ? factBySpan.get(s.spanId) : undefined;
  const own = (s: SpanRecord): boolean => {
    if (s === built.root) return false;
    if (boundaries.has(secondOf(s.startTime))) return true;
    if (s.attributes[ATTR_KUBETRAIL_PARENT_INFERRED] === true) return true;
    const fact = factOf(s);
    if (fact?.listed === true && fact.minCount > 1) return true;
    const parent = s.parentSpanId === undefined ? undefined : byId.get(s.parentSpanId);
    const pf = parent === undefined ? undefined : factOf(parent);
    if (pf?.listed === true) {
      const key = targetOf.get(pf);
      if (key !== undefined && (perTargetSecond.get(key) ?? 0) > 1) return true;
    }
    return false;
  };
  const memo = new Map<string, boolean>();
  const unsettled = (s: SpanRecord, depth: number): boolean => {
    const known = memo.get(s.spanId);
    if (known !== undefined) return known;
    const parent = s.parentSpanId === undefined ? undefined : byId.get(s.parentSpanId);
    // A chain deeper than any real tree is a loop: unsettled.
    const result =
      depth > 256 || own(s) || (parent !== undefined && parent !== s && unsettled(parent, depth + 1));
    memo.set(s.spanId, result);
    return result;
  };
  const out = new Set<string>();
  for (const s of built.spans) if (unsettled(s, 0)) out.add(s.spanId);
  return out;
}

function secondOf(t: number): number {
  return Math.floor(t / SECOND_MS);
}
