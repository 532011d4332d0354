import type { SpanNode } from '../causality/parent-decision.js';
import { SECOND_SLACK_MS, secondOf } from '../normalise/refine-time.js';
import type { Intent } from './root-group.js';

/**
 * When a root converged, no earlier than the writes of its trace made before the write that
 * showed it done. Every object of a cluster is written to one etcd, whose revision (an
 * object's `resourceVersion`) orders all writes: a Pod created, a ReplicaSet scaled or a delete
 * requested at a lower resourceVersion than the root's status write that showed it done
 * happened before it, and that status write counted them (a StatefulSet ready at 4 counted the
 * Pods it created). Each write's time is its whole-second stamp refined by the delta that showed
 * it, and independent watches deliver the root's status write and those writes in any order, a
 * few milliseconds apart: refined by their own deliveries, the earlier writes can land after the
 * convergence. The end is then the latest of them, never past the second of its own stamp (the
 * apiserver stamped that write within it). Only integer resourceVersions are compared (the API
 * calls them opaque); a cluster that stores objects in several etcds breaks this.
 *
 * `end` is the root's converged end (its status write's stamp, refined); `nodes` the spans of
 * its trace, each with the resourceVersion of the write its start stands for, if any.
 */
export function convergedAfterWrites(intent: Intent, end: number, nodes: readonly SpanNode[]): number {
  const endRv = intent.endRv;
  if (endRv === undefined || intent.end?.reason !== 'converged') return end;
  let latest = end;
  for (const n of nodes) {
    const rv = n.startRv;
    if (rv !== undefined && rv < endRv && n.start > latest) latest = n.start;
  }
  if (latest === end) return end;
  return Math.min(latest, secondOf(end) + SECOND_SLACK_MS);
}
