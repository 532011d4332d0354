import type { Clock } from '../model/clock.js';
import type { DeltaType } from '../model/delta.js';
import { changeKeyOf, type IntentKey, traceIdOf } from '../model/ids.js';
import type { ObjectProjection } from '../model/projection.js';
import { numericRv } from '../model/resource-version.js';
import { conditionOf, deletionRequestedAt } from '../normalise/project-object.js';
import { secondOf } from '../normalise/refine-time.js';
import { outcomeOf } from './outcome.js';
import { type Intent, isSpecIntent, type RootGroup } from './root-group.js';
import { SpanKeys } from './span-keys.js';
import { specWriterOf } from './spec-writer.js';

/**
 * The intents of root groups: opened by a root's create, spec change
 * (generation bump) or delete, or lazily when their consequences arrive
 * first; refined by the delta that showed the change earliest; superseded by
 * the next one; ended when the root reports its kind's "done" or a failure.
 * Cut-off, idle and shutdown ends are the emission schedule's. Changes that are
 * not spec changes (a Pod or ReplicaSet deleted, a Pod evicted, a DaemonSet Pod
 * placed) open candidate intents of their own; causality decides which are.
 */
export class IntentBook {
  readonly #clock: Clock;
  /** Watcher clock. */
  #startedAt: number | undefined;
  /**
   * The offset (watcher minus cluster, ms) the delta being applied is converted
   * with: the start, a watcher time, is compared with cluster times through it.
   */
  offsetMs = 0;

  readonly #backfill: boolean;

  /**
   * `startedAt` (epoch ms, watcher clock): intents that began before it are marked partial.
   * `backfill`: intents of the initial list are rebuilt and sent (see {@link openListed}).
   */
  constructor(clock: Clock, startedAt: number | undefined, backfill = false) {
    this.#clock = clock;
    this.#startedAt = startedAt;
    this.#backfill = backfill;
  }

  /** When the source started, if known, in cluster time as of the delta being applied. */
  get startedAt(): number | undefined {
    return this.#startedAt === undefined ? undefined : this.#startedAt - this.offsetMs;
  }

  /** Sets the start when none was given: a replay learns it from its initial list. */
  startAt(time: number): void {
    this.#startedAt ??= time;
  }

