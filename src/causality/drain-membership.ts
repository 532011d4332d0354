/**
 * A Node's spell that evictions of its Pods follow as one trace: a cordon (its
 * drain evicts through the Eviction API) or an outage (its `Ready` condition
 * not True: the taint manager evicts what does not tolerate it). When it began
 * and, if it did, when it was over.
 */
export interface NodeSpell {
  /** Its stamp's whole second, epoch ms: the cordon's managedFields time, the outage's `Ready` transition. */
  readonly second: number;
  /** When it was seen over (cluster time): the Node schedulable again, or Ready again, or deleted; undefined while not. */
  readonly endedAt: number | undefined;
}

/** An eviction as the decision sees it: a `DisruptionTarget` on a Pod of a Node. */
export interface EvictionFact {
  /** The `DisruptionTarget` transition's whole second, epoch ms: the eviction ran in it. */
  readonly second: number;
}

/**
 * The spell of its Node (of the eviction's kind: a cordon for the Eviction
 * API, an outage for the taint manager) an eviction is part of: the latest
 * one stamped in the eviction's second or before, not over before it, and
 * at most `maxTraceMs` before it (a drain is one trace, and no trace is longer).
 * `kubectl drain` cordons, then evicts through the Eviction API, usually in the
 * same second; the taint manager evicts once the Pod's toleration of the
 * outage is over (300 s by default). Both stamps are the apiserver's whole
 * seconds, so the decision does not depend on the watcher's clock or the
 * arrival order. A spell begun before kubetrail started counts too: its
 * evictions are continued. Undefined when the eviction followed none: it is a
 * trace of its own.
 */
export function spellOfEviction<C extends NodeSpell>(
  spells: readonly C[],
  eviction: EvictionFact,
  maxTraceMs: number,
): C | undefined {
  let found: C | undefined;
  for (const c of spells) {
    if (c.second > eviction.second || eviction.second - c.second > maxTraceMs) continue;
    if (c.endedAt !== undefined && c.endedAt < eviction.second) continue;
    if (found === undefined || c.second > found.second) found = c;
  }
  return found;
}

/** What the decision reads of a Pod: where it runs, who controls it, whether it is already leaving. */
export interface PodOnNode {
  readonly nodeName: string | undefined;
  readonly deletionTimestamp: number | undefined;
  readonly owners: readonly { readonly kind: string; readonly controller: boolean }[];
  readonly conditions: readonly { readonly type: string; readonly status: string }[];
  readonly status: { readonly phase: string | undefined };
}

/**
 * True when `pod` is one a drain of its Node has still to evict: bound to the
 * Node, not leaving yet (no deletion asked, no `DisruptionTarget`), not
 * finished (Succeeded or Failed: nothing holds their eviction back), and
 * neither a DaemonSet's (`kubectl drain --ignore-daemonsets` leaves them, and
 * their controller ignores the cordon; its Pods tolerate a NotReady Node
 * forever) nor a mirror Pod (a static Pod, owned by its Node). While a
 * cordoned Node holds such a Pod, its drain may still evict it: a
 * PodDisruptionBudget makes the Eviction API answer 429, and `kubectl drain`
 * retries every 5 s until the budget allows it. While a NotReady Node holds
 * one, the taint manager evicts it once its toleration is over.
 */
export function awaitsDrain(pod: PodOnNode): boolean {
  if (pod.nodeName === undefined || pod.deletionTimestamp !== undefined) return false;
  if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') return false;
  for (const o of pod.owners) if (o.controller && (o.kind === 'DaemonSet' || o.kind === 'Node')) return false;
  for (const c of pod.conditions) if (c.type === 'DisruptionTarget' && c.status === 'True') return false;
  return true;
}
