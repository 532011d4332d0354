import type { ActionFact } from '../causality/action-fact.js';
import { decideChange } from '../causality/change-trigger.js';
import type { ObjectGraph } from '../graph/object-graph.js';
import { ATTR_KUBETRAIL_PARENT_INFERRED } from '../model/attributes.js';
import type { SpanRecord } from '../model/span-record.js';
import { secondOf } from '../normalise/refine-time.js';
import { type BuiltTrace, nodeKeyOf } from './render-spans.js';
import { isSpecIntent, type RootGroup } from './root-group.js';

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
 * - it is a listed create or delete in a second in which an action that may cause
 *   it (a scale step, a create or delete of the object it is about) happened: the
 *   list stamps it at its observation within the second, so which came first is lost;
 * - its parent is an Event with a sibling, another Event acting on the same object
 *   in the same second, and one of them is listed (the list's whole-second stamp
 *   puts a listed Event at the list's time within its second: the order of the
 *   two within the second is lost);
 * - it is a create or delete (a "Created pod", a "Deleted pod") whose cause may be
 *   an occurrence the list lost: a listed Event that had repeated names only its
 *   last occurrence, and a combined Event ("combined from similar events") only its
 *   last note, so its earlier scale-ups and scale-downs, of any ReplicaSet, are
 *   gone. Settled only when its parent is an action in a later second than any
 *   such lost occurrence can have;
 * - it is about a DaemonSet's Pod placed on a Node that joined (its lifecycle, its
 *   "Created pod"): a live run put it in that Node's `Node.Join` trace, and
 *   --backfill rebuilds no intent without a spec change;
 * - its parent is unsettled.
 */