  /**
   * Opens or refines the intent a delta of the root object itself shows: a
   * delete, a create, a generation bump, or a later state of a known
   * generation. Returns the root's group, made by `newGroup` when this delta
   * opens its first intent; undefined when the root is not traced and the
   * delta opens nothing.
   */
  recordChange(
    group: RootGroup | undefined,
    p: ObjectProjection,
    previous: ObjectProjection | undefined,
    type: DeltaType,
    time: number,
    now: number,
    newGroup: (root: ObjectProjection) => RootGroup,
    offset?: number,
  ): RootGroup | undefined {
    const gen = p.generation ?? 0;
    const writer = specWriterOf(p, previous, time);
    const manager = writer.manager;
    const managerOp = writer.operation;
    if (type === 'DELETED' || p.deletionTimestamp !== undefined) {
      group ??= newGroup(p);
      const requested = deletionRequestedAt(p);
      const del = this.#open(group, 'delete', Math.min(requested ?? time, time), 'unknown', '', false, time);
      shownBy(del, p);
      if (type === 'DELETED') {
        group.member(p.uid).deletedAt = time;
        del.end ??= { reason: 'converged', time, observedAt: now, message: undefined };
      }
    } else {
      let known = false;
      let lowerStart = Number.NEGATIVE_INFINITY;
      for (const i of group?.intents ?? []) {
        if (typeof i.key !== 'number') continue;
        known = true;
        // A start that is an observation (late by its lag) bounds a later stamp by its floor only.
        const earliest = i.startFloor ?? i.start;
        if (i.key < gen && earliest !== undefined && earliest > lowerStart) lowerStart = earliest;
      }
      const bumped = previous?.generation !== undefined && gen !== previous.generation;
      if (type === 'ADDED' || bumped || known) {
        group ??= newGroup(p);
        const create = gen <= 1;
        const stamp = create ? p.creationTimestamp : writer.time;
        const start = create ? (p.creationTimestamp ?? time) : specTime(writer.time, time, lowerStart);
        // An observation, not a stamp (`kubectl scale` writes none): its second bounds nothing.
        const floor = stamp !== undefined && start === stamp ? undefined : newestStampSecond(p);
        shownBy(this.#open(group, gen, start, manager, managerOp, false, time, offset, floor), p);
      }
    }
    return group;
  }

  /**
   * A delta of an object under the root (not the root itself) that may start an
   * intent without a spec change: a Pod or ReplicaSet being deleted, a Pod with
   * the `DisruptionTarget` condition (evicted), a DaemonSet's Pod placed on a
   * Node. Opens a candidate keyed by that object, assumed done at its last span
   * (as an intent opened from its consequences is); whether it is an intent of
   * its own or the consequence of another is causality's decision, from all
   * facts, so the arrival order does not matter. Nothing for a change written
   * after the root's delete (by resourceVersion; by arrival where either is not
   * an integer): everything under it goes with that delete. `listed`: the
   * change came with the initial list (a CronJob's run, a Pod evicted or being
   * deleted): it began before the start, and is history.
   */
  recordMemberChange(
    group: RootGroup,
    p: ObjectProjection,
    type: DeltaType,
    time: number,
    listed = false,
  ): void {
    const start = changeStart(p, type, time);
    if (start === undefined) return;
    const key = changeKeyOf(p.uid);
    const existing = group.intent(key);
    if (existing === undefined && !writtenBeforeRootDelete(group, p)) return;
    const now = this.#clock.now();
    if (existing !== undefined) {
      if (existing.emitted === undefined && (existing.start === undefined || start < existing.start)) {
        existing.start = start;
        group.reorder();
      }
      if (madeByCronJob(p)) endRun(existing, p, now);
      return;
    }
    const intent: Intent = {
      key,
      traceId: traceIdOf(group.rootUid, key),
      operation: 'Change',
      changed: p.uid,
      start,
      seenAt: time,
      startOffset: undefined,
      endOffset: undefined,
      endRv: undefined,
      openedAt: now,
      manager: 'unknown',
      managerOperation: '',
      partial: this.#isPartial(start),
      lazy: false,
      // A run lasts as long as its Job: it ends with the Job's "done" or failure (see endRun).
      end: madeByCronJob(p)
        ? undefined
        : { reason: 'converged', time: undefined, observedAt: now, message: undefined },
      skippedEmpty: false,
      history: false,
      startFloor: undefined,
      emitted: undefined,
      emittedVersion: -1,
      leftOut: undefined,
      firstRv: undefined,
      backfill: undefined,
    };
    group.addIntent(intent);
    // A run whose Job came with the initial list, or an eviction or a Pod's delete the list
    // showed, began before the start: the instance before exported it so far (at its stop, if
    // not before), and only what follows goes out, under its trace id (as openListed).
    if (listed) {
      intent.partial = true;
      asHistory(intent);
    }
    if (madeByCronJob(p)) endRun(intent, p, now);
  }

  /**
   * The delete of `p`, an owner deleted before the start that this instance never
   * saw (see goneOwnerOf), gone by `time`: a change of its own (causality decides),
   * begun before the start, that the instance before saw and exported so far. Only
   * what follows goes out, under its trace id, marked partial.
   */
  continueGone(group: RootGroup, p: ObjectProjection, time: number): void {
    this.recordMemberChange(group, p, 'DELETED', time);
    const intent = group.intent(changeKeyOf(p.uid));
    if (intent === undefined || intent.emitted !== undefined) return;
    intent.partial = true;
    asHistory(intent);
  }

  /** Ends the intent of `p`'s generation when the root reports its kind's "done" or a failure. */
  recordOutcome(group: RootGroup, p: ObjectProjection, time: number, now: number, offset?: number): void {
    const current = group.intent(p.generation ?? 0);
    if (current !== undefined && current.emitted === undefined && p.deletionTimestamp === undefined) {
      const outcome = outcomeOf(p);
      const end = current.end;
      if (outcome.state === 'done') {
        // A "done" without a time of its own ends at the status write that showed it, not at the
        // observation (late by the watch's lag), and never before the intent's start.
        const written = p.statusWrittenAt;
        // A start that is an observation (late by its lag) bounds a stamp by its floor only.
        const from = current.startFloor ?? current.start;
        const stamped =
          outcome.time !== undefined && outcome.time >= (from ?? outcome.time)
            ? outcome.time
            : outcome.time === undefined && written !== undefined
              ? Math.max(written, from ?? written)
              : undefined;
        const at = stamped ?? time;
        // Convergence seen before the next intent started wins over "superseded", in any arrival order;
        // a time wins over the untimed "done" an intent opened from its consequences assumed.
        if (
          end === undefined ||
          (end.reason === 'superseded' && end.time !== undefined && at <= end.time) ||
          (end.reason === 'converged' && (end.time === undefined || at < end.time))
        ) {
          current.end = { reason: 'converged', time: at, observedAt: now, message: undefined };
          current.endOffset = offset;
        }
        // The first write that showed it done, by resourceVersion, whatever the arrival order.
        const rv = stamped === undefined ? undefined : numericRv(p.resourceVersion);
        if (
          current.end?.reason === 'converged' &&
          rv !== undefined &&
          (current.endRv === undefined || rv < current.endRv)
        )
          current.endRv = rv;
      } else if (outcome.state === 'failed' && end === undefined) {
        current.end = {
          reason: 'error',
          time: outcome.time ?? time,
          observedAt: now,
          message: outcome.message,
        };
      }
    }
  }

  /** An intent for the root's current state, opened because its consequences arrived first. */
  openCurrent(group: RootGroup): void {
    const p = group.root;
    const now = this.#clock.now();
    if (p.deletionTimestamp !== undefined) {
      this.#open(group, 'delete', deletionRequestedAt(p), 'unknown', '', true);
      return;
    }
    const gen = p.generation ?? 0;
    const writer = specWriterOf(p, undefined);
    const start = writer.time ?? (gen <= 1 ? p.creationTimestamp : undefined);
    const intent = this.#open(group, gen, start, writer.manager, writer.operation, true);
    const outcome = outcomeOf(p);
    if (outcome.state === 'done') {
      intent.end = { reason: 'converged', time: undefined, observedAt: now, message: undefined };
      const rv = numericRv(p.resourceVersion);
      if (rv !== undefined) {
        intent.heldDone = { rv, setAside: false };
        this.reconsiderHeldDone(group);
      }
    } else if (outcome.state === 'failed') {
      intent.end = { reason: 'error', time: undefined, observedAt: now, message: outcome.message };
    }
  }

  /**
   * An intent opened from its consequences took its end from the root state held then: a
   * "done" that state showed (see openCurrent). A controller that acted on a later write of
   * the root (an Event naming a higher resourceVersion of it) shows that state was overtaken:
   * a StatefulSet whose rolling update deletes and creates Pods is not done, whatever a list
   * taken before the update showed. While the engine holds no root state as new as that write,
   * the held "done" is set aside (the intent stays open, unless a newer state of the root ends
   * it); once it holds one, the held "done" stands again, as it would have had that state
   * come first: the result does not depend on the arrival order.
   */
  reconsiderHeldDone(group: RootGroup): void {
    const acted = group.rootActedRv;
    const held = numericRv(group.root.resourceVersion);
    const overtaken = acted !== undefined && held !== undefined && held < acted;
    let changed = false;
    for (const i of group.intents) {
      const h = i.heldDone;
      if (h === undefined || i.emitted !== undefined) continue;
      const end = i.end;
      if (overtaken && !h.setAside && h.rv < acted && end?.reason === 'converged' && end.time === undefined) {
        h.setAside = true;
        i.end = undefined;
        changed = true;
      } else if (!overtaken && h.setAside && (end === undefined || end.reason === 'superseded')) {
        h.setAside = false;
        i.end = { reason: 'converged', time: undefined, observedAt: this.#clock.now(), message: undefined };
      }
    }
    if (changed) this.#supersede(group);
  }

  /**
   * The intent of a root found in the initial list (once the list shows Events: a
   * kubetrail ran before, it lists Events; kspan's captures do not), marked partial
   * and history: the previous instance exported its trace so far, an open one as cut
   * off at its shutdown. Finished or in flight, only what happens after the start
   * follows, under its deterministic trace id: a restart sends no span twice.
   */
  openListed(group: RootGroup): void {
    const p = group.root;
    const now = this.#clock.now();
    let intent: Intent;
    if (p.deletionTimestamp !== undefined) {
      intent = this.#open(group, 'delete', deletionRequestedAt(p), 'unknown', '', false, now);
    } else {
      const gen = p.generation ?? 0;
      const writer = specWriterOf(p, undefined);
      const start = writer.time ?? (gen <= 1 ? p.creationTimestamp : undefined);
      intent = this.#open(group, gen, start, writer.manager, writer.operation, false, now);
    }
    intent.partial = true;
    shownBy(intent, p);
    const outcome = p.deletionTimestamp === undefined ? outcomeOf(p) : undefined;
    if (this.#backfill) {
      this.#backfillListed(group, intent, outcome, now);
      return;
    }
    if (outcome?.state === 'done') {
      intent.end ??= { reason: 'converged', time: outcome.time, observedAt: now, message: undefined };
    }
    asHistory(intent);
  }

  /**
   * --backfill: the listed intent is rebuilt and sent, not left to the instance
   * before. The list shows the current generation's start (managedFields) and the
   * Create's (creationTimestamp), not those of the generations in between: with
   * generation 2, the Create is rebuilt too; beyond, what came before the current
   * generation is one hidden intent, never sent, so nothing of it lands in a wrong trace.
   */
  #backfillListed(
    group: RootGroup,
    intent: Intent,
    outcome: ReturnType<typeof outcomeOf> | undefined,
    now: number,
  ): void {
    const p = group.root;
    if (intent.start === undefined) {
      // Its start unknown (a scale subresource's managedFields entry has no time), nothing of
      // what came before can be placed: it is history, as without --backfill.
      asHistory(intent);
      return;
    }
    intent.backfill = 'exact';
    if (outcome?.state === 'done') {
      // Done by the list's state; when the kind's "done" has no time, at the root's last condition
      // change, never before the intent's start (not at the latest fact, which may be a later intent's).
      let at = outcome.time ?? intent.start;
      for (const c of p.conditions)
        if (c.lastTransitionTime !== undefined && c.lastTransitionTime > at) at = c.lastTransitionTime;
      intent.end = {
        reason: 'converged',
        time: Math.max(at, intent.start),
        observedAt: now,
        message: undefined,
      };
    }
    const gen = p.generation ?? 0;
    const current = intent.key === 'delete' ? gen + 1 : gen;
    if (current <= 1) return;
    const before =
      current === 2
        ? this.#open(group, 1, p.creationTimestamp, 'unknown', '', false, now)
        : this.#open(group, 0, undefined, 'unknown', '', false, now);
    before.partial = true;
    if (current === 2) before.backfill = 'exact';
    else {
      before.backfill = 'hidden';
      asHistory(before);
    }
    // Ended where the next one started (superseded), as a live run ends it.
    this.#supersede(group);
  }

  /**
   * --backfill: the rebuilt intents of `group` turn out to be another root's (see the
   * engine's #noteMadeByOther): none is sent, as history. Returns how many there were.
   */
  hideRebuilt(group: RootGroup): number {
    let n = 0;
    for (const i of group.intents) {
      if (i.backfill !== 'exact' || i.emitted !== undefined) continue;
      i.backfill = 'hidden';
      asHistory(i);
      n += 1;
    }
    return n;
  }

  /**
   * A closed root's group opened again (a CronJob's later run): the intent just
   * opened for the root's current state was sent and let go of before; it is
   * taken as emitted, so only late spans of it follow, never its root again.
   */
  asSent(group: RootGroup): void {
    for (const i of group.intents) {
      if (i.emitted !== undefined || i.changed !== undefined) continue;
      i.lazy = false;
      asHistory(i);
    }
  }

  /**
   * A root of the initial list whose group was opened before the list showed Events:
   * its intent for the root's current state, if not sent yet, is history.
   */
  continueListed(group: RootGroup): void {
    const p = group.root;
    const i = group.intent(p.deletionTimestamp !== undefined ? 'delete' : (p.generation ?? 0));
    if (i === undefined || i.emitted !== undefined) return;
    i.partial = true;
    i.lazy = false;
    asHistory(i);
  }

  #open(
    group: RootGroup,
    key: IntentKey,
    start: number | undefined,
    manager: string,
    managerOperation: string,
    lazy = false,
    seenAt = Number.POSITIVE_INFINITY,
    offset: number | undefined = undefined,
    floor: number | undefined = undefined,
  ): Intent {
    const existing = group.intent(key);
    if (existing !== undefined) {
      // The delta that first showed the change says when and by whom, whatever the arrival order.
      if (!lazy && (seenAt < existing.seenAt || existing.lazy)) {
        existing.seenAt = seenAt;
        existing.startOffset = offset;
        existing.start = start;
        existing.startFloor = floor;
        existing.manager = manager;
        existing.managerOperation = managerOperation;
        existing.partial = existing.partial || this.#isPartial(start);
        existing.lazy = false;
        group.reorder();
        this.#supersede(group);
      }
      return existing;
    }
    const operation =
      key === 'delete' ? 'Delete' : typeof key !== 'number' ? 'Change' : key <= 1 ? 'Create' : 'Update';
    const intent: Intent = {
      key,
      traceId: traceIdOf(group.rootUid, key),
      operation,
      changed: undefined,
      start,
      seenAt,
      startOffset: lazy ? undefined : offset,
      endOffset: undefined,
      endRv: undefined,
      openedAt: this.#clock.now(),
      manager,
      managerOperation,
      partial: this.#isPartial(start),
      lazy,
      end: undefined,
      skippedEmpty: false,
      history: false,
      startFloor: floor,
      backfill: undefined,
      emitted: undefined,
      emittedVersion: -1,
      leftOut: undefined,
      firstRv: undefined,
    };
    group.addIntent(intent);
    this.#supersede(group);
    return intent;
  }

