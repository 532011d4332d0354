import type { ObjectGraph } from '../graph/object-graph.js';
import type { ObjectProjection } from '../model/projection.js';
import { conditionOf, deletionRequestedAt } from '../normalise/project-object.js';
import { sameSecond } from '../normalise/refine-time.js';

/** What an intent without a spec change is: the README's span model names each. */
export type ChangeKind = 'delete' | 'evict' | 'join' | 'run';

/**
 * How long after a CronJob's spec change (its create, an update) a Job it makes
 * is still that change's consequence: the quiet time after which an intent of a
 * kind without a "done" ends (the engine's default). A later Job is a scheduled
 * run of its own. Cron schedules have a minute's resolution, so at most the
 * first run falls in it.
 */
export const RUN_WITHIN_SPEC_MS = 30_000;

/** The change that started an intent without a spec change, as causality decided it. */
export interface ChangeTrigger {
  readonly kind: ChangeKind;
  /**
   * What the trace is rooted at: the Pod or ReplicaSet deleted, the Pod evicted,
   * the Node that joined, the CronJob that ran.
   */
  readonly subject: ObjectProjection;
  /**
   * The object under the root whose change opened the intent: the subject, the
   * DaemonSet Pod placed on the Node that joined, or the Job a CronJob's run made.
   */
  readonly changed: ObjectProjection;
  /** When it began: the delete request, the `DisruptionTarget` transition, the Node's creation, the run's Job's creation. */
  readonly start: number;
  /**
   * The component known to have made the change, from the eviction's reason
   * (`cronjob-controller` for a run); `unknown` otherwise.
   */
  readonly manager: string;
  /** The `DisruptionTarget` condition's reason (`EvictionByEvictionAPI`, `DeletionByTaintManager`…). */
  readonly reason: string | undefined;
  /** The Node the Pod ran on (an eviction or a delete of a placed Pod). */
  readonly nodeName: string | undefined;
}

/** What the decision needs besides the graph. */
export interface ChangeContext {
  readonly graph: ObjectGraph;
  /** The root object's uid. */
  readonly rootUid: string;
  /** When the DELETED of `uid` was observed, if it was. */
  deletedAt(uid: string): number | undefined;
  /**
   * The lowest numeric resourceVersion that showed `uid` deleted or evicted (its delete
   * request's write, else its DELETED; the root's: the first delta that showed its delete), if known.
   */
  goingRv(uid: string): number | undefined;
  /** True when a controller's delete action (a rule with verb `delete`) names this object near `t`. */
  deletedByController(kind: string, namespace: string, name: string, t: number): boolean;
  /** The start of the spec intent in force at `t` (the latest started by then); undefined when none had. */
  specStartAt(t: number): number | undefined;
}

/** Who deletes a Pod for each `DisruptionTarget` reason that names a component. */
const EVICTOR_BY_REASON: Readonly<Record<string, string>> = {
  DeletionByTaintManager: 'taint-eviction-controller',
  DeletionByPodGC: 'pod-garbage-collector',
  TerminationByKubelet: 'kubelet',
  PreemptionByScheduler: 'default-scheduler',
};

/**
 * Decides whether the change of `uid` (a candidate the intent book opened) is
 * an intent of its own, and which: an eviction (`DisruptionTarget` True), a
 * delete nothing else explains (no controller's delete action names it and its
 * owner is not being deleted; for a Pod, causality also asks for the
 * replacement its controller made, see parent-decision), or a
 * DaemonSet Pod placed on a Node created after the DaemonSet's last spec
 * change, or a CronJob's Job made after its spec change's quiet time (a
 * scheduled run, see {@link RUN_WITHIN_SPEC_MS}). Undefined when the change is
 * the consequence of something else.
 */
