import { type ActionFact, actionKeyOf } from '../causality/action-fact.js';
import { BUILTIN_RULES } from '../causality/builtin-rules.js';
import { ACTION_VERBS } from '../causality/causality-rule.js';
import type { RetiredActions } from '../causality/parent-decision.js';
import { eventOccurrenceSpanIdOf, eventSpanIdOf, type IntentKey, traceIdOf } from '../model/ids.js';
import type { NormalEvent } from '../model/projection.js';
import { packingDictionary, packValues, unpackHead, unpackValues } from './packed-values.js';
import { type Intent, type MemberFact, NO_DONE_TIMES, NO_TRANSITIONS } from './root-group.js';
import { SettledEvent, SettledRef } from './settled-event.js';
import { type FrozenSpanKeys, knownSpanIds, SpanKeys } from './span-keys.js';

/** The facts of a root group that a settled group keeps frozen: all of them but its root and its clock. */
export interface GroupFacts {
  readonly intents: Intent[];
  readonly actions: Map<string, ActionFact>;
  readonly members: Map<string, MemberFact>;
  readonly retired: RetiredActions | undefined;
  readonly letGo: Set<string> | undefined;
}

/**
 * What was hashed when facts were thawed, by the fact or intent it was hashed
 * for: an action's Event uid, occurrence and span id; an intent's key and trace
 * id. Freezing them again then compares instead of hashing again. Held only
 * as long as the thawed objects are.
 */
const hashedAtThaw = new WeakMap<object, readonly unknown[]>();

/** The layout of a frozen form; a form of another layout is refused. */
const LAYOUT = 1;
/** Values per member in the flat list: key, uid, transitions, doneAt, doneTimes, deletedAt, listed, deletingWhenListed, replicas, addedRv, goingRv, ownWrite. */
const MEMBER_VALUES = 12;
/** Values per action in the flat list: key, event, match, start, lastTime, count, minCount, occurrences, span id, listed. */
const ACTION_VALUES = 10;

/** The keys of an intent, in the orders the intent book makes them (see intent-book.ts). */
const INTENT_KEYS = [
  'key',
  'traceId',
  'operation',
  'changed',
  'start',
  'seenAt',
  'startOffset',
  'endOffset',
  'endRv',
  'openedAt',
  'manager',
  'managerOperation',
  'partial',
  'lazy',
  'end',
  'skippedEmpty',
  'history',
  'startFloor',
];
const SPEC_INTENT = [...INTENT_KEYS, 'backfill', 'emitted', 'emittedVersion', 'leftOut', 'firstRv'];
const CHANGE_INTENT = [...INTENT_KEYS, 'emitted', 'emittedVersion', 'leftOut', 'firstRv', 'backfill'];
/**
 * The keys of an intent as the intent book makes them, in order (an eviction in its drain's
 * trace gets its root's parent after, an intent opened while the root showed done its held
 * "done" before): a test checks every intent frozen has one of these.
 */
export const INTENT_SHAPES: readonly (readonly string[])[] = [SPEC_INTENT, CHANGE_INTENT].flatMap((keys) => [
  keys,
  [...keys, 'parentSpanId'],
  // Opened from its consequences while the root held showed it done.
  [...keys, 'heldDone'],
  [...keys, 'heldDone', 'parentSpanId'],
]);

/**
 * What every frozen group repeats: the keys of its plain objects, in the orders
 * they are made (an object of another order is written with its keys, once per
 * group), and the words of the built-in rules, intents and conditions. Made
 * again the same in every process: nothing frozen outlives it.
 */