  #isPartial(start: number | undefined): boolean {
    const startedAt = this.startedAt;
    return start === undefined || (startedAt !== undefined && start < startedAt);
  }

  /**
   * A newer intent supersedes older ones still open (kspan #40: never mix
   * generations): each ends where the next one started. Decided from the
   * starts, so the result does not depend on which intent arrived first.
   */
  #supersede(group: RootGroup): void {
    const intents = group.intents;
    for (let i = 0; i < intents.length; i++) {
      const intent = intents[i];
      // An intent without a spec change neither supersedes one nor is superseded: they overlap.
      if (intent === undefined || intent.emitted !== undefined || !isSpecIntent(intent)) continue;
      let next: number | undefined;
      for (let j = i + 1; j < intents.length; j++) {
        const later = intents[j];
        if (later === undefined || !isSpecIntent(later)) continue;
        const s = later.start;
        if (s !== undefined && (intent.start === undefined || s >= intent.start)) {
          next = s;
          break;
        }
      }
      if (next === undefined) continue;
      const end = intent.end;
      if (end === undefined || (end.reason === 'superseded' && end.time !== undefined && end.time > next)) {
        intent.end = { reason: 'superseded', time: next, observedAt: this.#clock.now(), message: undefined };
      }
    }
  }
}

/**
 * Ends the candidate run of a CronJob's Job `p` when the Job reports its
 * "done" (converged) or its failure (error): whatever arrives first, the
 * Job's own condition time decides.
 */