export function decideChange(uid: string, ctx: ChangeContext): ChangeTrigger | undefined {
  const p = ctx.graph.peek(uid);
  if (p === undefined || uid === ctx.rootUid) return undefined;
  const deleted = deletionRequestedAt(p) ?? ctx.deletedAt(uid);
  if (p.kind === 'Pod') {
    const disruption = conditionOf(p, 'DisruptionTarget');
    if (disruption?.status === 'True') {
      const at = disruption.lastTransitionTime ?? deleted;
      if (at === undefined) return undefined;
      const reason = disruption.reason;
      return {
        kind: 'evict',
        subject: p,
        changed: p,
        start: deleted === undefined ? at : Math.min(at, deleted),
        manager: (reason === undefined ? undefined : EVICTOR_BY_REASON[reason]) ?? 'unknown',
        reason,
        nodeName: p.nodeName,
      };
    }
  }
  // A run's Job deleted later (the CronJob's history limit) was still made by the run.
  if (p.kind === 'Job') return runOf(p, ctx);
  if (deleted !== undefined) {
    if (p.kind !== 'Pod' && p.kind !== 'ReplicaSet') return undefined;
    if (ctx.deletedByController(p.kind, p.namespace, p.name, deleted)) return undefined;
    if (ownerDeleting(p, ctx, deleted)) return undefined;
    return {
      kind: 'delete',
      subject: p,
      changed: p,
      start: deleted,
      manager: 'unknown',
      reason: undefined,
      nodeName: p.kind === 'Pod' ? p.nodeName : undefined,
    };
  }
  return joinOf(p, ctx);
}

/** The Node that joined, when `p` is a DaemonSet's Pod placed there because it did. */
function joinOf(p: ObjectProjection, ctx: ChangeContext): ChangeTrigger | undefined {
  if (p.kind !== 'Pod' || p.nodeName === undefined || p.creationTimestamp === undefined) return undefined;
  if (!p.owners.some((o) => o.controller && o.kind === 'DaemonSet')) return undefined;
  const nodeUid = ctx.graph.uidByName('Node', '', p.nodeName);
  const node = nodeUid === undefined ? undefined : ctx.graph.peek(nodeUid);
  const joined = node?.creationTimestamp;
  // Stamps of one second refined by their observations may cross.
  if (
    node === undefined ||
    joined === undefined ||
    (joined > p.creationTimestamp && !sameSecond(joined, p.creationTimestamp))
  )
    return undefined;
  const spec = ctx.specStartAt(p.creationTimestamp);
  // The DaemonSet created (or changed) after the Node came: the Pod is that intent's.
  if (spec !== undefined && spec >= joined) return undefined;
  return {
    kind: 'join',
    subject: node,
    changed: p,
    start: joined,
    manager: 'unknown',
    reason: undefined,
    nodeName: node.name,
  };
}

/**
 * The scheduled run of the CronJob at the root, when `p` is a Job it made after
 * its spec intent in force then was quiet (made within {@link RUN_WITHIN_SPEC_MS}
 * of that intent's start, the Job is its consequence: a CronJob's first run).
 */
function runOf(p: ObjectProjection, ctx: ChangeContext): ChangeTrigger | undefined {
  const made = p.creationTimestamp;
  if (made === undefined || p.controllerUid !== ctx.rootUid) return undefined;
  if (!p.owners.some((o) => o.controller && o.kind === 'CronJob')) return undefined;
  const cronJob = ctx.graph.peek(ctx.rootUid);
  if (cronJob === undefined) return undefined;
  const spec = ctx.specStartAt(made);
  if (spec !== undefined && made - spec < RUN_WITHIN_SPEC_MS) return undefined;
  return {
    kind: 'run',
    subject: cronJob,
    changed: p,
    start: made,
    manager: 'cronjob-controller',
    reason: undefined,
    nodeName: undefined,
  };
}

/**
 * True when the controller owner of `p` was being deleted at `t` (a cascade, the
 * garbage collector's): by the order of their writes when both are known (the
 * owner's delete written before `p`'s; every object of a cluster is written to
 * one etcd, whose revision orders them, and the watches may deliver them in any
 * order and late), else by time.
 */
function ownerDeleting(p: ObjectProjection, ctx: ChangeContext, t: number): boolean {
  const ownerUid = p.controllerUid;
  if (ownerUid === undefined) return false;
  const owner = ctx.graph.peek(ownerUid);
  if (owner === undefined) return true;
  const going = ctx.goingRv(p.uid);
  const ownerGoing = going === undefined ? undefined : ctx.goingRv(ownerUid);
  if (going !== undefined && ownerGoing !== undefined) return ownerGoing < going;
  const d = deletionRequestedAt(owner) ?? ctx.deletedAt(ownerUid) ?? ctx.graph.tombstone(ownerUid)?.deletedAt;
  return d !== undefined && d <= t + 1_000;
}
