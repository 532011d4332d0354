import type { ActionFact } from '../causality/action-fact.js';
import type { RetiredActions } from '../causality/parent-decision.js';
import type { ReplicasHistory } from '../causality/replicas-history.js';
import type { IntentKey } from '../model/ids.js';
import type { ObjectProjection } from '../model/projection.js';
import type { TraceEnd } from '../model/span-record.js';
import { sameSecond } from '../normalise/refine-time.js';
import type { Schedulable } from './due-queue.js';
import { freezeFacts, frozenIntentKeys, thawFacts } from './frozen-facts.js';
import type { OwnWrite } from './own-write.js';
import type { SpanKeys } from './span-keys.js';

/** Why and when an intent's root span ended. */
export interface IntentEnd {
  readonly reason: TraceEnd;
  /** When the intent ended in data time; undefined means "at its last span". */
  readonly time: number | undefined;
  /** Clock time the end was observed: the settle window counts from here. */
  readonly observedAt: number;
  readonly message: string | undefined;
}

/** One intent of a root object: a create, a generation bump, or a delete. One trace. */
export interface Intent {
  readonly key: IntentKey;
  /**
   * Its own (hash of root uid and key), or, for an eviction that is part of a
   * drain, the cordon's: set once, before the intent is first emitted.
   */
  traceId: string;
  /** The cordon's root span, for an eviction that is part of a drain: its root's parent. */
  parentSpanId?: string;
  /** `Change` for an intent without a spec change: causality names it (`Delete`, `Evict`, `Join`). */
  readonly operation: 'Create' | 'Update' | 'Delete' | 'Change';
  /**
   * For an intent without a spec change (key `change/<uid>`): the uid of the
   * object whose change opened it. Causality decides whether the change is one
   * (a user's delete, an eviction, a Node joining) or the consequence of an
   * open intent (a controller's delete), which leaves this intent empty.
   */
  readonly changed: string | undefined;
  /**
   * When the change was made (managedFields time, creationTimestamp, deletion
   * request), refined by the earliest delta that showed it; undefined when unknown.
   */
  start: number | undefined;
  /**
   * When `start` is an observation, not a stamp (a `kubectl scale`, which writes no time): the
   * start of the second of the newest stamp that delta carried, which the change came no
   * earlier than. Undefined when `start` is a stamp.
   */
  startFloor: number | undefined;
  /** Observation time of the delta the start and manager were read from: the earliest wins. */
  seenAt: number;
  /**
   * The clock offset (watcher minus cluster, ms) that delta was converted with, when it was a
   * delta of the root itself applied in its turn; undefined otherwise.
   */
  startOffset: number | undefined;
  /** The clock offset the delta that showed it converged was converted with, likewise. */
  endOffset: number | undefined;
  /**
   * The lowest numeric resourceVersion of the root's writes that showed it converged, when its
   * end is that write's own stamp (see convergedAfterWrites): the writes below it were made
   * before it. Undefined otherwise.
   */
  endRv: number | undefined;
  /**
   * Opened from its consequences while the root state held showed it done (see
   * IntentBook.openCurrent): that state's numeric resourceVersion, and whether its "done" is
   * set aside because a controller acted on a later write of the root. Undefined otherwise.
   */
  heldDone?: { readonly rv: number; setAside: boolean };
  /**
   * The lowest resourceVersion (where numeric) of the root's deltas that showed
   * this intent: the write that made it, or one soon after. Undefined when none
   * was seen (an intent opened from its consequences).
   */
  firstRv: number | undefined;
  /** Clock time the engine learnt of it. */
  readonly openedAt: number;
  manager: string;
  managerOperation: string;
  partial: boolean;
  /** Opened because its consequences arrived, not because the change itself was observed (until it is). */
  lazy: boolean;
  end: IntentEnd | undefined;
  /** A lazy intent whose facts all belonged to other intents was not emitted; its root is not out yet. */
  skippedEmpty: boolean;
  /**
   * Found in the initial list, finished or in flight: the previous instance exported
   * its trace so far (an open one as cut off, at its shutdown). It starts out emitted,
   * root included; only spans of what happens after the start follow, as late records.
   */
  history: boolean;
  /**
   * Rebuilt from the initial list (--backfill): `exact`, sent with only the spans whose
   * trace and parent the list settles; `hidden`, never sent: the generations between
   * the Create and the current one, which the list cannot tell apart, and the intents
   * of a root that was another root's object before the start (orphaned since).
   */
  backfill: 'exact' | 'hidden' | undefined;
  /**
   * --backfill: the spans left out of this trace because the list does not settle
   * their trace or parent (see backfill-certainty.ts), by node key, so each is counted
   * once; undefined while there is none.
   */
  leftOut: Set<string> | undefined;
  /** Keys of the spans already emitted; undefined until the first emission. */
  emitted: SpanKeys | undefined;
  /** The group's version when this intent was last emitted. */
  emittedVersion: number;
}