function endRun(intent: Intent, p: ObjectProjection, now: number): void {
  if (intent.emitted !== undefined || intent.end !== undefined) return;
  const outcome = outcomeOf(p);
  if (outcome.state === 'done') {
    intent.end = { reason: 'converged', time: outcome.time, observedAt: now, message: undefined };
  } else if (outcome.state === 'failed') {
    intent.end = { reason: 'error', time: outcome.time, observedAt: now, message: outcome.message };
  }
}

/** Records that `p`, a state of the root, showed `intent`: the lowest numeric resourceVersion is kept. */
function shownBy(intent: Intent, p: ObjectProjection): void {
  const rv = numericRv(p.resourceVersion);
  if (rv !== undefined && (intent.firstRv === undefined || rv < intent.firstRv)) intent.firstRv = rv;
}

/**
 * True unless the root of `group` is being deleted and `p`'s delta was written after the
 * first write that showed that delete (unknown order counts as after): a namespace's
 * controller deletes its Pods and ReplicaSets before their Deployment, and a lagged watch
 * may deliver them after it.
 */
function writtenBeforeRootDelete(group: RootGroup, p: ObjectProjection): boolean {
  const del = group.intent('delete');
  if (del === undefined) return true;
  const rv = numericRv(p.resourceVersion);
  return rv !== undefined && del.firstRv !== undefined && rv < del.firstRv;
}