const DICTIONARY = packingDictionary(
  [
    ...BUILTIN_RULES.flatMap((r) => [r.controller ?? '', r.reason, r.involvedKind, r.actedOnKind ?? '']),
    ...ACTION_VERBS,
    ...[
      'Create',
      'Update',
      'Delete',
      'Change',
      'Apply',
      'unknown',
      'delete',
      'lifecycle ',
      'termination ',
      'change/',
    ],
    ...['converged', 'error', 'cut-off', 'shutdown', 'superseded', 'Normal', 'Warning'],
    ...['kubectl-client-side-apply', 'kubectl', 'kube-controller-manager', 'kubelet', 'default-scheduler'],
    ...['Scaled up replica set ', 'Scaled down replica set '],
    ...['Pod', 'ReplicaSet', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Node', 'default'],
    ...['True', 'False', 'Unknown', 'Ready', 'Available', 'Progressing', 'PodScheduled', 'Initialized'],
    ...['ContainersReady', 'PodReadyToStartContainers', 'KubeletReady', 'Complete', 'Failed'],
    ...['MinimumReplicasAvailable', 'Deployment has minimum availability.', 'NewReplicaSetAvailable'],
  ],
  [
    ...INTENT_SHAPES,
    ['reason', 'time', 'observedAt', 'message'],
    ['ids', 'known', 'objects', 'keys'],
    ['verb', 'actedOnKind', 'actedOnName', 'stuck'],
    ['verb', 'actedOnKind', 'actedOnName', 'stuck', 'condition'],
    ['type', 'status', 'reason', 'message', 'time'],
    ['writes', 'newestRv'],
    ['rv', 'at', 'seenAt'],
    ['rv', 'setAside'],
    ['earliestStart', 'objects'],
    ['count', 'time'],
  ],
);

/**
 * A {@link SettledEvent} as a tuple: uid, namespace, reason, type, occurrence, controller,
 * its object's kind, namespace, name, uid, resourceVersion, then its message (a scaling step's),
 * or the text around the name of the object acted on in it.
 */
type SettledTuple = [
  string,
  string,
  string,
  string,
  number | undefined,
  string,
  string,
  string,
  string,
  string,
  string | undefined,
  string | [string, string],
];

/** An intent as plain data: its trace id null where it is its own, its span keys as their parts. */
type FrozenIntent = Omit<Intent, 'emitted' | 'traceId'> & {
  traceId: string | null;
  emitted: FrozenSpanKeys | undefined;
};

/**
 * The facts of a settled root group in one string ({@link packValues}): the
 * keys of its intents (read alone by {@link frozenIntentKeys}), its members,
 * actions and intents in flat lists of plain values, then its retired
 * actions and the span keys let go of. What can be made again is left out: an
 * Event whose span went out is a tuple (see {@link SettledEvent}); an action's
 * span id that is its Event's hash, and an intent's trace id that is its own
 * (of its root and key), are `true` and null, hashed again when thawed; the
 * span ids an intent sent that are its group's actions' are their indexes; a
 * key that is its fact's own (uid, or Event uid and occurrence) and the
 * shared empty lists of a member are null. About a fifth of what the same
 * facts take as objects. {@link thawFacts} gives them back equal to what was
 * frozen: the same keys in the same order, the same classes.
 *
 * A one-byte string costs its length and 16 bytes on the heap, where a Buffer
 * costs about 100 bytes more, and a small one may hold on to the whole 8 KiB
 * of the pool it was cut from. Undefined when the facts hold what this does
 * not make again (an Event whose span went out about an object that is not a
 * {@link SettledRef}, span keys added since their compaction, a value that
 * is not plain data: never so): they are then kept as they are.
 */
export function freezeFacts(rootUid: string, facts: GroupFacts): string | undefined {
  const members: unknown[] = new Array(facts.members.size * MEMBER_VALUES);
  let m = 0;
  for (const [key, f] of facts.members) {
    members[m++] = key === f.uid ? null : key;
    members[m++] = f.uid;
    members[m++] = f.transitions === NO_TRANSITIONS ? null : f.transitions;
    members[m++] = f.doneAt;
    members[m++] = f.doneTimes === NO_DONE_TIMES ? null : f.doneTimes;
    members[m++] = f.deletedAt;
    members[m++] = f.listed;
    members[m++] = f.deletingWhenListed;
    members[m++] = f.replicas;
    members[m++] = f.addedRv;
    members[m++] = f.goingRv;
    members[m++] = f.ownWrite;
  }
  const actions: unknown[] = new Array(facts.actions.size * ACTION_VALUES);
  /** The action span ids, by index, that the intents' span keys name by it. */
  const spanIds = new Map<string, number>();
  let a = 0;
  for (const [key, f] of facts.actions) {
    const ev = f.event;
    if (ev instanceof SettledEvent && !(ev.involved instanceof SettledRef)) return undefined;
    const own = f.spanId !== undefined && isOwnSpanId(f, f.spanId);
    if (f.spanId !== undefined) spanIds.set(f.spanId, a / ACTION_VALUES);
    actions[a++] = key === actionKeyOf(ev) ? null : key;
    actions[a++] = ev instanceof SettledEvent ? settledTuple(ev, f.match?.actedOnName) : ev;
    actions[a++] = f.match;
    actions[a++] = f.start;
    actions[a++] = f.lastTime === f.start ? null : f.lastTime;
    actions[a++] = f.count;
    actions[a++] = f.minCount === f.count ? null : f.minCount;
    actions[a++] = f.occurrences;
    actions[a++] = own ? true : f.spanId;
    actions[a++] = f.listed;
  }
  const intents: FrozenIntent[] = [];
  const known = knownSpanIds(spanIds);
  for (const i of facts.intents) {
    const emitted = i.emitted?.frozenParts(known);
    if (i.emitted !== undefined && emitted === undefined) return undefined;
    intents.push({ ...i, traceId: isOwnTraceId(rootUid, i) ? null : i.traceId, emitted });
  }
  try {
    const keys = facts.intents.map((i) => i.key);
    return packValues([LAYOUT, keys, members, actions, intents, facts.retired, facts.letGo], DICTIONARY);
  } catch (e) {
    if (e instanceof TypeError) return undefined;
    throw e;
  }
}

/** The facts {@link freezeFacts} froze into `frozen` for the root `rootUid`, made again. */
export function thawFacts(rootUid: string, frozen: string): GroupFacts {
  const plain = unpackValues(frozen, DICTIONARY);
  if (!Array.isArray(plain) || plain[0] !== LAYOUT) throw new TypeError('not a frozen root group');
  const [, , memberValues, actionValues, frozenIntents, retired, letGo] = plain as [
    number,
    IntentKey[],
    unknown[],
    unknown[],
    FrozenIntent[],
    RetiredActions | undefined,
    Set<string> | undefined,
  ];
  const members = new Map<string, MemberFact>();
  for (let m = 0; m < memberValues.length; m += MEMBER_VALUES) {
    const uid = memberValues[m + 1] as string;
    members.set((memberValues[m] as string | null) ?? uid, {
      uid,
      transitions: (memberValues[m + 2] as MemberFact['transitions'] | null) ?? NO_TRANSITIONS,
      doneAt: memberValues[m + 3] as number | undefined,
      doneTimes: (memberValues[m + 4] as readonly number[] | null) ?? NO_DONE_TIMES,
      deletedAt: memberValues[m + 5] as number | undefined,
      listed: memberValues[m + 6] as boolean,
      deletingWhenListed: memberValues[m + 7] as boolean,
      replicas: memberValues[m + 8] as MemberFact['replicas'],
      addedRv: memberValues[m + 9] as number | undefined,
      goingRv: memberValues[m + 10] as number | undefined,
      ownWrite: memberValues[m + 11] as MemberFact['ownWrite'],
    });
  }
  const actions = new Map<string, ActionFact>();
  const spanIds: (string | undefined)[] = [];
  for (let a = 0; a < actionValues.length; a += ACTION_VALUES) {
    const value = actionValues[a + 1];
    const match = actionValues[a + 2] as ActionFact['match'];
    const event = Array.isArray(value)
      ? settledEvent(value as SettledTuple, match?.actedOnName)
      : (value as NormalEvent);
    const frozenSpanId = actionValues[a + 8] as string | true | undefined;
    const spanId = frozenSpanId === true ? spanIdOf(event.uid, event.occurrence) : frozenSpanId;
    spanIds.push(spanId);
    const start = actionValues[a + 3] as number;
    const count = actionValues[a + 5] as number;
    const fact: ActionFact = {
      event,
      match,
      start,
      lastTime: (actionValues[a + 4] as number | null) ?? start,
      count,
      minCount: (actionValues[a + 6] as number | null) ?? count,
      occurrences: actionValues[a + 7] as ActionFact['occurrences'],
      spanId,
      listed: actionValues[a + 9] as boolean,
    };
    if (frozenSpanId === true) hashedAtThaw.set(fact, [event.uid, event.occurrence, spanId]);
    actions.set((actionValues[a] as string | null) ?? actionKeyOf(event), fact);
  }
  const intents = frozenIntents as unknown as Intent[];
  for (const frozenIntent of frozenIntents) {
    const i = frozenIntent as unknown as Intent;
    const keys = frozenIntent.emitted;
    if (frozenIntent.traceId === null) {
      i.traceId = traceIdOf(rootUid, i.key);
      hashedAtThaw.set(i, [rootUid, i.key, i.traceId]);
    }
    i.emitted = keys === undefined ? undefined : SpanKeys.fromFrozenParts(keys, spanIds);
  }
  return { intents, actions, members, retired, letGo };
}

/** The keys of the intents frozen into `frozen`, read without thawing the rest. */
export function frozenIntentKeys(frozen: string): IntentKey[] {
  const [layout, keys] = unpackHead(frozen, 2, DICTIONARY);
  if (layout !== LAYOUT || !Array.isArray(keys)) throw new TypeError('not a frozen root group');
  return keys as IntentKey[];
}

/**
 * A {@link SettledEvent} as a tuple. A message that names the object acted on
 * (a scaling step's: "Scaled up replica set X from 1 to 2") is the text before
 * and after that name, which the rule's match holds.
 */
function settledTuple(ev: SettledEvent, actedOnName: string | undefined): SettledTuple {
  const inv = ev.involved;
  const at = actedOnName === undefined || actedOnName === '' ? -1 : ev.message.indexOf(actedOnName);
  return [
    ev.uid,
    ev.namespace,
    ev.reason,
    ev.type,
    ev.occurrence,
    ev.controller,
    inv.kind,
    inv.namespace,
    inv.name,
    inv.uid,
    inv.resourceVersion,
    at < 0 || actedOnName === undefined
      ? ev.message
      : [ev.message.slice(0, at), ev.message.slice(at + actedOnName.length)],
  ];
}

function settledEvent(t: SettledTuple, actedOnName: string | undefined): SettledEvent {
  const message = t[11];
  return new SettledEvent(
    { uid: t[0], namespace: t[1], reason: t[2], type: t[3], occurrence: t[4], controller: t[5] },
    new SettledRef(t[6], t[7], t[8], t[9], t[10]),
    typeof message === 'string' ? message : message[0] + (actedOnName ?? '') + message[1],
  );
}

/** True when `spanId` is the hash of the fact's Event (see {@link hashedAtThaw}). */
function isOwnSpanId(f: ActionFact, spanId: string): boolean {
  const ev = f.event;
  const hashed = hashedAtThaw.get(f);
  if (hashed !== undefined && hashed[0] === ev.uid && hashed[1] === ev.occurrence && hashed[2] === spanId)
    return true;
  return spanId === spanIdOf(ev.uid, ev.occurrence);
}

/** True when the intent's trace id is its own: the hash of its root and key (see {@link hashedAtThaw}). */
function isOwnTraceId(rootUid: string, i: Intent): boolean {
  const hashed = hashedAtThaw.get(i);
  if (hashed !== undefined && hashed[0] === rootUid && hashed[1] === i.key && hashed[2] === i.traceId)
    return true;
  return i.traceId === traceIdOf(rootUid, i.key);
}

/** The action span id of an Event, or of its occurrence (as parent-decision hashes it). */
function spanIdOf(uid: string, occurrence: number | undefined): string {
  return occurrence === undefined ? eventSpanIdOf(uid) : eventOccurrenceSpanIdOf(uid, occurrence);
}
