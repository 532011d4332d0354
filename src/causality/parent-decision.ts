import type { ObjectGraph } from '../graph/object-graph.js';
import {
  changeRootSpanIdOf,
  eventOccurrenceSpanIdOf,
  eventSpanIdOf,
  type IntentKey,
  lifecycleSpanIdOf,
  terminationSpanIdOf,
} from '../model/ids.js';
import type { ObjectProjection, ObjectRef } from '../model/projection.js';
import { numericRv } from '../model/resource-version.js';
import { deletionRequestedAt } from '../normalise/project-object.js';
import { sameSecond, secondOf } from '../normalise/refine-time.js';
import type { ActionFact, Occurrence } from './action-fact.js';
import type { ActionVerb } from './causality-rule.js';
import { type ChangeContext, type ChangeTrigger, decideChange } from './change-trigger.js';
import { type ListedRevisions, NO_LISTED_REVISIONS } from './listed-revisions.js';
import {
  type ListedWrite,
  listedWriteOf,
  type ReplicasAt,
  type ReplicasHistory,
  replicasAt,
  replicasKeptBetween,
  replicasWrites,
  stepSizes,
  stepTarget,
  stepWrites,
} from './replicas-history.js';

/** How far (ms) a create/delete action may be from the object's own timestamp and still be "the" action. */
export const MATCH_WINDOW_MS = 10_000;
/** Slack for second-resolution timestamps when deciding whether an object belongs to the traced period. */
const HORIZON_SLACK_MS = 2_000;
/** Reasons of the Events that report a Pod's disruption before or as it is evicted. */
const DISRUPTION_REASONS: ReadonlySet<string> = new Set([
  'NodeNotReady',
  'TaintManagerEviction',
  'Evicted',
  'Preempted',
]);
/** How long before its eviction a disruption may be reported: the default NoExecute toleration (300 s) and some. */
const DISRUPTION_LEAD_MS = 310_000;
/** The intent of the nodes nothing traced explains: they are not emitted. */
const NO_INTENT: TracedIntent = Object.freeze({
  traceId: '',
  start: undefined,
  lazy: true,
  firstRv: undefined,
});
/**
 * Where a spec intent's key falls in the order of its root's writes: a generation
 * by its number, the delete after every generation. Undefined for any other key.
 */
function intentOrderOf(key: IntentKey | undefined): number | undefined {
  if (typeof key === 'number') return key;
  return key === 'delete' ? Number.POSITIVE_INFINITY : undefined;
}

/** The ordinal of a StatefulSet's Pod, from its name (`<set>-<ordinal>`); undefined when it has none. */
function ordinalOf(pod: string, set: string): number | undefined {
  if (!pod.startsWith(`${set}-`)) return undefined;
  const digits = pod.slice(set.length + 1);
  if (!/^(0|[1-9][0-9]{0,8})$/.test(digits)) return undefined;
  return Number(digits);
}

/** True when an Event's involved object is `owner`: by uid, or by kind and name when it names none. */
function isAbout(inv: ObjectRef, owner: ObjectProjection): boolean {
  return inv.uid !== '' ? inv.uid === owner.uid : inv.kind === owner.kind && inv.name === owner.name;
}

/** Parent chains longer than this are treated as broken and re-attached to the root. */
const MAX_PARENT_DEPTH = 128;

const CREATE_VERBS: readonly ActionVerb[] = ['create', 'scale-up'];
const NO_UIDS: ReadonlySet<string> = new Set();
const DELETE_VERBS: readonly ActionVerb[] = ['delete'];
/** A scale-up names a ReplicaSet that may have been created by an earlier step: only a create is timed by what it made. */
const CREATE_ONLY: readonly ActionVerb[] = ['create'];

/** An intent as the decision sees it: one trace, and when its change was made. */
export interface TracedIntent {
  readonly traceId: string;
  /** Undefined when unknown. */
  readonly start: number | undefined;
  /** Opened because its consequences arrived, not because the change itself was observed. */
  readonly lazy: boolean;
  /** The lowest numeric resourceVersion of the root that showed this intent, if any. */
  readonly firstRv: number | undefined;
  /** A candidate intent without a spec change: the uid of the object whose change opened it. */
  readonly changed?: string | undefined;
  /** Its key: the generation of a spec change, or `delete`; the order of the root's writes that showed each. */
  readonly key?: IntentKey | undefined;
  /** Set when another trace holds this intent (an eviction in its drain's): its root's parent there. */
  readonly parentSpanId?: string | undefined;
  /** How it ended, if it has; an end without a time does not keep the intent open. */
  readonly end?: { readonly time: number | undefined } | undefined;
  /** Its operation: an `Update` had intents before it. */
  readonly operation?: 'Create' | 'Update' | 'Delete' | 'Change';
  /** Found in the initial list: the instance before exported it, and the intents before it. */
  readonly history?: boolean;
}

/** What the decision reads of one root object: its intents, its actions, the objects it watched. */
export interface RootFacts {
  readonly rootUid: string;
  readonly root: ObjectProjection;
  /** Ordered by start, unknown starts first. */
  readonly intents: readonly TracedIntent[];
  readonly actions: ReadonlyMap<string, ActionFact>;
  /**
   * Objects seen on their own watch, by uid; `deletedAt` is when their DELETED was observed,
   * `replicas` what their writes asked for (see replicas-history.ts), `addedRv` and `goingRv`
   * the resourceVersions of their create and of the first write that showed them deleted or evicted.
   */
  readonly members: ReadonlyMap<
    string,
    {
      readonly deletedAt: number | undefined;
      readonly replicas?: ReplicasHistory | undefined;
      readonly addedRv?: number | undefined;
      readonly goingRv?: number | undefined;
      /** It came with the initial list; `deletingWhenListed`: being deleted then. */
      readonly listed?: boolean;
      readonly deletingWhenListed?: boolean;
    }
  >;
  /** Actions let go of after their spans went out, never a parent of anything; undefined when none. */
  readonly retired?: RetiredActions | undefined;
  /**
   * Facts of this root were dropped (a bound, a closed trace): a delete without a
   * controller's action may have lost it, so no delete is taken for a user's.
   */
  readonly incomplete?: boolean;
}

/**
 * What causality still reads of actions that can be no span's parent (their Events
 * name no object acted on) once their spans went out: the earliest start (the
 * traced period starts there) and the objects their Events are about (each may
 * have a lifecycle or termination span still to send).
 */
export interface RetiredActions {
  earliestStart: number;
  readonly objects: Set<string>;
}

interface BaseNode {
  parent: TreeNode | undefined;
  /** The parent is a guess by owner and time, not a rule match: rendered as `kubetrail.parent.inferred`. */
  inferred: boolean;
  /** The intent (trace) this node belongs to, once resolved. */
  intent: TracedIntent | undefined;
  spanId: string;
}

/** The root span of one intent's trace. */
export interface RootNode extends BaseNode {
  readonly kind: 'root';
  readonly of: TracedIntent;
}

/** The span of one Event, or of the part of a repeated Event that belongs to one intent. */
export interface ActionNode extends BaseNode {
  readonly kind: 'action';
  readonly fact: ActionFact;
  /**
   * This span's part of the Event: all its occurrences, or those of one intent (see #indexActions).
   * An action that created or deleted an object starts when that object was created or its
   * delete requested (see timeFromSubject), once every parent is decided.
   */
  start: number;
  /**
   * The numeric resourceVersion of the object write `start` is the stamp of (the create or
   * delete request of the object it made or deleted, the ReplicaSet write a scaling step
   * asked for); undefined when it is the Event's own time.
   */
  startRv: number | undefined;
  lastTime: number;
  readonly count: number;
  /** The count of the part's first occurrence when the Event is split across intents; 0 for the first part. */
  readonly partFrom: number;
  readonly involvedNamespace: string;
}

/** The lifecycle span of an object the intent created, or the termination span of one it deleted. */
export interface ObjectNode extends BaseNode {
  readonly kind: 'lifecycle' | 'termination';
  readonly object: ObjectProjection;
  readonly start: number;
  /** The numeric resourceVersion of the write `start` stands for: the object's create, or its delete request. */
  readonly startRv: number | undefined;
  /** Termination: when the object's DELETED was observed, if it was. Undefined on lifecycle nodes. */
  readonly deletedAt: number | undefined;
  /** The action matched as creating (lifecycle) or deleting (termination) it. */
  readonly action: ActionNode | undefined;
}

/** The occurrences of an Event that are one span: all, or those of one intent (see #partsOf). */
interface ActionPart {
  start: number;
  lastTime: number;
  count: number;
  /** The count of the part's first occurrence; 0 for the first part. */
  from: number;
  /** The spec intent's root its occurrences' write order decided, if it did (see #madeInWriteOrder). */
  root?: RootNode | undefined;
  /** The uids of the objects its occurrences made, when known (see #madeInWriteOrder). */
  made?: readonly string[] | undefined;
}

/** A write of an object that a scaling step reports (see stepWrites): the object and the write's resourceVersion. */
interface StepWrite {
  readonly uid: string;
  readonly rv: number;
}

/** Any node of a span tree. */
export type TreeNode = RootNode | ActionNode | ObjectNode;
/** A node that becomes a span under a root. */
export type SpanNode = ActionNode | ObjectNode;

/** One intent's trace before rendering: every node has its parent, trace and span id. */
export interface SpanTree {
  readonly root: RootNode;
  /** For an intent without a spec change: what started it. */
  readonly change?: ChangeTrigger;
  /** Actions in start order, then lifecycle, then termination nodes. */
  readonly nodes: readonly SpanNode[];
}

/**
 * Which trace, which parent: decides, for every action and object of a root
 * object, the span it hangs under and the intent (trace) it belongs to. Parents
 * are decided from data (uids, rule targets, timestamps), never from arrival
 * order, so any permutation of the same deltas gives the same trees. Empty when
 * the root has no intent. A candidate intent without a spec change gets a tree
 * only when it is one ({@link decideChange}); it then holds the change's
 * consequences: the object's termination, the replacement its controller
 * created (and that one's lifecycle), the Pod placed on a Node that joined,
 * the Job a CronJob's scheduled run made (and the Events about the CronJob
 * while that run is the latest, such as its history limit's deletes). After a
 * restart, `listed` is what the initial list showed of StatefulSets and their
 * Pods' revisions.
 */
export function decideParents(
  facts: RootFacts,
  graph: ObjectGraph,
  held?: HeldReports,
  listed: ListedRevisions = NO_LISTED_REVISIONS,
): Map<TracedIntent, SpanTree> {
  return new ParentDecision(facts, graph, held, listed).decide();
}

/**
 * Disruption reports held back from the traces decided at cluster time `at`: an
 * Event reporting a Pod's disruption (its Node not ready) while the Pod is neither
 * evicted nor deleted yet. The taint manager evicts it once its toleration is over
 * (300 s by default), and the report then belongs to that eviction's trace; let go
 * into the trace it hangs under now only once {@link DISRUPTION_LEAD_MS} passed with
 * no eviction (its Node came back; its Pod tolerates it forever, as a DaemonSet's
 * does).
 */