/** Marks `i` as exported by the previous instance so far: only later spans follow. */
function asHistory(i: Intent): void {
  i.history = true;
  i.emitted = new SpanKeys();
}

/**
 * When a change of `p` that may be an intent of its own began, or undefined
 * when the delta shows none: the eviction (`DisruptionTarget`), the delete
 * request, a DaemonSet Pod's creation once it is placed on a Node, or the
 * creation of a Job a CronJob made (a scheduled run).
 */
function changeStart(p: ObjectProjection, type: DeltaType, time: number): number | undefined {
  if (p.kind === 'Job') return madeByCronJob(p) ? (p.creationTimestamp ?? time) : undefined;
  if (p.kind !== 'Pod' && p.kind !== 'ReplicaSet') return undefined;
  const deleting = type === 'DELETED' || p.deletionTimestamp !== undefined;
  const deleted = deleting ? Math.min(deletionRequestedAt(p) ?? time, time) : undefined;
  if (p.kind === 'Pod') {
    const disruption = conditionOf(p, 'DisruptionTarget');
    if (disruption?.status === 'True') {
      const at = disruption.lastTransitionTime ?? deleted ?? time;
      return deleted === undefined ? at : Math.min(at, deleted);
    }
    if (deleted !== undefined) return deleted;
    const daemon = p.owners.some((o) => o.controller && o.kind === 'DaemonSet');
    return daemon && p.nodeName !== undefined ? (p.creationTimestamp ?? time) : undefined;
  }
  return deleted;
}

/** True when `p` is a Job whose controller is a CronJob: one of its runs, or its spec change's consequence. */
function madeByCronJob(p: ObjectProjection): boolean {
  return p.kind === 'Job' && p.owners.some((o) => o.controller && o.kind === 'CronJob');
}

function specTime(t: number | undefined, observed: number, notBefore: number): number {
  // A stale managedFields time (an older writer's) must not move the intent before the last one.
  if (t === undefined || t > observed || t < notBefore) return observed;
  return t;
}

/**
 * The start of the second of the newest stamp `p` carries (its creation, spec and status
 * writes, a delete request): the write a delta shows was made no earlier.
 */
function newestStampSecond(p: ObjectProjection): number | undefined {
  let newest: number | undefined;
  for (const t of [p.creationTimestamp, p.specChange?.time, p.statusWrittenAt, deletionRequestedAt(p)]) {
    if (t !== undefined && (newest === undefined || t > newest)) newest = t;
  }
  return newest === undefined ? undefined : secondOf(newest);
}
