import type { ObjectGraph } from '../graph/object-graph.js';
import type { NormalEvent, ObjectRef } from '../model/projection.js';

/**
 * What causality reads of an Event whose span went out, and no more; the
 * strings of the object it is about are the graph's own where the graph holds
 * that object (each Event parsed its own copies). `keepMessage`: a scaling
 * step's, whose sizes ("from 1 to 2") name the ReplicaSet write it reports.
 */
export function slimEvent(ev: NormalEvent, graph: ObjectGraph, keepMessage = false): NormalEvent {
  const inv = ev.involved;
  const p = inv.uid === '' ? undefined : graph.peek(inv.uid);
  const same = p !== undefined && p.name === inv.name && p.namespace === inv.namespace;
  return new SettledEvent(
    ev,
    new SettledRef(
      inv.kind,
      inv.namespace,
      same ? p.name : inv.name,
      same ? p.uid : inv.uid,
      inv.resourceVersion,
    ),
    keepMessage ? ev.message : '',
  );
}

/**
 * An Event whose span went out, as causality reads it: fields of its own only
 * for what is read (the message only of a scaling step, empty otherwise); the
 * rest (name, notes, instance, related object, and the times and count of the
 * delivery, which the fact holds as start, lastTime and count) empty on the
 * prototype, so each costs nothing per Event: a time held is a boxed number,
 * 24 bytes with its field.
 */
export class SettledEvent implements NormalEvent {
  readonly uid: string;
  readonly namespace: string;
  readonly reason: string;
  readonly type: string;
  readonly occurrence: number | undefined;
  readonly controller: string;
  readonly involved: ObjectRef;
  readonly message: string;

  constructor(
    ev: Pick<NormalEvent, 'uid' | 'namespace' | 'reason' | 'type' | 'occurrence' | 'controller'>,
    involved: ObjectRef,
    message = '',
  ) {
    this.uid = ev.uid;
    this.namespace = ev.namespace;
    this.reason = ev.reason;
    this.type = ev.type;
    this.occurrence = ev.occurrence;
    this.controller = ev.controller;
    this.involved = involved;
    this.message = message;
  }

  get name(): string {
    return '';
  }
  get resourceVersion(): string | undefined {
    return undefined;
  }
  get note(): string {
    return '';
  }
  get noteTruncated(): boolean {
    return false;
  }
  get instance(): string {
    return '';
  }
  get related(): ObjectRef | undefined {
    return undefined;
  }
  /** Read only to start a root, and the root of this Event's trace went out with its span. */
  get exactFirstTime(): boolean {
    return false;
  }
  /** Read only of a delivery as it arrives (the fact keeps its start), and of an exact first time: NaN equals no time. */
  get firstTime(): number {
    return Number.NaN;
  }
  /** Read only of a delivery as it arrives: the fact keeps the latest time. */
  get lastTime(): number {
    return Number.NaN;
  }
  /** Read only of a delivery as it arrives: the fact keeps the highest count. */
  get count(): number {
    return 0;
  }
}

/** The object a settled Event is about: no API version or field path (never read once its span went out). */
export class SettledRef implements ObjectRef {
  constructor(
    readonly kind: string,
    readonly namespace: string,
    readonly name: string,
    readonly uid: string,
    readonly resourceVersion: string | undefined,
  ) {}

  get apiVersion(): string {
    return '';
  }
  get fieldPath(): string | undefined {
    return undefined;
  }
}