export interface HeldReports {
  readonly at: number;
  /** Set by the decision: the earliest cluster time a report held back is let go of; undefined when none is held. */
  until?: number | undefined;
  /**
   * Set by the decision: the span ids of reports of the initial list that an eviction
   * begun after the start claims. The instance before held them back, unsent (its
   * eviction had not come), so they are this instance's to send.
   */
  resumed?: Set<string> | undefined;
}

class ParentDecision {
  readonly #group: RootFacts;
  readonly #graph: ObjectGraph;
  /** What the initial list showed of StatefulSets and their Pods' revisions (see #listedPodBefore). */
  readonly #listed: ListedRevisions;
  readonly #roots = new Map<TracedIntent, RootNode>();
  readonly #actions: ActionNode[] = [];
  /** Actions by the object they act on: kind → namespace → name; nested so no key string is built per lookup. */
  readonly #byTarget = new Map<string, Map<string, Map<string, ActionNode[]>>>();
  readonly #lifecycle = new Map<string, ObjectNode | null>();
  readonly #termination = new Map<string, ObjectNode | null>();
  /** The intents of spec changes, by start: the ones time and the owner chain may fall back to. */
  readonly #specIntents: TracedIntent[] = [];
  /** Intents without a spec change that are one, with their trigger. */
  readonly #changes = new Map<TracedIntent, ChangeTrigger>();
  /** The root of the change whose subject (a deleted or evicted object) has this uid. */
  readonly #changeRootBySubject = new Map<string, RootNode>();
  /** The scheduled runs of a CronJob at the root, by start: the Job each made, and the run's root. */
  readonly #runs: { readonly start: number; readonly job: string; readonly root: RootNode }[] = [];
  /** The create's resourceVersion of each member Pod, by namespace/name, once needed (see #addedRvOf). */
  #podsAdded: Map<string, number> | undefined;
  /** Parts of a repeated create or scaling step whose intent the order of writes decided (see #madeInWriteOrder, #scaledInWriteOrder). */
  readonly #rootByOrder = new Map<ActionNode, RootNode>();
  /** The part of a repeated create that made the object of this uid, by write order (see #madeInWriteOrder). */
  readonly #madeBy = new Map<string, ActionNode>();
  /** The reverse of #madeBy: the uids each such part made. */
  readonly #madeOf = new Map<ActionNode, readonly string[]>();
  /** The objects of its name each part of a scaling step scaled, by write order (see #scaledInWriteOrder). */
  readonly #scaledOf = new Map<ActionNode, readonly string[]>();
  /** Steps inferred from the initial list (see #inferredSteps): parents only, never spans of their own. */
  readonly #inferred = new Set<ActionNode>();
  /** Actions that answer a change: each hangs under its change's root. */
  readonly #claims = new Map<ActionNode, RootNode>();
  /**
   * Where time and the owner chain lead when the group has no spec intent (a
   * change under a root whose traces were let go of): a trace that is not emitted.
   */
  readonly #noRoot: RootNode = {
    kind: 'root',
    of: NO_INTENT,
    parent: undefined,
    inferred: false,
    intent: NO_INTENT,
    spanId: '',
  };
  #horizon = Number.NEGATIVE_INFINITY;

  readonly #held: HeldReports | undefined;

  constructor(group: RootFacts, graph: ObjectGraph, held: HeldReports | undefined, listed: ListedRevisions) {
    this.#group = group;
    this.#graph = graph;
    this.#held = held;
    this.#listed = listed;
  }

  decide(): Map<TracedIntent, SpanTree> {
    const out = new Map<TracedIntent, SpanTree>();
    const group = this.#group;
    if (group.intents.length === 0) return out;
    for (const intent of group.intents) {
      this.#roots.set(intent, {
        kind: 'root',
        of: intent,
        parent: undefined,
        inferred: false,
        intent,
        spanId:
          intent.parentSpanId !== undefined && intent.changed !== undefined
            ? changeRootSpanIdOf(intent.traceId, intent.changed)
            : lifecycleSpanIdOf(intent.traceId, group.rootUid),
      });
      if (intent.changed === undefined) this.#specIntents.push(intent);
    }
    this.#decideChanges();
    this.#indexActions();
    this.#claimReplacements();
    this.#horizon = this.#computeHorizon();

    const nodes: SpanNode[] = [];
    for (const a of this.#actions) {
      this.#decideActionParent(a);
      if (!this.#inferred.has(a)) nodes.push(a);
    }
    // Objects the group observed on their own watch, and the ones its actions name.
    for (const uid of group.members.keys()) {
      this.#lifecycleNode(uid);
      this.#terminationNode(uid);
    }
    for (const a of this.#actions) {
      const uid = a.fact.event.involved.uid;
      if (uid !== '') {
        this.#lifecycleNode(uid);
        this.#terminationNode(uid);
      }
    }
    for (const uid of group.retired?.objects ?? NO_UIDS) {
      this.#lifecycleNode(uid);
      this.#terminationNode(uid);
    }
    for (const n of this.#lifecycle.values()) if (n !== null) nodes.push(n);
    for (const n of this.#termination.values()) if (n !== null) nodes.push(n);
    timeFromSubjects(this.#lifecycle.values(), CREATE_ONLY);
    timeFromSubjects(this.#termination.values(), DELETE_VERBS);
    this.#timeFromConditions();
    this.#timeStepsFromWrites();

    this.#holdDisruptionReports();
    for (const a of this.#inferred) {
      a.intent = this.#resolveIntent(a);
      a.spanId = actionSpanIdOf(a.fact);
    }
    const perIntent = new Map<TracedIntent, SpanNode[]>();
    for (const intent of group.intents) perIntent.set(intent, []);
    for (const n of nodes) {
      const intent = this.#resolveIntent(n);
      n.intent = intent;
      n.spanId =
        n.kind === 'action'
          ? n.partFrom === 0
            ? actionSpanIdOf(n.fact)
            : eventOccurrenceSpanIdOf(n.fact.event.uid, n.partFrom)
          : n.kind === 'lifecycle'
            ? lifecycleSpanIdOf(intent.traceId, n.object.uid)
            : terminationSpanIdOf(intent.traceId, n.object.uid);
      perIntent.get(intent)?.push(n);
    }
    for (const [intent, members] of perIntent) {
      const root = this.#roots.get(intent);
      if (root === undefined) continue;
      if (intent.changed === undefined) out.set(intent, { root, nodes: members });
      else {
        const change = this.#changes.get(intent);
        if (change === undefined) continue;
        // A disruption reported before the eviction (NodeNotReady) is where its trace begins.
        let start = change.start;
        for (const n of members)
          if (n.kind === 'action' && n.parent === root && n.start < start) start = n.start;
        out.set(intent, {
          root,
          nodes: members,
          change: start === change.start ? change : { ...change, start },
        });
      }
    }
    return out;
  }

  /**
   * An Event that reports its object's condition turning True (a rule's
   * `condition`: the job-controller's `Completed`) is written after the status
   * write that made it, and stamped when the recorder got to it: its span starts
   * at the transition, as the object's status stamps it, when that is earlier and
   * within the match window. Placement is decided already.
   */
  #timeFromConditions(): void {
    for (const a of this.#actions) {
      const type = a.fact.match?.condition;
      const uid = a.fact.event.involved.uid;
      if (type === undefined || uid === '') continue;
      const c = this.#graph.peek(uid)?.conditions.find((x) => x.type === type && x.status === 'True');
      const at = c?.lastTransitionTime;
      if (at === undefined || at >= a.start || a.start - at > MATCH_WINDOW_MS) continue;
      if (a.lastTime === a.start) a.lastTime = at;
      a.start = at;
      a.startRv = undefined;
    }
  }

  /**
   * A scaling step ("Scaled up replica set X from 1 to 2") is the write that
   * asked X for those replicas, reported after it, and a combined Event's
   * occurrence when the recorder gets to it (up to 1.3 s later): its span
   * starts at that write (X's `f:spec` managedFields time, refined by the delta
   * that showed it), the latest one asking for the step's replicas by the
   * step's Event, when that is earlier and within the match window. It stands
   * for that write (its resourceVersion, which orders it before the status
   * write that counted it: see convergedAfterWrites) whatever the refined
   * times; where the only writes asking for those replicas came out after the
   * Event (stamped no later than it, delivered later), for the earliest of them,
   * keeping the Event's time. A write two steps would take times neither.
   * Placement is decided already.
   */
  #timeStepsFromWrites(): void {
    // By name, not by the live object the name names: a ReplicaSet deleted and made again under its
    // name is two objects, and which one the name index holds depends on the arrival order.
    let byName: Map<string, ReplicasAt[][]> | undefined;
    const taken = new Map<ReplicasAt, ActionNode | null>();
    const lateTaken = new Map<ReplicasAt, ActionNode | null>();
    for (const a of this.#actions) {
      const m = a.fact.match;
      if ((m?.verb !== 'scale-up' && m?.verb !== 'scale-down') || m.actedOnName === undefined) continue;
      const target = stepTarget(a.fact.event.message);
      if (target === undefined) continue;
      byName ??= this.#replicaWritesByName();
      let found: ReplicasAt | undefined;
      let late: ReplicasAt | undefined;
      for (const writes of byName.get(`${m.actedOnKind}/${a.involvedNamespace}/${m.actedOnName}`) ?? []) {
        for (const w of writes) {
          if (w.replicas !== target || w.at === undefined) continue;
          if (w.at <= a.start) {
            if (a.start - w.at <= MATCH_WINDOW_MS && (found?.at === undefined || w.at > found.at)) found = w;
          } else if (secondOf(w.at) <= a.start && (late?.at === undefined || w.at < late.at)) late = w;
        }
      }
      if (found !== undefined) taken.set(found, taken.has(found) ? null : a);
      else if (late !== undefined) lateTaken.set(late, lateTaken.has(late) ? null : a);
    }
    for (const [w, a] of taken) {
      if (a === null || w.at === undefined) continue;
      // It stands for that write whatever their refined times: the write order places it before
      // the status write that counted it (see convergedAfterWrites).
      a.startRv = w.rv;
      if (w.at >= a.start) continue;
      if (a.lastTime === a.start) a.lastTime = w.at;
      a.start = w.at;
    }
    // A step whose write was stamped no later than its Event but refined by a delivery later
    // than the Event's (a lagging watch) keeps its Event's time, and still stands for that write.
    for (const [w, a] of lateTaken) if (a !== null && !taken.has(w)) a.startRv = w.rv;
  }

  /** The replicas writes of the group's objects, by `kind/namespace/name`. */
  #replicaWritesByName(): Map<string, ReplicasAt[][]> {
    const out = new Map<string, ReplicasAt[][]>();
    for (const [uid, member] of this.#group.members) {
      const history = member.replicas;
      const p = history === undefined ? undefined : this.#graph.peek(uid);
      if (p === undefined || history === undefined) continue;
      const writes = replicasWrites(history);
      const key = `${p.kind}/${p.namespace}/${p.name}`;
      const list = out.get(key);
      if (list === undefined) out.set(key, [writes]);
      else list.push(writes);
    }
    return out;
  }

  /** Which candidate intents without a spec change are one (see {@link decideChange}). */
  #decideChanges(): void {
    const group = this.#group;
    let deletes: Map<string, number[]> | undefined;
    const ctx: ChangeContext = {
      graph: this.#graph,
      rootUid: group.rootUid,
      deletedAt: (uid) => group.members.get(uid)?.deletedAt ?? this.#graph.tombstone(uid)?.deletedAt,
      goingRv: (uid) =>
        uid === group.rootUid
          ? group.intents.find((i) => i.key === 'delete')?.firstRv
          : group.members.get(uid)?.goingRv,
      deletedByController: (kind, namespace, name, t) => {
        deletes ??= deleteActionTimes(group.actions.values());
        const times = deletes.get(`${kind}/${namespace}/${name}`);
        return times?.some((at) => Math.abs(at - t) <= MATCH_WINDOW_MS) === true;
      },
      specStartAt: (t) => {
        let start: number | undefined;
        for (const i of this.#specIntents) if (i.start !== undefined && i.start <= t) start = i.start;
        return start;
      },
    };
    for (const intent of group.intents) {
      if (intent.changed === undefined) continue;
      const change = decideChange(intent.changed, ctx);
      if (change === undefined || (change.kind === 'delete' && group.incomplete === true)) continue;
      this.#changes.set(intent, change);
      const root = this.#roots.get(intent);
      if (root === undefined) continue;
      if (change.kind === 'delete' || change.kind === 'evict')
        this.#changeRootBySubject.set(change.subject.uid, root);
      else if (change.kind === 'run') this.#runs.push({ start: change.start, job: change.changed.uid, root });
    }
    this.#runs.sort((a, b) => a.start - b.start || (a.root.of.traceId < b.root.of.traceId ? -1 : 1));
  }

  /**
   * The run of the CronJob at the root in force at `t` (the latest started by
   * then), when it started after the spec intent `spec` did: an Event about the
   * CronJob then (its history limit's "Deleted job") follows that run.
   */
  #runAt(t: number, spec: RootNode): RootNode | undefined {
    let found: RootNode | undefined;
    const after = spec.of.start ?? Number.NEGATIVE_INFINITY;
    for (const r of this.#runs) {
      if (r.start > t) break;
      if (r.start >= after) found = r.root;
    }
    return found;
  }

  /** The root of the change that an action creating `name` of `kind` (again) at `t` answers, if any. */
  #recreateRootAt(kind: string, namespace: string, name: string, t: number): RootNode | undefined {
    let found: RootNode | undefined;
    for (const [intent, change] of this.#changes) {
      const s = change.subject;
      if (change.kind !== 'delete' || s.kind !== kind || s.namespace !== namespace || s.name !== name)
        continue;
      if (t < change.start || t > change.start + MATCH_WINDOW_MS) continue;
      if (this.#specStartedBetween(change.start, t)) continue;
      found = this.#roots.get(intent);
    }
    return found;
  }

  /** True when a spec intent started after `from` and by `to`: later actions are that intent's. */
  #specStartedBetween(from: number, to: number): boolean {
    for (const i of this.#specIntents)
      if (i.start !== undefined && i.start > from && i.start <= to) return true;
    return false;
  }

  /**
   * The Events that report an evicted Pod's disruption (its Node not ready, the
   * taint manager marking it, the kubelet evicting it), up to the longest
   * default toleration before the eviction: they belong to the eviction's trace.
   */
  #claimDisruptionReports(): void {
    for (const [intent, change] of this.#changes) {
      if (change.kind !== 'evict') continue;
      const root = this.#roots.get(intent);
      if (root === undefined) continue;
      const pod = change.subject;
      for (const a of this.#actions) {
        const inv = a.fact.event.involved;
        // The taint manager's Events name the Pod without its uid.
        const about =
          inv.uid !== ''
            ? inv.uid === pod.uid
            : inv.kind === pod.kind && inv.name === pod.name && a.involvedNamespace === pod.namespace;
        if (!about || !DISRUPTION_REASONS.has(a.fact.event.reason) || this.#claims.has(a)) continue;
        if (a.start < change.start - DISRUPTION_LEAD_MS || a.start > change.start + MATCH_WINDOW_MS) continue;
        this.#claims.set(a, root);
      }
    }
  }

  /**
   * Holds back (see {@link HeldReports}) the disruption reports no eviction claimed,
   * about a Pod of the group that is neither evicted nor deleted, written less than
   * {@link DISRUPTION_LEAD_MS} before the time decided at: they go in no trace yet.
   */
  #holdDisruptionReports(): void {
    const held = this.#held;
    if (held === undefined) return;
    for (const a of this.#actions) {
      if (!DISRUPTION_REASONS.has(a.fact.event.reason)) continue;
      const claim = this.#claims.get(a);
      if (claim !== undefined) {
        if (a.fact.listed && claim.of.history !== true) {
          held.resumed ??= new Set();
          held.resumed.add(actionSpanIdOf(a.fact));
        }
        continue;
      }
      const until = a.start + DISRUPTION_LEAD_MS;
      if (until <= held.at) continue;
      const uid = a.fact.event.involved.uid;
      if (!this.#graph.isLive(uid) || this.#graph.peek(uid)?.deletionTimestamp !== undefined) continue;
      const m = this.#group.members.get(uid);
      if (m !== undefined && (m.deletedAt !== undefined || m.goingRv !== undefined)) continue;
      a.intent = NO_INTENT;
      if (held.until === undefined || until < held.until) held.until = until;
    }
  }

  /**
   * The actions that answer a change: a controller's create of a replacement
   * for a Pod deleted or evicted (the create on its owner nearest to the delete,
   * unless a scaling step of the owner came between), the create of a
   * ReplicaSet again after its delete, the create of the Pod placed on a
   * Node that joined, and the create of a scheduled run's Job. Changes in start order, each claiming one create.
   */
  #claimReplacements(): void {
    if (this.#changes.size === 0) return;
    this.#claimDisruptionReports();
    // Of changes at one time (the whole seconds of an initial list), the one written first.
    const members = this.#group.members;
    const writtenAt = (c: ChangeTrigger): number =>
      members.get(c.subject.uid)?.goingRv ?? Number.POSITIVE_INFINITY;
    const changes = [...this.#changes].sort(
      (a, b) =>
        a[1].start - b[1].start ||
        writtenAt(a[1]) - writtenAt(b[1]) ||
        (a[0].traceId < b[0].traceId ? -1 : 1),
    );
    for (const [intent, change] of changes) {
      const root = this.#roots.get(intent);
      if (root === undefined) continue;
      const c = change.changed;
      if (change.kind === 'join' || change.kind === 'run') {
        const create = closest(
          this.#targetsOf(c.kind, c.namespace, c.name),
          CREATE_VERBS,
          c.creationTimestamp ?? change.start,
          MATCH_WINDOW_MS,
        );
        if (create !== undefined && !this.#claims.has(create)) this.#claims.set(create, root);
        continue;
      }
      if (c.kind !== 'Pod' || c.controllerUid === undefined) continue;
      const owner = this.#graph.peek(c.controllerUid);
      if (owner === undefined) continue;
      const gone = this.#group.members.get(c.uid)?.deletedAt ?? change.start;
      // Pods are one store: a Pod made after this one was deleted or evicted has a higher
      // resourceVersion, whatever time each watch delivered them at.
      const leaving = this.#group.members.get(c.uid);
      const goingRv = leaving?.goingRv;
      let best: ActionNode | undefined;
      let bestMade: number | undefined;
      for (const a of this.#actions) {
        if (a.fact.match?.verb !== 'create' || this.#claims.has(a)) continue;
        const inv = a.fact.event.involved;
        const same =
          inv.uid !== '' ? inv.uid === owner.uid : inv.kind === owner.kind && inv.name === owner.name;
        if (!same || a.involvedNamespace !== owner.namespace) continue;
        // A StatefulSet makes the Pod again under its name once it is gone; the others make one
        // of another name at once. Never before the delete: a create just before it (a scale-up
        // the delete interrupted) is not its replacement.
        const again = a.fact.match.actedOnName === c.name;
        if (again !== (owner.kind === 'StatefulSet')) continue;
        const anchor = again ? Math.max(gone, change.start) : change.start;
        const made = again || goingRv === undefined ? undefined : this.#addedRvOf(a);
        // Its create not on record (it came with the initial list): a state of it written before
        // the first write that showed this Pod leaving was made before, and replaces nothing (a
        // controller replaces a Pod once it is being deleted). Unless the list showed this Pod
        // being deleted already: its delete may then have been written before that state.
        if (
          !again &&
          made === undefined &&
          goingRv !== undefined &&
          leaving?.deletingWhenListed !== true &&
          (this.#writtenRvOf(a) ?? goingRv) < goingRv
        )
          continue;
        if (made !== undefined && goingRv !== undefined) {
          if (made < goingRv || a.start > anchor + MATCH_WINDOW_MS) continue;
        } else if (a.start < anchor || a.start > anchor + MATCH_WINDOW_MS) continue;
        // Its create and its Event before the list, as this Pod's delete request: only their
        // stamps order them, and only across seconds.
        else if (
          change.kind === 'delete' &&
          !again &&
          made === undefined &&
          a.fact.listed &&
          !this.#madeAfter(a, change.start)
        )
          continue;
        const first =
          made !== undefined && bestMade !== undefined ? made < bestMade : a.start < (best?.start ?? a.start);
        if (best === undefined || first) {
          best = a;
          bestMade = made;
        }
      }
      if (best === undefined) continue;
      const steps = this.#targetsOf(owner.kind, owner.namespace, owner.name);
      const stepBetween = steps?.some(
        (s) => s.fact.match?.verb === 'scale-up' && s.start > change.start && s.start <= best.start,
      );
      if (stepBetween !== true) this.#claims.set(best, root);
    }
    // A Pod deleted with no replacement was deleted by its controller (a scale-down
    // whose "Deleted pod" Event was folded away or lost): it is that intent's. Unless its
    // controller still asked for it when it went (no write lowered the replicas between its
    // create and its delete, by write order): then someone else deleted it, and nothing could
    // replace it (the namespace controller deletes a terminating namespace's Pods first).
    const answered = new Set(this.#claims.values());
    for (const [intent, change] of changes) {
      const root = this.#roots.get(intent);
      if (
        change.kind !== 'delete' ||
        change.subject.kind !== 'Pod' ||
        (root !== undefined && answered.has(root)) ||
        this.#stillWanted(change.subject)
      )
        continue;
      this.#changes.delete(intent);
      this.#changeRootBySubject.delete(change.subject.uid);
    }
  }

  /**
   * True when the ReplicaSet controlling Pod `p` asked for at least as many replicas at every
   * write from `p`'s create to its delete as at its create (see {@link replicasKeptBetween}).
   * For a Pod of the initial list, whose create is not on record: from the ReplicaSet's create
   * when the list shows it at generation 1 (its spec never written since: no scale-down asked
   * for fewer Pods, whatever its status counted and whenever this Pod's delete began); else,
   * for a Pod not being deleted then, from its listed write, when that one was settled (its
   * status had observed it and counted no more Pods than it asks for); a listed state that
   * was not may ask for fewer Pods than its controller has deleted so far: no say.
   */
  #stillWanted(p: ObjectProjection): boolean {
    const owner = p.controllerUid === undefined ? undefined : this.#group.members.get(p.controllerUid);
    const member = this.#group.members.get(p.uid);
    const listed = owner?.replicas?.listed;
    const fromList =
      member?.listed !== true || listed === undefined
        ? undefined
        : listed.generation === 1
          ? 0
          : member.deletingWhenListed !== true && listed.settled
            ? listed.rv
            : undefined;
    const from = member?.addedRv ?? fromList;
    if (owner?.replicas === undefined || from === undefined || member?.goingRv === undefined) return false;
    return replicasKeptBetween(owner.replicas, from, member.goingRv);
  }

  /** The resourceVersion of the state held of the live Pod a create action names: it was made by then. */
  #writtenRvOf(a: ActionNode): number | undefined {
    const name = a.fact.match?.actedOnName;
    if (name === undefined || a.fact.match?.actedOnKind !== 'Pod') return undefined;
    const uid = this.#graph.uidByName('Pod', a.involvedNamespace, name);
    return uid === undefined ? undefined : numericRv(this.#graph.peek(uid)?.resourceVersion);
  }

  /**
   * True when the Pod a create action names was created in a later second than `t` (a
   * delete request): the whole-second stamps of two writes order them across seconds only.
   */
  #madeAfter(a: ActionNode, t: number): boolean {
    const name = a.fact.match?.actedOnName;
    const uid = name === undefined ? undefined : this.#graph.uidByName('Pod', a.involvedNamespace, name);
    const created = uid === undefined ? undefined : this.#graph.peek(uid)?.creationTimestamp;
    return created !== undefined && secondOf(created) > secondOf(t);
  }

  /** The resourceVersion of the create of the Pod a create action names, when it was watched. */
  #addedRvOf(a: ActionNode): number | undefined {
    const name = a.fact.match?.actedOnName;
    if (name === undefined || a.fact.match?.actedOnKind !== 'Pod') return undefined;
    const uid = this.#graph.uidByName('Pod', a.involvedNamespace, name);
    const live = uid === undefined ? undefined : this.#group.members.get(uid)?.addedRv;
    if (live !== undefined) return live;
    // Deleted or evicted since (the name index holds live objects only): by the members' tombstones.
    if (this.#podsAdded === undefined) {
      this.#podsAdded = new Map();
      for (const [uid, member] of this.#group.members) {
        const p = member.addedRv === undefined ? undefined : this.#graph.peek(uid);
        if (p?.kind === 'Pod' && member.addedRv !== undefined)
          this.#podsAdded.set(`${p.namespace}/${p.name}`, member.addedRv);
      }
    }
    return this.#podsAdded.get(`${a.involvedNamespace}/${name}`);
  }

  #indexActions(): void {
    const inferred = this.#inferredSteps();
    for (const fact of inferred.length === 0
      ? this.#group.actions.values()
      : [...this.#group.actions.values(), ...inferred]) {
      const ev = fact.event;
      const ns = ev.involved.namespace === '' ? ev.namespace : ev.involved.namespace;
      const m = fact.match;
      const scaled = this.#scaledInWriteOrder(fact, ns);
      for (const part of this.#partsOf(fact, scaled)) {
        const node: ActionNode = {
          kind: 'action',
          fact,
          start: part.start,
          startRv: undefined,
          lastTime: part.lastTime,
          count: part.count,
          partFrom: part.from,
          involvedNamespace: ns,
          parent: undefined,
          inferred: false,
          intent: undefined,
          spanId: '',
        };
        this.#actions.push(node);
        if (inferred.length > 0 && inferred.includes(fact)) this.#inferred.add(node);
        if (part.root !== undefined) this.#rootByOrder.set(node, part.root);
        const writes = scaled === undefined ? undefined : this.#writesOfPart(fact, scaled, part);
        const head = writes?.[0];
        if (writes !== undefined && head !== undefined) {
          this.#scaledOf.set(
            node,
            writes.map((w) => w.uid),
          );
          const again = this.#recreateRootByWrite(head);
          const byWrite = again === undefined ? this.#rootByWriteRv(head.rv) : undefined;
          if (again !== undefined) this.#claims.set(node, again);
          else if (byWrite !== undefined && part.root === undefined) this.#rootByOrder.set(node, byWrite);
        }
        if (part.made !== undefined) {
          this.#madeOf.set(node, part.made);
          for (const uid of part.made) this.#madeBy.set(uid, node);
        }
        if (m?.actedOnName !== undefined) {
          this.#addTarget(m.actedOnKind, ns, m.actedOnName, node);
          if (CREATE_VERBS.includes(m.verb) && head === undefined) {
            const again = this.#recreateRootAt(m.actedOnKind, ns, m.actedOnName, part.start);
            if (again !== undefined) this.#claims.set(node, again);
          }
        }
      }
    }
    for (const namespaces of this.#byTarget.values()) {
      for (const names of namespaces.values()) for (const list of names.values()) list.sort(compareActions);
    }
    // Deterministic iteration whatever the insertion order.
    this.#actions.sort(compareActions);
  }

  /**
   * After a restart, the occurrence just before a listed occurrence of a
   * Deployment's combined scaling Event, whose note the list no longer shows:
   * the step that asked another of its ReplicaSets for the replicas the list
   * shows it at. A rolling update alternates: it scales its new ReplicaSet up as
   * far as the surge allows, then old ones down as far as availability allows,
   * then the new one up again, each step one write and one occurrence, in
   * order. So an occurrence that scaled one ReplicaSet down (from its size to a
   * lower one, while the one scaled up is still short of the Deployment's
   * replicas) came right after that one's last scale-up, and one that scaled a
   * ReplicaSet up from a size above 0 came right after the last scale-down of
   * another. Which other ReplicaSet: the only one there is, or the one whose
   * listed state is its last spec write (its status had not observed it) and
   * was written after every other's listed state. The Pods that step made or
   * deleted after the restart hang under it (hash(event uid, count)), as a live
   * run hangs them. Nothing when that is not settled, or the occurrence is held.
   */
  #inferredSteps(): ActionFact[] {
    const group = this.#group;
    if (group.root.kind !== 'Deployment') return [];
    const out: ActionFact[] = [];
    for (const f of group.actions.values()) {
      const ev = f.event;
      const m = f.match;
      const n = ev.occurrence;
      if (!f.listed || n === undefined || n < 2 || m?.actedOnKind !== 'ReplicaSet') continue;
      if ((m.verb !== 'scale-up' && m.verb !== 'scale-down') || m.actedOnName === undefined) continue;
      if (group.actions.has(`${ev.uid}/${n - 1}`)) continue;
      const sizes = stepSizes(ev.message);
      // A scale-up from 0 is a new ReplicaSet's first: the step before it may be anything.
      if (sizes === undefined || sizes.from === 0 || sizes.from === sizes.to) continue;
      const up = sizes.to > sizes.from;
      const ns = ev.involved.namespace === '' ? ev.namespace : ev.involved.namespace;
      const written = numericRv(ev.resourceVersion);
      if (written === undefined) continue;
      const other = this.#lastOtherStep(ns, m.actedOnName, up, written);
      if (other === undefined) continue;
      // Its listed write came before the occurrence's: the replicas that step asked for. Else
      // it was written again since (a step whose occurrence came after the list): unknown.
      const before = other.write.rv < written;
      const at =
        before && other.write.at !== undefined && other.write.at < f.start ? other.write.at : f.start;
      const verb: ActionVerb = up ? 'scale-down' : 'scale-up';
      const message = `Scaled ${up ? 'down' : 'up'} replica set ${other.name}${before ? ` to ${other.write.replicas}` : ''}`;
      out.push({
        event: {
          ...ev,
          // Written after every Event the recorder wrote before it, and before the listed
          // occurrence: its write order among the reporter's Events (see writeOrderOf).
          resourceVersion: String(written - 1),
          note: message,
          message,
          occurrence: n - 1,
          firstTime: at,
          lastTime: at,
          exactFirstTime: false,
          count: n - 1,
        },
        match: { ...m, verb, actedOnName: other.name },
        start: at,
        lastTime: at,
        count: n - 1,
        minCount: n - 1,
        occurrences: undefined,
        spanId: undefined,
        listed: true,
      });
    }
    return out;
  }

  /**
   * The ReplicaSet of the root, other than the one named `not`, whose last
   * spec write (as listed) came right before a step of `not` (see
   * {@link #inferredSteps}): scaled down when that step was a scale-up, else up.
   */
  #lastOtherStep(
    ns: string,
    not: string,
    up: boolean,
    written: number,
  ): { readonly name: string; readonly write: ListedWrite } | undefined {
    const group = this.#group;
    const desired = group.root.status.specReplicas;
    const found: { name: string; write: ListedWrite }[] = [];
    const seen = new Set<string>();
    const consider = (uid: string | undefined): void => {
      if (uid === undefined || seen.has(uid)) return;
      seen.add(uid);
      const p = this.#graph.peek(uid);
      if (p?.kind !== 'ReplicaSet' || p.namespace !== ns || p.name === not) return;
      if (p.controllerUid !== group.rootUid) return;
      const member = group.members.get(uid);
      let write: ListedWrite | undefined;
      if (member !== undefined) write = member.replicas?.listed;
      else {
        // No delta since the list: the graph holds the listed state.
        const rv = numericRv(p.resourceVersion);
        const replicas = p.status.specReplicas;
        if (rv !== undefined && replicas !== undefined) write = listedWriteOf(p, rv, replicas);
      }
      if (write !== undefined) found.push({ name: p.name, write });
    };
    for (const uid of group.members.keys()) consider(uid);
    for (const f of group.actions.values()) {
      const m = f.match;
      if (m?.actedOnKind === 'ReplicaSet' && m.actedOnName !== undefined)
        consider(this.#graph.uidByName('ReplicaSet', ns, m.actedOnName));
    }
    let last: { name: string; write: ListedWrite } | undefined;
    if (found.length === 1) last = found[0];
    // Of several, each listed before the occurrence was written (else it may have been
    // written after the step, and what it was before is not shown).
    else if (found.every((o) => o.write.rv < written)) {
      for (const c of found) {
        if (!c.write.specWrite) continue;
        if (found.every((o) => o === c || o.write.rv < c.write.rv)) last = c;
      }
    }
    if (last === undefined) return undefined;
    const w = last.write;
    if (up) return (w.generation ?? 1) > 1 ? last : undefined;
    // Scaled up before a scale-down: still short of the Deployment's replicas, or the
    // scale-down may have been one of several in a row once it was not.
    return w.replicas > 0 && desired !== undefined && w.replicas < desired ? last : undefined;
  }

  #addTarget(kind: string, namespace: string, name: string, node: ActionNode): void {
    let namespaces = this.#byTarget.get(kind);
    if (namespaces === undefined) {
      namespaces = new Map();
      this.#byTarget.set(kind, namespaces);
    }
    let names = namespaces.get(namespace);
    if (names === undefined) {
      names = new Map();
      namespaces.set(namespace, names);
    }
    const list = names.get(name);
    if (list === undefined) names.set(name, [node]);
    else list.push(node);
  }

  /** The actions that act on the object of this kind, namespace and name, ordered by compareActions. */
  #targetsOf(kind: string, namespace: string, name: string): readonly ActionNode[] | undefined {
    return this.#byTarget.get(kind)?.get(namespace)?.get(name);
  }

  /** The actions that act on the object an action's Event is about. */
  #involvedTargets(a: ActionNode): readonly ActionNode[] | undefined {
    const involved = a.fact.event.involved;
    return this.#targetsOf(involved.kind, a.involvedNamespace, involved.name);
  }

  /**
   * An Event that acts on a named object again and again (a StatefulSet's
   * "create Pod db-1" each time db-1 is re-created) acts anew each time: its
   * occurrences after a later intent started are that intent's, as a span of
   * their own. Observations (BackOff, Pulling) stay one span.
   */
  #partsOf(fact: ActionFact, scaled: readonly StepWrite[] | undefined): ActionPart[] {
    const all: ActionPart = { start: fact.start, lastTime: fact.lastTime, count: fact.count, from: 0 };
    const whole = [all];
    const occ = fact.occurrences;
    const m = fact.match;
    if (
      occ === undefined ||
      occ.length < 2 ||
      m === undefined ||
      m.actedOnName === undefined ||
      m.verb === 'observe'
    )
      return whole;
    const ns = fact.event.involved.namespace === '' ? fact.event.namespace : fact.event.involved.namespace;
    const afterList = fact.listed && m.verb === 'create' ? this.#madeAfterList(fact, occ, ns) : undefined;
    if (afterList !== undefined) return afterList;
    if (this.#group.intents.length < 2) return whole;
    const creates = CREATE_VERBS.includes(m.verb);
    const made = creates ? this.#madeInWriteOrder(fact, occ, ns) : undefined;
    const ownerAt = (k: number, t: number): RootNode => {
      // A scaling step's occurrence by the write it reports (see #scaledInWriteOrder), else by time.
      const w = scaled?.[(occ[k]?.count ?? 0) - 1];
      if (w !== undefined)
        return this.#recreateRootByWrite(w) ?? this.#rootByWriteRv(w.rv) ?? this.#rootAt(t);
      return (
        (creates ? this.#recreateRootAt(m.actedOnKind, ns, m.actedOnName ?? '', t) : undefined) ??
        made?.[k]?.root ??
        this.#rootAt(t)
      );
    };
    const parts: ActionPart[] = [];
    let first = 0;
    for (let k = 1; k <= occ.length; k++) {
      const head = occ[first];
      const o = occ[k];
      if (head === undefined) break;
      if (o !== undefined && ownerAt(k, o.time) === ownerAt(first, head.time)) continue;
      let last = head.time;
      let count = head.count;
      for (let j = first; j < k; j++) {
        const x = occ[j];
        if (x === undefined) continue;
        if (x.time > last) last = x.time;
        count = x.count;
      }
      parts.push({
        start: head.time,
        lastTime: last,
        count,
        from: parts.length === 0 ? 0 : head.count,
        root: made?.[first]?.root,
        made: made?.slice(first, k).map((x) => x.uid),
      });
      first = k;
    }
    if (parts.length <= 1) return [{ ...all, root: made?.[0]?.root, made: made?.map((x) => x.uid) }];
    const head = parts[0];
    if (head !== undefined) head.start = fact.start;
    return parts;
  }

  /**
   * After a restart, the parts of a listed repeated create of one named Pod (a
   * StatefulSet's "create Pod db-1", listed with count c, the occurrences up to
   * c exported by the instance before): which later occurrence is a span of its
   * own (the occurrence of a later intent, hash(event uid, count)) and which Pod
   * each made. An occurrence after the list was written after it, and so was
   * every Pod of that name made after the list (watched from its ADDED): when
   * there are as many of each, the k-th such occurrence made the k-th such Pod,
   * in resourceVersion order, and is the intent's in force at that Pod's create,
   * as live (see {@link #rootByWriteRv}). Occurrence c + 1 then begins a part of
   * its own when its intent began after the list, or when the Pod of that name
   * the list shows (occurrence c's) was made before the listed generation (see
   * {@link #listedPodBefore}). Undefined otherwise, for time to decide as
   * before: the list does not show which intent occurrence c was when its Pod is
   * gone by then, or when the listed Pod's revision does not settle it.
   */
  #madeAfterList(fact: ActionFact, occ: readonly Occurrence[], ns: string): ActionPart[] | undefined {
    const m = fact.match;
    const owner = this.#group.root;
    if (m?.actedOnName === undefined || m.actedOnKind !== 'Pod' || owner.kind !== 'StatefulSet')
      return undefined;
    const name = m.actedOnName;
    if (!isAbout(fact.event.involved, owner)) return undefined;
    if (occ[0]?.count !== fact.minCount) return undefined;
    for (let k = 1; k < occ.length; k++) {
      if ((occ[k]?.count ?? 0) !== (occ[k - 1]?.count ?? 0) + 1) return undefined;
    }
    // The Pods of that name: the one listed (held since the list, with or without a delta since,
    // made by occurrence c), and those made after the list.
    let listedPod: string | undefined;
    const after: { uid: string; rv: number }[] = [];
    const consider = (uid: string): boolean => {
      const p = this.#graph.peek(uid);
      if (p?.kind !== 'Pod' || p.name !== name || p.namespace !== ns || p.controllerUid !== owner.uid)
        return true;
      const member = this.#group.members.get(uid);
      if (member === undefined || member.listed) {
        if (listedPod !== undefined && listedPod !== uid) return false;
        listedPod = uid;
      } else if (member.addedRv !== undefined) after.push({ uid, rv: member.addedRv });
      else return false;
      return true;
    };
    for (const uid of this.#group.members.keys()) if (!consider(uid)) return undefined;
    const current = this.#graph.uidByName('Pod', ns, name);
    if (current !== undefined && !this.#group.members.has(current) && !consider(current)) return undefined;
    if (after.length === 0 || after.length !== occ.length - 1) return undefined;
    after.sort((a, b) => a.rv - b.rv);
    const owners: RootNode[] = [];
    for (const [k, a] of after.entries()) {
      const root =
        this.#recreateRootAt('Pod', ns, name, occ[k + 1]?.time ?? fact.lastTime) ?? this.#rootByWriteRv(a.rv);
      if (root === undefined) return undefined;
      owners.push(root);
    }
    const next = owners[0];
    if (next === undefined) return undefined;
    if (
      next.of.history === true &&
      (listedPod === undefined || !this.#listedPodBefore(listedPod, next)) &&
      !this.#deletedAfterListed(fact, name)
    )
      return undefined;
    const head = occ[0];
    if (head === undefined) return undefined;
    const parts: ActionPart[] = [
      {
        start: fact.start,
        lastTime: head.time,
        count: head.count,
        from: 0,
        made: listedPod === undefined ? undefined : [listedPod],
      },
    ];
    let from = 0;
    while (from < owners.length) {
      let end = from + 1;
      while (end < owners.length && owners[end] === owners[from]) end++;
      let last = Number.NEGATIVE_INFINITY;
      for (let j = from; j < end; j++) last = Math.max(last, occ[j + 1]?.time ?? last);
      parts.push({
        start: occ[from + 1]?.time ?? fact.lastTime,
        lastTime: last,
        count: occ[end]?.count ?? fact.count,
        from: occ[from + 1]?.count ?? 0,
        root: owners[from],
        made: after.slice(from, end).map((a) => a.uid),
      });
      from = end;
    }
    return parts;
  }

  /**
   * True when the list shows that the StatefulSet at the root deleted the Pod its
   * listed occurrence of "create Pod NAME" (`fact`) made: a listed "delete Pod
   * NAME" of that StatefulSet was written after that occurrence (their listed
   * resourceVersions: one etcd orders every write, and the controller's recorder
   * writes its Events one at a time, in the order of the requests they report),
   * and no listed report says it recreated that Pod as failed or terminated. Within
   * one generation its controller deletes a Pod it made for nothing else: a Pod
   * made at the generation's update revision is not updated again, and a scale-down
   * is a generation of its own. The listed occurrence was thus an intent's before
   * the listed generation, whose writes come after the list's (a controller that
   * made that Pod from a stale copy of the StatefulSet, in the moment after the
   * generation's write, then updates it: the live run has it the generation's).
   */
  #deletedAfterListed(fact: ActionFact, name: string): boolean {
    const created = this.#listed.eventRv(fact.event.uid);
    if (created === undefined) return false;
    const owner = this.#group.root;
    let deleted = false;
    for (const a of this.#group.actions.values()) {
      if (!a.listed || !isAbout(a.event.involved, owner)) continue;
      if (a.event.reason.startsWith('Recreating') && a.event.message.endsWith(` Pod ${name}`)) return false;
      const m = a.match;
      if (m?.verb !== 'delete' || m.actedOnKind !== 'Pod' || m.actedOnName !== name) continue;
      const rv = this.#listed.eventRv(a.event.uid);
      if (rv !== undefined && rv > created) deleted = true;
    }
    return deleted;
  }

  /**
   * True when a StatefulSet's Pod of the initial list was made before the
   * listed generation (`listed`, the intent the list showed it at): its
   * revision (its `controller-revision-hash`) is not the update revision of
   * that generation (from its status once it observed it), at an ordinal at or
   * above the partition, where its controller makes every Pod at that revision.
   * A controller that made it from a stale copy of the StatefulSet, in the
   * moment after the generation's write, made it at the earlier revision after
   * that write: the live run, which orders by writes, has it the generation's.
   */
  #listedPodBefore(uid: string, listed: RootNode): boolean {
    const owner = this.#group.root;
    const set = this.#listed.statefulSet(owner.uid);
    const revision = this.#listed.podRevision(uid);
    const p = this.#graph.peek(uid);
    if (set === undefined || revision === undefined || p === undefined || listed.of.key !== set.generation)
      return false;
    const update =
      set.updateRevision ??
      (owner.generation === set.generation && owner.observedGeneration === set.generation
        ? owner.status.updateRevision
        : undefined);
    const ordinal = ordinalOf(p.name, owner.name);
    return (
      update !== undefined &&
      revision !== update &&
      set.updateFrom !== undefined &&
      ordinal !== undefined &&
      ordinal >= set.updateFrom
    );
  }

  /**
   * The spec intent of each occurrence of a repeated create of one named Pod (a
   * StatefulSet's "create Pod db-1", once per re-create), by the order of the
   * writes rather than by clocks: the k-th occurrence made the k-th Pod of that
   * name the root owns, and the intent in force at that Pod's create
   * (its `addedRv`) is the one whose first write came last before it (see
   * {@link #rootByWriteRv}). Its occurrences' times, refined by deltas each watch
   * delivered late by its own lag, all fall in a second or two and do not order
   * them against the root's spec writes. This compares a Pod's resourceVersion
   * with the root's: resourceVersion is opaque by the API contract, but every
   * object of a cluster is written to one etcd, whose revision orders all of
   * them; a value that is not a decimal integer leaves time to decide. Undefined
   * unless every occurrence (consecutive counts) has its Pod, watched from its
   * create.
   */
  #madeInWriteOrder(
    fact: ActionFact,
    occ: readonly Occurrence[],
    ns: string,
  ): readonly { readonly uid: string; readonly root: RootNode | undefined }[] | undefined {
    const m = fact.match;
    if (m?.actedOnName === undefined || m.actedOnKind !== 'Pod') return undefined;
    const owner = this.#group.root;
    if (!isAbout(fact.event.involved, owner)) return undefined;
    const made: { uid: string; rv: number }[] = [];
    for (const [uid, member] of this.#group.members) {
      const p = this.#graph.peek(uid);
      if (p?.kind !== 'Pod' || p.name !== m.actedOnName || p.namespace !== ns) continue;
      if (p.controllerUid !== owner.uid) continue;
      if (member.addedRv === undefined) return undefined;
      made.push({ uid, rv: member.addedRv });
    }
    if (made.length !== occ.length) return undefined;
    for (let k = 1; k < occ.length; k++) {
      if ((occ[k]?.count ?? 0) !== (occ[k - 1]?.count ?? 0) + 1) return undefined;
    }
    made.sort((a, b) => a.rv - b.rv);
    return made.map((x) => ({ uid: x.uid, root: this.#rootByWriteRv(x.rv) }));
  }

  /**
   * The object of its name each occurrence of a scaling step scaled, by the
   * order of writes rather than by clocks, indexed by count − 1: a ReplicaSet
   * deleted and made again under its name is scaled up "from 0 to 2" twice, one
   * Event with count 2, both occurrences in the same second or two. Each write
   * that took an object of that name from the note's first size to its second
   * (see stepWrites) is one occurrence, in resourceVersion order. A combined
   * Event's occurrence (a fact of its own, its note its own) is the one such
   * write, if there is one. Undefined unless every occurrence has its write.
   */
  #scaledInWriteOrder(fact: ActionFact, ns: string): readonly StepWrite[] | undefined {
    const m = fact.match;
    if ((m?.verb !== 'scale-up' && m?.verb !== 'scale-down') || m.actedOnName === undefined) return undefined;
    const sizes = stepSizes(fact.event.message);
    if (sizes === undefined) return undefined;
    const writes: StepWrite[] = [];
    for (const [uid, member] of this.#group.members) {
      if (member.replicas === undefined) continue;
      const p = this.#graph.peek(uid);
      if (p?.kind !== m.actedOnKind || p.name !== m.actedOnName || p.namespace !== ns) continue;
      for (const w of stepWrites(member.replicas, member.addedRv, sizes.from, sizes.to))
        writes.push({ uid, rv: w.rv });
    }
    const expected = fact.event.occurrence !== undefined ? 1 : fact.count;
    if (writes.length !== expected) return undefined;
    return writes.sort((a, b) => a.rv - b.rv);
  }

  /** The writes of `scaled` (see #scaledInWriteOrder) that the occurrences of `part` report. */
  #writesOfPart(fact: ActionFact, scaled: readonly StepWrite[], part: ActionPart): readonly StepWrite[] {
    if (fact.event.occurrence !== undefined) return scaled;
    const first = part.from === 0 ? Math.min(fact.minCount, part.count) : part.from;
    return scaled.slice(first - 1, part.count);
  }

  /**
   * The root of the change that a step's write re-creates, by the order of
   * writes: when the write is an object's create, the delete of another object
   * of its kind and name made before it (whose create has the lower
   * resourceVersion; a name is held by one object at a time). Undefined when
   * the write is no create (a later step of the object made again belongs to
   * its own intent), re-creates nothing, or its create was not watched.
   */
  #recreateRootByWrite(w: StepWrite): RootNode | undefined {
    const uid = w.uid;
    const x = this.#graph.peek(uid);
    const added = this.#group.members.get(uid)?.addedRv;
    if (x === undefined || added === undefined || added !== w.rv) return undefined;
    let found: RootNode | undefined;
    let foundRv = Number.NEGATIVE_INFINITY;
    for (const [intent, change] of this.#changes) {
      const s = change.subject;
      if (change.kind !== 'delete' || s.uid === uid || s.kind !== x.kind || s.name !== x.name) continue;
      if (s.namespace !== x.namespace) continue;
      const before = this.#group.members.get(s.uid)?.addedRv;
      if (before === undefined || before > added || before < foundRv) continue;
      found = this.#roots.get(intent);
      foundRv = before;
    }
    return found;
  }

  #computeHorizon(): number {
    let earliest = Number.POSITIVE_INFINITY;
    // Lazy intents (opened from their consequences) may date from long ago: they do not widen the horizon.
    for (const i of this.#group.intents) {
      if (!i.lazy && i.start !== undefined && i.start < earliest) earliest = i.start;
    }
    for (const a of this.#actions) if (a.start < earliest) earliest = a.start;
    const retired = this.#group.retired?.earliestStart;
    if (retired !== undefined && retired < earliest) earliest = retired;
    return earliest === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : earliest - HORIZON_SLACK_MS;
  }

  /**
   * The earliest spec intent is an update found in the initial list: the intents before it
   * (the Create, earlier generations) were the instance before's, and are not here.
   */
  get #listedUpdate(): boolean {
    const first = this.#specIntents[0];
    return first?.history === true && first.operation === 'Update' && first.start !== undefined;
  }

  /**
   * The spec intent in force at `t`, as {@link #rootAt}, except before the start of a
   * listed update that is the earliest (see {@link #listedUpdate}): an intent before
   * it, not here, was in force then (undefined).
   */
  #eraAt(t: number): RootNode | undefined {
    const first = this.#specIntents[0];
    if (this.#listedUpdate && first?.start !== undefined && t < first.start) return undefined;
    return this.#rootAt(t);
  }

  /** The root node of the spec intent in force at `t`: the latest one started by then, else the earliest. */
  #rootAt(t: number): RootNode {
    const intents = this.#specIntents;
    if (intents.length === 0) return this.#noRoot;
    let chosen = intents[0];
    for (const i of intents) if ((i.start ?? Number.NEGATIVE_INFINITY) <= t) chosen = i;
    const node = chosen === undefined ? undefined : this.#roots.get(chosen);
    if (node === undefined) throw new Error('root group without intents');
    return node;
  }

  /**
   * The root node of the intent an Event about the root object follows, by the
   * order of the root's writes rather than by clocks: the Event names the
   * root's resourceVersion its reporter acted on, and each intent the lowest
   * one that showed it. The latest spec intent shown at or before that write;
   * the earliest when none was. Undefined when the Event names no numeric
   * resourceVersion, or when an intent that has none (it was opened from its
   * consequences) may be the answer (see {@link #rootByWriteRv}): then time decides.
   */
  #rootByWrite(resourceVersion: string | undefined): RootNode | undefined {
    const rv = numericRv(resourceVersion);
    return rv === undefined ? undefined : this.#rootByWriteRv(rv);
  }

  /** {@link #rootByWrite} of a numeric resourceVersion. */
  #rootByWriteRv(rv: number): RootNode | undefined {
    let chosen: TracedIntent | undefined;
    let earliest: TracedIntent | undefined;
    for (const i of this.#specIntents) {
      const first = i.firstRv;
      if (first === undefined) return this.#rootByWriteRvOrdered(rv);
      if (earliest === undefined || first < (earliest.firstRv ?? first)) earliest = i;
      if (first <= rv && (chosen === undefined || first > (chosen.firstRv ?? first))) chosen = i;
    }
    const intent = chosen ?? earliest;
    return intent === undefined ? undefined : this.#roots.get(intent);
  }

  /**
   * {@link #rootByWriteRv} when some intent was opened from its consequences (or
   * rebuilt from the initial list) and has no resourceVersion of its own: the
   * root's spec writes come in the order of their generations (the delete after
   * them all), so such an intent was shown after every intent of a lower
   * generation and before every one of a higher. The answer is the latest intent
   * shown at or before `rv` (the earliest when none was) when no intent without a
   * resourceVersion comes right after it (or first of all): that one may have been
   * shown at or before `rv` too. Undefined otherwise: time decides.
   */
  #rootByWriteRvOrdered(rv: number): RootNode | undefined {
    const ordered: { readonly intent: TracedIntent; readonly order: number }[] = [];
    for (const intent of this.#specIntents) {
      const order = intentOrderOf(intent.key);
      if (order === undefined) return undefined;
      ordered.push({ intent, order });
    }
    ordered.sort((a, b) => a.order - b.order);
    let chosen = -1;
    let lastFirst = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < ordered.length; k++) {
      const first = ordered[k]?.intent.firstRv;
      if (first === undefined) continue;
      // Resource versions that contradict the generations' order settle nothing.
      if (first < lastFirst) return undefined;
      lastFirst = first;
      if (first <= rv) chosen = k;
    }
    // The intents without a resourceVersion right after the chosen one (or first of all) may have been
    // shown at or before `rv` too: an intent's lowest resourceVersion seen may be after its first write.
    let unknown = 0;
    for (let k = chosen + 1; k < ordered.length && ordered[k]?.intent.firstRv === undefined; k++) unknown++;
    const intent = unknown === 0 ? ordered[Math.max(chosen, 0)]?.intent : undefined;
    return intent === undefined ? undefined : this.#roots.get(intent);
  }

  #isRoot(ref: ObjectRef, ns: string): boolean {
    const root = this.#group.root;
    if (ref.uid !== '') return ref.uid === root.uid;
    return ref.kind === root.kind && ns === root.namespace && ref.name === root.name;
  }

  #decideActionParent(a: ActionNode): void {
    const ev = a.fact.event;
    const t = a.start;
    const m = a.fact.match;
    const claim = this.#claims.get(a);
    if (claim !== undefined) {
      a.parent = claim;
      return;
    }
    // An observation about another object (SawCompletedJob) sits with that object.
    if (m?.verb === 'observe' && m.actedOnName !== undefined) {
      const uid = this.#graph.uidByName(m.actedOnKind, a.involvedNamespace, m.actedOnName);
      const life = uid === undefined ? null : this.#lifecycleNode(uid);
      if (life !== null) {
        a.parent = life;
        return;
      }
    }
    if (this.#isRoot(ev.involved, a.involvedNamespace)) {
      // A repeated or combined Event names the resourceVersion of one occurrence only.
      const single = a.fact.count === 1 && a.fact.occurrences === undefined && ev.occurrence === undefined;
      const spec =
        (single ? this.#rootByWrite(ev.involved.resourceVersion) : undefined) ??
        this.#rootByOrder.get(a) ??
        this.#rootAt(t);
      a.parent = (this.#runs.length === 0 ? undefined : this.#runAt(t, spec)) ?? spec;
      return;
    }
    const x = ev.involved.uid === '' ? undefined : this.#graph.peek(ev.involved.uid);
    if (m?.verb === 'delete') {
      // Only an action on the involved object itself (the kubelet's Killing) is part of its
      // termination; a ReplicaSet's "Deleted pod" is not part of the ReplicaSet's.
      const term = x === undefined || m.actedOnName !== undefined ? null : this.#terminationNode(x.uid);
      const del = term ?? closest(this.#involvedTargets(a), DELETE_VERBS, t, MATCH_WINDOW_MS, a);
      if (del !== undefined) {
        a.parent = del;
        return;
      }
    }
    const direct = this.#objectParent(this.#involvedTargets(a), x, t, a, m?.verb);
    if (direct !== undefined) {
      a.parent = direct;
      return;
    }
    a.parent = x === undefined ? this.#rootAt(t) : this.#ownerParent(x, t, 0);
    a.inferred = true;
  }

  /**
   * The span an object "belongs to" at time t: the latest action on it by then,
   * unless that is the action that created it, in which case its lifecycle span.
   * An action of a verb with causes (a create, a delete) whose cause is not on
   * record, at a time a later intent is in force than that of everything on
   * record for the object, belongs to none of them: client-go drops a
   * controller's Events beyond a burst of 25 per object, so a later rollout's
   * scale-down can be missing, and its "Deleted pod" is no consequence of the
   * earlier rollout's last step. Undefined then: the caller goes up the owner chain.
   */
  #objectParent(
    list: readonly ActionNode[] | undefined,
    x: ObjectProjection | undefined,
    t: number,
    exclude?: ActionNode,
    verb?: ActionVerb,
  ): TreeNode | undefined {
    if (x !== undefined) list = this.#notBeforeIncarnation(this.#aboutIncarnation(list, x.uid), x.uid);
    const causes = verb === undefined ? undefined : CAUSES[verb];
    const cause =
      causes === undefined
        ? undefined
        : causeOf(this.#stepsAnswered(list, causes, x, exclude) ?? list, causes, t, exclude);
    const latest = cause ?? latestBefore(list, t, exclude);
    const life = x === undefined ? null : this.#lifecycleNode(x.uid);
    if (
      causes !== undefined &&
      cause === undefined &&
      (this.#group.intents.length > 1 || this.#listedUpdate)
    ) {
      const now = this.#eraAt(t);
      const before = latest ?? (life === null ? undefined : life);
      if (before !== undefined && this.#eraAt(before.start) !== now) {
        if (life === null || this.#eraAt(life.start) !== now) return undefined;
      }
    }
    if (life === null) return latest;
    if (latest === undefined || latest === life.action) return life;
    // Before the object was made, unless after the action that made it: that Event and this one are
    // ordered by their writes, while the object's time and theirs depend on how late each watch delivered.
    if (latest.start < life.start && (life.action === undefined || !writtenBefore(life.action, latest))) {
      return life;
    }
    return latest;
  }

  /**
   * The actions of `list` that may be about the object of this uid: not a part of a
   * repeated create known to have made another object of its name (an earlier or
   * later incarnation, see #madeInWriteOrder).
   */
  #aboutIncarnation(list: readonly ActionNode[] | undefined, uid: string): readonly ActionNode[] | undefined {
    if (list === undefined || (this.#madeOf.size === 0 && this.#scaledOf.size === 0)) return list;
    const other = (a: ActionNode): boolean =>
      this.#madeOf.get(a)?.includes(uid) === false || this.#scaledOf.get(a)?.includes(uid) === false;
    return list.some(other) ? list.filter((a) => !other(a)) : list;
  }

  /**
   * The actions of `list` that may be about the object of this uid by write order: not a
   * delete whose Event was written before the object was made (a StatefulSet's "Delete
   * Pod db-1" before it made the next db-1, in the same second).
   */
  #notBeforeIncarnation(
    list: readonly ActionNode[] | undefined,
    uid: string,
  ): readonly ActionNode[] | undefined {
    const member = this.#group.members.get(uid);
    const added = member?.addedRv;
    // Listed and not being deleted then (with no delta since, as the graph holds it): a delete
    // whose Event the list shows (its part up to the list) was of an earlier object of its name.
    const listedWhole =
      member === undefined
        ? this.#graph.peek(uid)?.deletionTimestamp === undefined
        : member.listed && !member.deletingWhenListed;
    if (list === undefined || (added === undefined && !listedWhole)) return list;
    const earlier = (a: ActionNode): boolean => {
      const verb = a.fact.match?.verb;
      if (verb === undefined || !DELETE_VERBS.includes(verb)) return false;
      if (listedWhole && a.fact.listed && a.partFrom === 0) return true;
      const written = writeOrderOf(a);
      return added !== undefined && written !== undefined && written < added;
    };
    return list.some(earlier) ? list.filter((a) => !earlier(a)) : list;
  }

  /**
   * The scaling steps of `list` that the action `a` about `x` (a ReplicaSet's
   * create or delete of a Pod) answered: those asking for the replicas `x` asked
   * for at the write the action's Event names. Undefined when that is not known
   * (a repeated Event names one occurrence's write, an older or newer write than
   * those recorded, no step asking for them; a combined Event names the write of the first
   * Event it combined): then time decides among all of `list`.
   */
  #stepsAnswered(
    list: readonly ActionNode[] | undefined,
    causes: readonly ActionVerb[],
    x: ObjectProjection | undefined,
    a: ActionNode | undefined,
  ): readonly ActionNode[] | undefined {
    if (list === undefined || x === undefined || a === undefined) return undefined;
    // A combined Event keeps the object reference of the first Event it combined.
    const f = a.fact;
    if (f.count !== 1 || f.occurrences !== undefined || f.event.occurrence !== undefined) return undefined;
    const rv = numericRv(a.fact.event.involved.resourceVersion);
    if (rv === undefined) return undefined;
    const replicas = replicasAt(this.#group.members.get(x.uid)?.replicas, rv);
    if (replicas === undefined) return undefined;
    const steps = list.filter((s) => {
      const verb = s.fact.match?.verb;
      return (
        (verb === 'scale-up' || verb === 'scale-down') &&
        causes.includes(verb) &&
        stepTarget(s.fact.event.message) === replicas
      );
    });
    return steps.length === 0 ? undefined : steps;
  }

  /** Up the owner chain to the first owner with a span at time t; the root when none has. */
  #ownerParent(p: ObjectProjection, t: number, depth: number): TreeNode {
    const ownerUid = p.controllerUid;
    if (ownerUid === undefined || ownerUid === this.#group.rootUid || depth > MAX_PARENT_DEPTH) {
      return this.#rootAt(t);
    }
    const owner = this.#graph.peek(ownerUid);
    if (owner === undefined) return this.#rootAt(t);
    return (
      this.#objectParent(this.#targetsOf(owner.kind, owner.namespace, owner.name), owner, t) ??
      this.#ownerParent(owner, t, depth + 1)
    );
  }

  #lifecycleNode(uid: string): ObjectNode | null {
    const memo = this.#lifecycle.get(uid);
    if (memo !== undefined) return memo;
    this.#lifecycle.set(uid, null); // guards against owner cycles while deciding
    const p = this.#graph.peek(uid);
    if (p === undefined || uid === this.#group.rootUid || p.creationTimestamp === undefined) return null;
    const c = p.creationTimestamp;
    // Not an action known to have made or scaled another object of its name (by write order), nor a
    // step that scaled it from replicas it already had: after a restart the list may show "from 1 to 2"
    // in the second the ReplicaSet was made while its "from 0 to 1" is gone with the occurrences folded
    // into a combined Event.
    const targets = notResizes(this.#aboutIncarnation(this.#targetsOf(p.kind, p.namespace, p.name), uid));
    const create =
      this.#madeBy.get(uid) ??
      firstCreateFrom(targets, c, MATCH_WINDOW_MS) ??
      closest(targets, CREATE_VERBS, c, MATCH_WINDOW_MS);
    let parent: TreeNode;
    let inferred = false;
    const run =
      create === undefined && this.#runs.length > 0 ? this.#runs.find((r) => r.job === uid) : undefined;
    if (create !== undefined) parent = create;
    else if (run !== undefined) {
      // A run's Job whose "Created job" Event is not on record: the run made it.
      parent = run.root;
      inferred = true;
    } else if (c >= this.#horizon) {
      // Created during the traced period without a creating Event: a guess by owner and time.
      parent = this.#ownerParent(p, c, 0);
      inferred = true;
    } else return null;
    const node: ObjectNode = {
      kind: 'lifecycle',
      object: p,
      start: c,
      startRv: this.#group.members.get(uid)?.addedRv,
      deletedAt: undefined,
      action: create,
      parent,
      inferred,
      intent: undefined,
      spanId: '',
    };
    this.#lifecycle.set(uid, node);
    return node;
  }

  #terminationNode(uid: string): ObjectNode | null {
    const memo = this.#termination.get(uid);
    if (memo !== undefined) return memo;
    this.#termination.set(uid, null);
    const p = this.#graph.peek(uid);
    if (p === undefined || uid === this.#group.rootUid) return null;
    const member = this.#group.members.get(uid);
    const deletedAt = member?.deletedAt ?? this.#graph.tombstone(uid)?.deletedAt;
    const d = deletionRequestedAt(p) ?? deletedAt;
    if (d === undefined) return null;
    const changeRoot = this.#changeRootBySubject.get(uid);
    const del =
      changeRoot === undefined
        ? closest(this.#targetsOf(p.kind, p.namespace, p.name), DELETE_VERBS, d, MATCH_WINDOW_MS)
        : undefined;
    let parent: TreeNode;
    let inferred = false;
    if (changeRoot !== undefined) parent = changeRoot;
    else if (del !== undefined) parent = del;
    else if (member?.deletedAt !== undefined || d >= this.#horizon) {
      parent = this.#ownerTerminationParent(p, d, member?.goingRv, 0);
      inferred = true;
    } else return null;
    const node: ObjectNode = {
      kind: 'termination',
      object: p,
      start: d,
      startRv: member?.goingRv,
      deletedAt,
      action: del,
      parent,
      inferred,
      intent: undefined,
      spanId: '',
    };
    this.#termination.set(uid, node);
    return node;
  }

  /**
   * A delete with no Event (the garbage collector) hangs under its owner's
   * termination, else under what the owner was doing. At the root, the intent
   * is the one shown at or before the write that began the deletion
   * (`goingRv`), not the one whose start is before its time: a cascade's
   * deletes are all written after the root's delete request, within the same
   * second, and a lagged watch can deliver the request after them.
   */
  #ownerTerminationParent(
    p: ObjectProjection,
    t: number,
    goingRv: number | undefined,
    depth: number,
  ): TreeNode {
    const ownerUid = p.controllerUid;
    if (ownerUid === undefined || ownerUid === this.#group.rootUid || depth > MAX_PARENT_DEPTH) {
      return (goingRv === undefined ? undefined : this.#rootByWriteRv(goingRv)) ?? this.#rootAt(t);
    }
    const term = this.#terminationNode(ownerUid);
    if (term !== null) return term;
    const owner = this.#graph.peek(ownerUid);
    if (owner === undefined) return this.#rootAt(t);
    return (
      this.#objectParent(this.#targetsOf(owner.kind, owner.namespace, owner.name), owner, t) ??
      this.#ownerTerminationParent(owner, t, goingRv, depth + 1)
    );
  }

  /** Walks up to a root node; a loop or an absurd depth re-attaches the node to the root as inferred. */
  #resolveIntent(n: SpanNode): TracedIntent {
    if (n.intent !== undefined) return n.intent;
    const path: TreeNode[] = [];
    let cur: TreeNode | undefined = n;
    while (cur !== undefined && cur.intent === undefined) {
      if (path.length > MAX_PARENT_DEPTH || path.includes(cur)) {
        cur = undefined;
        break;
      }
      path.push(cur);
      cur = cur.parent;
    }
    if (cur?.intent === undefined) {
      const fallback = this.#rootAt(n.start);
      n.parent = fallback;
      n.inferred = true;
      n.intent = fallback.of;
      return fallback.of;
    }
    for (const p of path) p.intent = cur.intent;
    return cur.intent;
  }
}

/**
 * An Event is written after the change it reports, by an asynchronous
 * recorder, and a combined Event's later occurrences are stamped when the
 * recorder gets to them (seen up to 1.3 s after the Pod was created). The
 * object an action created or deleted carries the apiserver's own stamp of
 * that write (creationTimestamp, the delete request), refined by its first
 * sighting: the action's span starts there. Only for an action that made
 * exactly one of the objects (a StatefulSet's repeated "create Pod db-1" made
 * several, one per part), only earlier than its Event, and after the parents
 * are decided, so placement still follows the Events.
 */
function timeFromSubjects(objects: Iterable<ObjectNode | null>, verbs: readonly ActionVerb[]): void {
  const made = new Map<ActionNode, ObjectNode | null>();
  for (const n of objects) {
    const a = n?.action;
    if (n === null || n === undefined || a === undefined) continue;
    const verb = a.fact.match?.verb;
    if (verb === undefined || !verbs.includes(verb)) continue;
    made.set(a, made.has(a) ? null : n);
  }
  for (const [a, n] of made) {
    if (n === null || n.start >= a.start) continue;
    if (a.lastTime === a.start) a.lastTime = n.start;
    a.start = n.start;
    a.startRv = n.startRv;
  }
}

/**
 * The order in which an action's Event was written, among all Events (one
 * store): its numeric resourceVersion. Only for an Event written once for this
 * action (a single occurrence, or one occurrence of a combined Event); a
 * repeated Event's names its latest write, not its first. Two Events stamped in
 * the same second and observed late both refine to its end: their times tie,
 * and the order of their writes says which came first. Only between Events of
 * one reporter (see {@link sameReporter}): each controller's recorder writes
 * its Events in the order it made them, but two recorders race, and an effect's
 * Event is often written before its cause's.
 */
function writeOrderOf(a: ActionNode): number | undefined {
  const f = a.fact;
  if (a.partFrom !== 0) return undefined;
  if (f.event.occurrence === undefined && (f.count !== 1 || f.occurrences !== undefined)) return undefined;
  return numericRv(f.event.resourceVersion);
}

/** The Events of `a` and `b` come from one controller instance's recorder. */
function sameReporter(a: ActionNode, b: ActionNode): boolean {
  const x = a.fact.event;
  const y = b.fact.event;
  return x.controller === y.controller && x.instance === y.instance;
}

/** True when `a`, at the same time as `ref`, was written after it; false when either has no write order. */
function writtenAfter(a: ActionNode, ref: ActionNode | undefined): boolean {
  if (ref === undefined || !sameReporter(a, ref)) return false;
  const x = writeOrderOf(a);
  const y = writeOrderOf(ref);
  return x !== undefined && y !== undefined && x > y;
}

/** True when `a` comes after time `t`, the start of `ref` when given: later, or at `t` and written after `ref`. */
function isAfter(a: ActionNode, t: number, ref: ActionNode | undefined): boolean {
  return a.start > t || (a.start === t && ref !== undefined && ref.start === t && writtenAfter(a, ref));
}

/**
 * The action that created an object made at `c`: the first create reported in
 * the second of its creationTimestamp or after it (within `window`), in the
 * order of the Events' writes within a second. A controller reports a create
 * after making it, so an Event stamped in that second or later and written
 * first is the create; its refined time, like the object's, depends on how
 * late each watch delivered, and a nearest-in-time match took the next scaling
 * step for the create when the object's delta came late. Undefined when one of
 * them has no write order of its own.
 */
function firstCreateFrom(
  list: readonly ActionNode[] | undefined,
  c: number,
  window: number,
): ActionNode | undefined {
  if (list === undefined) return undefined;
  const from = c - (c % 1000);
  let first: ActionNode | undefined;
  for (const a of list) {
    const verb = a.fact.match?.verb;
    if (verb === undefined || !CREATE_VERBS.includes(verb) || a.start < from || a.start > c + window)
      continue;
    // A repeated Event (a StatefulSet's create of a Pod made again under its name) has no write
    // order per occurrence: time decides.
    if (writeOrderOf(a) === undefined) return undefined;
    if (first === undefined || writtenBefore(a, first)) first = a;
  }
  return first;
}

/** True when `a` came before `b`: in an earlier second, or in the same second written first (else earlier). */
function writtenBefore(a: ActionNode, b: ActionNode): boolean {
  if (sameSecond(a.start, b.start) && sameReporter(a, b)) {
    const x = writeOrderOf(a);
    const y = writeOrderOf(b);
    if (x !== undefined && y !== undefined) return x < y;
  }
  return compareActions(a, b) < 0;
}

function compareActions(a: ActionNode, b: ActionNode): number {
  if (a.start !== b.start) return a.start - b.start;
  const ua = a.fact.event.uid;
  const ub = b.fact.event.uid;
  if (ua !== ub) return ua < ub ? -1 : 1;
  // Occurrences of one combined Event in the same millisecond: by count.
  const oa = a.fact.event.occurrence ?? 0;
  const ob = b.fact.event.occurrence ?? 0;
  return oa !== ob ? oa - ob : a.partFrom - b.partFrom;
}

/** The action span id of a fact's Event (or of its occurrence, for a combined Event), hashed once per fact. */
function actionSpanIdOf(fact: ActionFact): string {
  let id = fact.spanId;
  if (id === undefined) {
    const ev = fact.event;
    id = ev.occurrence === undefined ? eventSpanIdOf(ev.uid) : eventOccurrenceSpanIdOf(ev.uid, ev.occurrence);
    fact.spanId = id;
  }
  return id;
}

/**
 * `list` without its scale-ups from a size above 0 ("Scaled up replica set X from 1 to 2"): such a
 * step found X made already, so it made nothing.
 */
function notResizes(list: readonly ActionNode[] | undefined): readonly ActionNode[] | undefined {
  const resize = (a: ActionNode): boolean =>
    a.fact.match?.verb === 'scale-up' && (stepSizes(a.fact.event.message)?.from ?? 0) > 0;
  return list?.some(resize) === true ? list.filter((a) => !resize(a)) : list;
}

/** The action in `list` with a verb in `verbs` nearest to `t` within `window`; ties go to the earlier one. */
function closest(
  list: readonly ActionNode[] | undefined,
  verbs: readonly ActionVerb[],
  t: number,
  window: number,
  exclude?: ActionNode,
): ActionNode | undefined {
  if (list === undefined) return undefined;
  let best: ActionNode | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const a of list) {
    const verb = a.fact.match?.verb;
    if (a === exclude || verb === undefined || !verbs.includes(verb)) continue;
    const d = Math.abs(a.start - t);
    if (d <= window && d < bestDistance) {
      best = a;
      bestDistance = d;
    }
  }
  return best;
}

/** The times of the controllers' delete actions, by the object they name (`kind/namespace/name`). */
function deleteActionTimes(facts: Iterable<ActionFact>): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const f of facts) {
    const m = f.match;
    if (m?.verb !== 'delete' || m.actedOnName === undefined) continue;
    const ev = f.event;
    const ns = ev.involved.namespace === '' ? ev.namespace : ev.involved.namespace;
    const key = `${m.actedOnKind}/${ns}/${m.actedOnName}`;
    const list = out.get(key);
    if (list === undefined) out.set(key, [f.start, f.lastTime]);
    else list.push(f.start, f.lastTime);
  }
  return out;
}