/** A condition transition seen on a watched object. */
export interface Transition {
  readonly type: string;
  readonly status: string;
  readonly reason: string | undefined;
  readonly message: string | undefined;
  readonly time: number;
}

/** What the group learnt about one object from its own watch deltas (not the initial list). */
export interface MemberFact {
  readonly uid: string;
  /** Replaced, never changed in place: an empty one is {@link NO_TRANSITIONS}, shared. */
  transitions: readonly Transition[];
  /** When the object first reached its kind's "done", data time. */
  doneAt: number | undefined;
  /**
   * Data times at which the object was seen "done", ascending, the first kept
   * and at most {@link MAX_TRANSITIONS} in all: a lifecycle whose children
   * outlast its first "done" ends at the next one after them.
   */
  doneTimes: readonly number[];
  /** When its DELETED delta was observed. */
  deletedAt: number | undefined;
  /** It existed before the start (it came with the initial list). */
  listed: boolean;
  /** Its deletion had begun before the start. */
  deletingWhenListed: boolean;
  /** The replicas its writes asked for, by resourceVersion (a ReplicaSet's); undefined until one is seen. */
  replicas: ReplicasHistory | undefined;
  /** The numeric resourceVersion of its ADDED (its create), when watched. */
  addedRv: number | undefined;
  /** The lowest numeric resourceVersion that showed it deleted or evicted (the request's write, else its DELETED). */
  goingRv: number | undefined;
  /** Its latest write with a stamp of its own, which bounds its DELETED (see own-write.ts). */
  ownWrite: OwnWrite | undefined;
}

/** Transitions kept per object. */
export const MAX_TRANSITIONS = 32;

/**
 * The empty lists of a member fact, shared: most members never get a
 * transition or a "done" time, or lose them once their span went out, and an
 * empty array of their own costs 32 bytes each.
 */
export const NO_TRANSITIONS: readonly Transition[] = Object.freeze([]);
export const NO_DONE_TIMES: readonly number[] = Object.freeze([]);

/** The intents of a frozen group, never handed out: a read thaws the group first. */
const NO_INTENTS: Intent[] = Object.freeze([]) as unknown as Intent[];

/** Records that `m` was seen "done" at `at`: sorted, distinct, bounded (the first kept, then the latest). */
export function recordDone(m: MemberFact, at: number): void {
  if (m.doneAt === undefined || at < m.doneAt) m.doneAt = at;
  const held = m.doneTimes;
  let i = held.length;
  while (i > 0 && (held[i - 1] ?? 0) > at) i--;
  if (held[i - 1] === at) return;
  const times = [...held];
  times.splice(i, 0, at);
  if (times.length > MAX_TRANSITIONS) times.splice(1, 1);
  m.doneTimes = times;
}

/**
 * Everything known about one root object's intents and their consequences.
 * Spans are not built as facts arrive; they are built from all facts when a
 * trace is emitted, so arrival order cannot change the tree.
 */