export function unsettledSpans(group: RootGroup, built: BuiltTrace, graph: ObjectGraph): Set<string> {
  const boundaries = new Set<number>();
  for (const i of group.intents) {
    if (i.backfill !== undefined && i.start !== undefined) boundaries.add(secondOf(i.start));
  }
  // Events by the object they act on and their second: two or more make siblings.
  const perTargetSecond = new Map<string, number>();
  const listedTargetSeconds = new Set<string>();
  // Seconds in which an action that may cause creates and deletes acted on an object.
  const causeSeconds = new Set<string>();
  const targetOf = new Map<ActionFact, string>();
  const factBySpan = new Map<string, ActionFact>();
  for (const fact of group.actions.values()) {
    if (fact.spanId !== undefined) factBySpan.set(fact.spanId, fact);
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
    if (fact.listed) listedTargetSeconds.add(key);
    if (m !== undefined && CAUSE_VERBS.has(m.verb)) causeSeconds.add(key);
  }
  const lost = lostCauses(group);
  const joined = podsOfJoins(group, built, graph);
  const byId = new Map(built.spans.map((s) => [s.spanId, s]));
  const factOf = (s: SpanRecord): ActionFact | undefined =>
    s.role === 'action' ? factBySpan.get(s.spanId) : undefined;
  const own = (s: SpanRecord): boolean => {
    if (s === built.root) return false;
    if (boundaries.has(secondOf(s.startTime))) return true;
    if (s.attributes[ATTR_KUBETRAIL_PARENT_INFERRED] === true) return true;
    const fact = factOf(s);
    if (fact?.listed === true && fact.minCount > 1) return true;
    if (fact?.listed === true && fact.match !== undefined && CAUSED_VERBS.has(fact.match.verb)) {
      const ev = fact.event;
      const ns = ev.involved.namespace === '' ? ev.namespace : ev.involved.namespace;
      if (causeSeconds.has(`${ev.involved.kind}/${ns}/${ev.involved.name}@${secondOf(fact.start)}`))
        return true;
    }
    if (joined.uids.size > 0) {
      if (s.role !== 'action' && joined.uids.has(String(s.attributes['k8s.pod.uid']))) return true;
      const m = fact?.match;
      if (m?.actedOnKind === 'Pod' && m.actedOnName !== undefined && fact !== undefined) {
        const ev = fact.event;
        const ns = ev.involved.namespace === '' ? ev.namespace : ev.involved.namespace;
        if (joined.names.has(`${ns}/${m.actedOnName}`)) return true;
      }
    }
    const parent = s.parentSpanId === undefined ? undefined : byId.get(s.parentSpanId);
    const pf = parent === undefined ? undefined : factOf(parent);
    if (fact !== undefined && lost.size > 0) {
      const until = lostBefore(lost, fact);
      if (until !== undefined && (pf === undefined || secondOf(pf.start) <= until)) return true;
    }
    if (pf !== undefined) {
      const key = targetOf.get(pf);
      if (key !== undefined && listedTargetSeconds.has(key) && (perTargetSecond.get(key) ?? 0) > 1)
        return true;
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

/**
 * The DaemonSet Pods of the trace (its members, and the Pods it has a span of) that
 * causality finds placed by a Node joining, by uid and by namespace/name.
 */
function podsOfJoins(
  group: RootGroup,
  built: BuiltTrace,
  graph: ObjectGraph,
): { uids: Set<string>; names: Set<string> } {
  const uids = new Set<string>();
  const names = new Set<string>();
  const ctx = {
    graph,
    rootUid: group.rootUid,
    deletedAt: (): undefined => undefined,
    goingRv: (): undefined => undefined,
    deletedByController: (): boolean => false,
    specStartAt: (t: number): number | undefined => {
      let start: number | undefined;
      for (const i of group.intents)
        if (isSpecIntent(i) && i.start !== undefined && i.start <= t) start = i.start;
      return start;
    },
  };
  const candidates = new Set(group.members.keys());
  for (const s of built.spans) {
    const uid = s.attributes['k8s.pod.uid'];
    if (typeof uid === 'string') candidates.add(uid);
  }
  for (const uid of candidates) {
    const p = graph.peek(uid);
    if (p?.kind !== 'Pod' || !p.owners.some((o) => o.controller && o.kind === 'DaemonSet')) continue;
    if (decideChange(uid, ctx)?.kind !== 'join') continue;
    uids.add(uid);
    names.add(`${p.namespace}/${p.name}`);
  }
  return { uids, names };
}

/** Verbs whose parent is their cause, an earlier action on the same object (see causality's CAUSES). */
const CAUSED_VERBS: ReadonlySet<string> = new Set(['create', 'delete']);
/** Verbs of the actions that cause them. */
const CAUSE_VERBS: ReadonlySet<string> = new Set(['scale-up', 'scale-down', 'create', 'delete']);
/** Key of occurrences lost from a combined Event: they may have acted on any object. */
const ANY = '*';

/**
 * Listed Events that cause creates and deletes and whose earlier occurrences the
 * list lost: by the object they act on (any object, for a combined Event), the
 * last second such an occurrence can have (that of the occurrence listed).
 */
function lostCauses(group: RootGroup): Map<string, number> {
  const out = new Map<string, number>();
  for (const fact of group.actions.values()) {
    const m = fact.match;
    if (!fact.listed || fact.minCount <= 1 || m === undefined || !CAUSE_VERBS.has(m.verb)) continue;
    const ev = fact.event;
    const ns = ev.involved.namespace === '' ? ev.namespace : ev.involved.namespace;
    const key =
      ev.occurrence !== undefined || m.actedOnName === undefined
        ? ANY
        : `${m.actedOnKind}/${ns}/${m.actedOnName}`;
    const at = secondOf(fact.start);
    if ((out.get(key) ?? Number.NEGATIVE_INFINITY) < at) out.set(key, at);
  }
  return out;
}

/** For a create or delete, the last second a lost occurrence that may have caused it can have; else undefined. */
function lostBefore(lost: ReadonlyMap<string, number>, fact: ActionFact): number | undefined {
  if (fact.match === undefined || !CAUSED_VERBS.has(fact.match.verb)) return undefined;
  const ev = fact.event;
  const ns = ev.involved.namespace === '' ? ev.namespace : ev.involved.namespace;
  const any = lost.get(ANY);
  const own = lost.get(`${ev.involved.kind}/${ns}/${ev.involved.name}`);
  if (any === undefined) return own;
  return own === undefined ? any : Math.max(any, own);
}

/**
 * With --backfill, in any trace of a root with a rebuilt intent, the spans that
 * stand for what the list showed (a listed Event, the lifecycle of a listed object,
 * a termination begun by then) and fall in the second one of the root's intents started in, and
 * what hangs under them. The list stamps them to the second and observed them all
 * at once, so it does not settle whether they came before that intent's start
 * (the intent before's) or after; a live run refined each by its own observation.
 */
export function listedAtIntentStarts(group: RootGroup, built: BuiltTrace): Set<string> {
  const out = new Set<string>();
  if (!group.intents.some((i) => i.backfill !== undefined)) return out;
  const boundaries = new Set<number>();
  for (const i of group.intents) if (i.start !== undefined) boundaries.add(secondOf(i.start));
  const listedActions = new Set<string>();
  for (const f of group.actions.values()) if (f.listed && f.spanId !== undefined) listedActions.add(f.spanId);
  for (const s of built.spans) {
    if (s === built.root || !boundaries.has(secondOf(s.startTime))) continue;
    let listed: boolean;
    if (s.role === 'action') listed = listedActions.has(s.spanId);
    else if (s.role === 'intent') listed = false;
    else {
      // A lifecycle of a listed object; a termination only if it had begun by the list
      // (a later one is stamped by its own observation, as in a live run).
      const key = nodeKeyOf(built, s);
      const member = group.members.get(key.slice(key.indexOf(' ') + 1));
      // No delta since the list: as the list showed it.
      if (member === undefined) listed = true;
      else listed = s.role === 'lifecycle' ? member.listed : member.deletingWhenListed;
    }
    if (listed) out.add(s.spanId);
  }
  if (out.size === 0) return out;
  // What hangs under a span left out is not settled either.
  const byId = new Map(built.spans.map((s) => [s.spanId, s]));
  const memo = new Map<string, boolean>();
  const under = (s: SpanRecord, depth: number): boolean => {
    const known = memo.get(s.spanId);
    if (known !== undefined) return known;
    const parent = s.parentSpanId === undefined ? undefined : byId.get(s.parentSpanId);
    const result =
      out.has(s.spanId) || (depth <= 256 && parent !== undefined && parent !== s && under(parent, depth + 1));
    memo.set(s.spanId, result);
    return result;
  };
  for (const s of built.spans) if (s !== built.root && under(s, 0)) out.add(s.spanId);
  return out;
}
