import type { ActionFact } from '../causality/action-fact.js';
import type { ObjectGraph } from '../graph/object-graph.js';
import { NO_DONE_TIMES, NO_TRANSITIONS, type RootGroup } from './root-group.js';
import { slimEvent } from './settled-event.js';

/**
 * Shrinks the facts of a settled root group (every intent emitted, nothing new
 * since) to what late spans need. A span is exported once: a late fact only
 * adds spans (a new Event, a later part of a repeated Event, an object's
 * lifecycle or termination) under parents that causality chooses again among
 * the facts; the spans already sent are built again but never re-sent. So of
 * each fact whose span went out, only what causality and the spans still to
 * come read is kept:
 *
 * - an Event that names no object acted on (the kubelet's and the scheduler's)
 *   is no span's parent: it goes, leaving its start (the traced period starts
 *   at the earliest action) and the object it is about (which may still get a
 *   lifecycle or termination span) in {@link RootGroup.retired}. Not a stuck
 *   Warning, which makes the root an error;
 * - the other Events keep what causality reads: uid, the object they are
 *   about, namespace, type, reason, reporting controller and occurrence, and
 *   a scaling step its message (its sizes name the write it reports). A
 *   later occurrence of one that becomes a span of its own (its occurrences
 *   after a later intent started) comes with a higher count, and the fact
 *   then holds that delivery's whole Event again, as the span is rendered from
 *   the latest;
 * - an object other than the root loses its condition transitions and the
 *   times it was seen done once its lifecycle span went out (they are read
 *   only to render that span);
 * - each intent's keys of the spans it sent are compacted (see SpanKeys);
 * - the root's condition transitions before its latest intent's start go:
 *   they are read only to render the root spans of intents that began before,
 *   all sent.
 *
 * The strings a kept Event holds of the objects it and its rule name (uid,
 * name) become the graph's own copies where the graph holds that object: each
 * Event parsed its own. The root, the intents, the ids and times of what stays
 * are untouched, so late spans keep their ids, parents and times. The root span handed along
 * with a late record (read only to sample it) no longer counts the times of
 * the Events that went.
 */
export function slimSettled(group: RootGroup, graph: ObjectGraph): void {
  const claimed = (key: string): boolean => {
    if (group.letGo?.has(key) === true) return true;
    for (const i of group.intents) if (i.emitted?.has(key) === true) return true;
    return false;
  };
  // Frozen: slimmed already, and nothing came since (a new fact thaws them).
  if (group.frozen) return;
  let retiredNow = 0;
  const actions = group.actions;
  for (const [key, fact] of actions) {
    if (fact.spanId === undefined || !claimed(fact.spanId)) continue;
    const match = fact.match;
    if (match?.actedOnName === undefined && !(match?.stuck === true && fact.event.type === 'Warning')) {
      group.actions.delete(key);
      retire(group, fact);
      retiredNow += 1;
    } else if (fact.event.name !== '') {
      // A real Event has a name: without one it is slim already.
      fact.event = slimEvent(fact.event, graph, match?.verb === 'scale-up' || match?.verb === 'scale-down');
      if (match?.actedOnName !== undefined) {
        const inv = fact.event.involved;
        const ns = inv.namespace === '' ? fact.event.namespace : inv.namespace;
        const uid = graph.uidByName(match.actedOnKind, ns, match.actedOnName);
        const name = uid === undefined ? undefined : graph.peek(uid)?.name;
        if (name !== undefined && name === match.actedOnName) fact.match = { ...match, actedOnName: name };
      }
    }
  }
  // A map keeps the table it grew to when entries are deleted: made again at its size, in its order.
  if (retiredNow > 0) {
    const kept = [...group.actions];
    group.actions.clear();
    for (const [key, fact] of kept) group.actions.set(key, fact);
  }
  for (const i of group.intents) i.emitted?.compact();
  slimRootTransitions(group);
  for (const m of group.members.values()) {
    if (m.doneTimes.length + m.transitions.length === 0 || m.uid === group.rootUid) continue;
    if (!claimed(`lifecycle ${m.uid}`)) continue;
    m.transitions = NO_TRANSITIONS;
    m.doneAt = undefined;
    m.doneTimes = NO_DONE_TIMES;
  }
  group.freeze();
}

function retire(group: RootGroup, fact: ActionFact): void {
  let retired = group.retired;
  if (retired === undefined) {
    retired = { earliestStart: fact.start, objects: new Set() };
    group.retired = retired;
  } else if (fact.start < retired.earliestStart) retired.earliestStart = fact.start;
  const uid = fact.event.involved.uid;
  if (uid !== '') retired.objects.add(uid);
}

/** Drops the root's transitions before the latest intent's start (see slimSettled). */
function slimRootTransitions(group: RootGroup): void {
  const root = group.members.get(group.rootUid);
  if (root === undefined || root.transitions.length === 0) return;
  let latest = Number.NEGATIVE_INFINITY;
  for (const i of group.intents) if (i.start !== undefined && i.start > latest) latest = i.start;
  if (root.transitions.some((t) => t.time < latest))
    root.transitions = root.transitions.filter((t) => t.time >= latest);
}