export class RootGroup implements Schedulable {
  readonly rootUid: string;
  root: ObjectProjection;
  /** Empty while frozen. */
  #intents: Intent[] = [];
  /** Undefined while frozen. */
  #actions: Map<string, ActionFact> | undefined = new Map();
  /** Undefined while frozen. */
  #members: Map<string, MemberFact> | undefined = new Map();
  #retired: RetiredActions | undefined = undefined;
  #letGo: Set<string> | undefined = undefined;
  /** The facts above, frozen while the group is settled (see {@link freeze}); undefined otherwise. */
  #frozen: string | undefined = undefined;
  /**
   * The highest numeric resourceVersion of the root that an Event about it names (the write its
   * reporter acted on); undefined until one does.
   */
  rootActedRv: number | undefined = undefined;
  /** Events before this time (data time) belonged to intents let go of: dropped. */
  closedBefore = Number.NEGATIVE_INFINITY;
  /**
   * The tightest clock offset (watcher minus cluster, ms) any watch delta of this group
   * (the root's, its objects', their Events') was converted with; undefined before the
   * first. A minimum over a set, whatever the arrival order (see trace-offset.ts).
   */
  tightestOffset: number | undefined = undefined;
  /** Clock time of the last new fact. */
  lastActivity: number;
  /** Facts of this root were dropped (the facts-per-root bound, or a closed trace's): see RootFacts. */
  incomplete = false;
  /** Bumped on every new fact; emitted intents compare it to find late spans. */
  version = 0;
  dueStamp = 0;
  /** The root projection {@link idleKind} was computed for: recomputed only when the root changes. */
  idleFor: ObjectProjection | undefined = undefined;
  idleKind = false;
  dueAt = Number.POSITIVE_INFINITY;

  constructor(root: ObjectProjection, now: number) {
    this.rootUid = root.uid;
    this.root = root;
    this.lastActivity = now;
  }