/** What may have caused an action of each verb on an object's children: a "Deleted pod" follows a scale-down. */
const CAUSES: Partial<Record<ActionVerb, readonly ActionVerb[]>> = {
  create: ['scale-up', 'create'],
  delete: ['scale-down', 'delete'],
};

/**
 * The action in `list` with a verb in `verbs` that caused something at `t`: the
 * latest one started by then, unless one refined into the same second as `t`
 * follows it. Two stamps of one second refined by their observations may be
 * observed out of order (the event recorder is asynchronous), so within a second
 * the order is a guess and a cause observed just after its effect is accepted.
 */
function causeOf(
  list: readonly ActionNode[] | undefined,
  verbs: readonly ActionVerb[],
  t: number,
  exclude: ActionNode | undefined,
): ActionNode | undefined {
  if (list === undefined) return undefined;
  let before: ActionNode | undefined;
  let after: ActionNode | undefined;
  for (const a of list) {
    const verb = a.fact.match?.verb;
    if (a === exclude || verb === undefined || !verbs.includes(verb)) continue;
    if (isAfter(a, t, exclude)) {
      if (after === undefined || writtenBefore(a, after)) after = a;
      if (a.start > t) break;
    } else if (before === undefined || writtenBefore(before, a)) before = a;
  }
  if (after !== undefined && !sameSecond(after.start, t)) after = undefined;
  if (before !== undefined && (after === undefined || sameSecond(before.start, t))) return before;
  return after ?? before;
}

/** The latest non-observing action in `list` started at or before `t` (list is sorted). */
function latestBefore(
  list: readonly ActionNode[] | undefined,
  t: number,
  exclude?: ActionNode,
): ActionNode | undefined {
  if (list === undefined) return undefined;
  let best: ActionNode | undefined;
  for (const a of list) {
    if (a.start > t) break;
    if (a === exclude || a.fact.match?.verb === 'observe' || isAfter(a, t, exclude)) continue;
    if (best === undefined || writtenBefore(best, a)) best = a;
  }
  return best;
}
