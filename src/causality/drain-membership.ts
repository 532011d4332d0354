/** A cordon as the decision sees it: when it was made and, if it was, undone. */
export interface CordonSpell {
  /** The cordon's stamp (managedFields time of `f:spec.f:unschedulable`), its whole second, epoch ms. */
  readonly second: number;
  /** When the Node was seen schedulable again (cluster time); undefined while it is not. */
  readonly uncordonedAt: number | undefined;
}

/** An eviction as the decision sees it: the Eviction API's `DisruptionTarget` on a Pod of a Node. */
export interface EvictionFact {
  /** The `DisruptionTarget` transition's whole second, epoch ms: the eviction request ran in it. */
  readonly second: number;
}

/**
 * The cordon whose drain an eviction is part of: the latest cordon of the Pod's
 * Node stamped in the eviction's second or before, not undone before it, and
 * at most `maxTraceMs` before it (a drain is one trace, and no trace is longer).
 * `kubectl drain` cordons, then evicts through the Eviction API, usually in the
 * same second: both stamps are the apiserver's whole seconds, so the decision
 * does not depend on the watcher's clock or the arrival order. A cordon begun
 * before kubetrail started counts too: its drain is continued. Undefined when
 * the eviction followed no cordon: it is a trace of its own.
 */
export function cordonOfEviction<C extends CordonSpell>(
  cordons: readonly C[],
  eviction: EvictionFact,
  maxTraceMs: number,
): C | undefined {
  let found: C | undefined;
  for (const c of cordons) {
    if (c.second > eviction.second || eviction.second - c.second > maxTraceMs) continue;
    if (c.uncordonedAt !== undefined && c.uncordonedAt < eviction.second) continue;
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
 * their controller ignores the cordon) nor a mirror Pod (a static Pod, owned
 * by its Node). While a cordoned Node holds such a Pod, its drain may still
 * evict it: a PodDisruptionBudget makes the Eviction API answer 429, and
 * `kubectl drain` retries every 5 s until the budget allows it.
 */
export function awaitsDrain(pod: PodOnNode): boolean {
  if (pod.nodeName === undefined || pod.deletionTimestamp !== undefined) return false;
  if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') return false;
  for (const o of pod.owners) if (o.controller && (o.kind === 'DaemonSet' || o.kind === 'Node')) return false;
  for (const c of pod.conditions) if (c.type === 'DisruptionTarget' && c.status === 'True') return false;
  return true;
}