  /** The intents, ordered by start (unknown starts first); thawed on first use after {@link freeze}. */
  get intents(): Intent[] {
    if (this.#frozen !== undefined) this.#thaw();
    return this.#intents;
  }

  /** The group's actions (Events) by key, in the order they came; thawed on first use after {@link freeze}. */
  get actions(): Map<string, ActionFact> {
    if (this.#frozen !== undefined) this.#thaw();
    this.#actions ??= new Map();
    return this.#actions;
  }

  /** What the group learnt of each object from its own watch, by uid, in the order first seen; thawed on first use after {@link freeze}. */
  get members(): Map<string, MemberFact> {
    if (this.#frozen !== undefined) this.#thaw();
    this.#members ??= new Map();
    return this.#members;
  }

  /** Actions let go of once their spans went out (see slimSettled); undefined until one is. */
  get retired(): RetiredActions | undefined {
    if (this.#frozen !== undefined) this.#thaw();
    return this.#retired;
  }

  set retired(retired: RetiredActions | undefined) {
    if (this.#frozen !== undefined) this.#thaw();
    this.#retired = retired;
  }

  /**
   * Span keys sent by intents let go of for the intents-per-root bound (see
   * letGoOfOldIntents): still claimed, so they are not sent again. Undefined until one is.
   */
  get letGo(): Set<string> | undefined {
    if (this.#frozen !== undefined) this.#thaw();
    return this.#letGo;
  }

  set letGo(letGo: Set<string> | undefined) {
    if (this.#frozen !== undefined) this.#thaw();
    this.#letGo = letGo;
  }

  /** True while the facts are frozen: the group is settled, and nothing used them since. */
  get frozen(): boolean {
    return this.#frozen !== undefined;
  }

  /** The keys of the intents, without thawing them. */
  intentKeys(): IntentKey[] {
    const frozen = this.#frozen;
    return frozen !== undefined ? frozenIntentKeys(frozen) : this.#intents.map((i) => i.key);
  }

  /**
   * Freezes the facts of a settled group (see frozen-facts.ts) until they are
   * next used: any read of its intents, actions, members, retired actions or
   * span keys let go of, and any new activity, thaws them first.
   */
  freeze(): void {
    if (this.#frozen !== undefined) return;
    const facts = {
      intents: this.#intents,
      actions: this.#actions ?? new Map<string, ActionFact>(),
      members: this.#members ?? new Map<string, MemberFact>(),
      retired: this.#retired,
      letGo: this.#letGo,
    };
    const frozen = freezeFacts(this.rootUid, facts);
    if (frozen === undefined) return;
    this.#frozen = frozen;
    this.#intents = NO_INTENTS;
    this.#actions = undefined;
    this.#members = undefined;
    this.#retired = undefined;
    this.#letGo = undefined;
  }

  #thaw(): void {
    const frozen = this.#frozen;
    if (frozen === undefined) return;
    const facts = thawFacts(this.rootUid, frozen);
    this.#frozen = undefined;
    this.#intents = facts.intents;
    this.#actions = facts.actions;
    this.#members = facts.members;
    this.#retired = facts.retired;
    this.#letGo = facts.letGo;
  }

  /** Records that a delta of this group was converted with `offset`; undefined (not converted) changes nothing. */
  noteOffset(offset: number | undefined): void {
    if (offset !== undefined && (this.tightestOffset === undefined || offset < this.tightestOffset))
      this.tightestOffset = offset;
  }

  /** Records new activity at clock time `now`. */
  touch(now: number): void {
    if (this.#frozen !== undefined) this.#thaw();
    if (now > this.lastActivity) this.lastActivity = now;
    this.version += 1;
  }

  /** The intent with `key`, if known. */
  intent(key: IntentKey): Intent | undefined {
    for (const i of this.intents) if (i.key === key) return i;
    return undefined;
  }

  /** Adds an intent, keeping the list ordered by start (unknown starts first). */
  addIntent(intent: Intent): void {
    this.intents.push(intent);
    this.intents.sort(byStart);
  }

  /** Restores the order after an intent's start moved. */
  reorder(): void {
    this.intents.sort(byStart);
  }

  /** The member fact of `uid`, created on first use. */
  member(uid: string): MemberFact {
    let m = this.members.get(uid);
    if (m === undefined) {
      m = {
        uid,
        transitions: NO_TRANSITIONS,
        doneAt: undefined,
        doneTimes: NO_DONE_TIMES,
        deletedAt: undefined,
        listed: false,
        deletingWhenListed: false,
        replicas: undefined,
        addedRv: undefined,
        goingRv: undefined,
        ownWrite: undefined,
      };
      this.members.set(uid, m);
    }
    return m;
  }

  /** True when every intent is emitted and nothing arrived since. */
  get settled(): boolean {
    // Frozen only once settled, and thawed by any new fact.
    if (this.#frozen !== undefined) return true;
    for (const i of this.intents)
      if (i.emitted === undefined || i.emittedVersion !== this.version) return false;
    return true;
  }
}

function byStart(a: Intent, b: Intent): number {
  const sa = a.start ?? Number.NEGATIVE_INFINITY;
  const sb = b.start ?? Number.NEGATIVE_INFINITY;
  if (sa !== sb) return sa < sb ? -1 : 1;
  // Same start: the order must not depend on arrival, so by key (generations, then delete, then changes).
  const ka = keyRank(a.key);
  const kb = keyRank(b.key);
  if (ka !== kb) return ka - kb;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function keyRank(key: IntentKey): number {
  return typeof key === 'number'
    ? key
    : key === 'delete'
      ? Number.MAX_SAFE_INTEGER
      : Number.POSITIVE_INFINITY;
}

/** True for the intent of a spec change (a create, a generation, a delete of the root). */
export function isSpecIntent(i: { readonly key: IntentKey }): boolean {
  return typeof i.key === 'number' || i.key === 'delete';
}

/**
 * Records the conditions of `p` as transitions of `member` (deduplicated, bounded).
 * Refinements of one whole-second stamp are one transition, at the earliest.
 */
export function recordTransitions(member: MemberFact, p: Pick<ObjectProjection, 'conditions'>): boolean {
  const held = member.transitions;
  // Copied on the first change: the list is replaced, never changed in place (it may be the shared empty one).
  let list: Transition[] | undefined;
  for (const c of p.conditions) {
    const time = c.lastTransitionTime;
    if (time === undefined) continue;
    let known = false;
    const seen = list ?? held;
    for (let i = 0; i < seen.length; i++) {
      const t = seen[i];
      if (t === undefined || t.type !== c.type || t.status !== c.status) continue;
      if (t.time === time) {
        known = true;
        break;
      }
      if (sameSecond(t.time, time)) {
        known = true;
        if (time < t.time) {
          list ??= [...held];
          list[i] = { ...t, time };
        }
        break;
      }
    }
    if (known) continue;
    list ??= [...held];
    if (list.length >= MAX_TRANSITIONS) list.shift();
    list.push({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      time,
    });
  }
  if (list === undefined) return false;
  member.transitions = list;
  return true;
}
