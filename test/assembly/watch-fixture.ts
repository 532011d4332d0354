import type { Delta } from '../../src/model/delta.js';

// The hand-written watch histories of the assembly tests: times in seconds from T0, and
// the objects their deltas carry, all in namespace default. Deployment web (uid dep) is
// the root object; a test names only what differs in its own story.

/** Second 0 of a hand-written history. */
export const T0 = Date.parse('2026-11-22T10:00:00Z');

/** The apiserver's stamp of second `s`. */
export const iso = (s: number): string => new Date(T0 + s * 1000).toISOString();

/** An exact events.k8s.io `eventTime` at second `s` (microseconds). */
export const micro = (s: number): string => iso(s).replace('Z', '000Z');

/** Second `s` as epoch milliseconds. */
export const ms = (s: number): number => Math.round(T0 + s * 1000);

/** A delta observed at second `s`; `initial` when a list delivered it. */
export function delta(s: number, type: Delta['type'], object: unknown, initial = false): Delta {
  return { time: ms(s), type, object, ...(initial ? { initial: true } : {}) };
}

/** A managedFields entry: `manager`'s update of the spec at second `s`. */
export function specWrite(manager: string, s: number): unknown {
  return { manager, operation: 'Update', time: iso(s), fieldsV1: { 'f:spec': {} } };
}

/** A managedFields entry: the controller's write of the status subresource at second `s`. */
export function statusWrite(s: number): unknown {
  return {
    manager: 'kube-controller-manager',
    operation: 'Update',
    subresource: 'status',
    time: iso(s),
    fieldsV1: { 'f:status': {} },
  };
}

/** What an object refers to its owner or an Event to what it is about by. */
export interface ObjectRef {
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
  readonly apiVersion: string;
}

/** Deployment web. */
export const WEB: ObjectRef = { kind: 'Deployment', name: 'web', uid: 'dep', apiVersion: 'apps/v1' };

/** ReplicaSet `name` (`uid`). */
export const replicaSetRef = (name: string, uid: string): ObjectRef => ({
  kind: 'ReplicaSet',
  name,
  uid,
  apiVersion: 'apps/v1',
});

/** The ownerReferences of an object its controller `owner` made. */
export const controlledBy = (owner: ObjectRef): unknown[] => [
  { kind: owner.kind, name: owner.name, uid: owner.uid, controller: true },
];

/** The optional metadata and top-level fields of a fixture object. */
interface Written {
  /** `metadata.resourceVersion`. */
  readonly rv?: string;
  readonly managedFields?: readonly unknown[];
  readonly status?: unknown;
}

const rvOf = (o: Written): object => (o.rv === undefined ? {} : { resourceVersion: o.rv });
const managedFieldsOf = (o: Written): object =>
  o.managedFields === undefined ? {} : { managedFields: o.managedFields };
const statusOf = (o: Written): object => (o.status === undefined ? {} : { status: o.status });

/** Deployment web at `generation` (default 1), created at second `created` (default 0). */
export function deployment(
  o: Written & { readonly generation?: number; readonly created?: number; readonly replicas?: number } = {},
): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: WEB.name,
      namespace: 'default',
      uid: WEB.uid,
      ...rvOf(o),
      generation: o.generation ?? 1,
      creationTimestamp: iso(o.created ?? 0),
      ...managedFieldsOf(o),
    },
    spec: { replicas: o.replicas ?? 1 },
    ...statusOf(o),
  };
}

/** ReplicaSet `name` (`uid`) of Deployment web, created at second `created`. */
export function replicaSet(
  o: Written & {
    readonly name: string;
    readonly uid: string;
    readonly created: number;
    readonly generation?: number;
    readonly replicas?: number;
  },
): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: o.name,
      namespace: 'default',
      uid: o.uid,
      ...rvOf(o),
      generation: o.generation ?? 1,
      creationTimestamp: iso(o.created),
      ownerReferences: controlledBy(WEB),
      ...managedFieldsOf(o),
    },
    spec: { replicas: o.replicas ?? 1 },
  };
}

/**
 * Pending Pod `name` (`uid`) of `owner`, created at second `created`; its delete requested
 * at second `deleting`, when given (with `grace` seconds, when given).
 */
export function pod(
  o: Omit<Written, 'managedFields' | 'status'> & {
    readonly name: string;
    readonly uid: string;
    readonly owner: ObjectRef;
    readonly created: number;
    readonly deleting?: number | undefined;
    readonly grace?: number;
  },
): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: 'default',
      uid: o.uid,
      ...rvOf(o),
      creationTimestamp: iso(o.created),
      ...(o.deleting === undefined ? {} : { deletionTimestamp: iso(o.deleting) }),
      ...(o.deleting === undefined || o.grace === undefined ? {} : { deletionGracePeriodSeconds: o.grace }),
      ownerReferences: controlledBy(o.owner),
    },
    status: { phase: 'Pending' },
  };
}

/**
 * A core/v1 Event of `component` about `about`, last seen at second `at` (first at `first`,
 * default `at`), `count` occurrences (default 1). Its name is `about`'s name and its uid
 * unless given.
 */
export function coreEvent(o: {
  readonly uid: string;
  readonly about: ObjectRef;
  readonly component: string;
  readonly reason: string;
  readonly message: string;
  readonly at: number;
  readonly first?: number;
  readonly count?: number;
  readonly name?: string;
  readonly rv?: string;
  /** `metadata.creationTimestamp`, a second. */
  readonly created?: number;
}): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: o.name ?? `${o.about.name}.${o.uid}`,
      namespace: 'default',
      uid: o.uid,
      ...(o.rv === undefined ? {} : { resourceVersion: o.rv }),
      ...(o.created === undefined ? {} : { creationTimestamp: iso(o.created) }),
    },
    involvedObject: {
      kind: o.about.kind,
      name: o.about.name,
      namespace: 'default',
      uid: o.about.uid,
      apiVersion: o.about.apiVersion,
    },
    reason: o.reason,
    message: o.message,
    source: { component: o.component },
    count: o.count ?? 1,
    firstTimestamp: iso(o.first ?? o.at),
    lastTimestamp: iso(o.at),
    type: 'Normal',
  };
}

/** The scheduler's events.k8s.io Event binding Pod `podName` (`podUid`), exactly timed at second `at`. */
export function scheduled(uid: string, podName: string, podUid: string, at: number): unknown {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: {
      name: `${podName}.${uid}`,
      namespace: 'default',
      uid,
      creationTimestamp: iso(Math.floor(at)),
    },
    eventTime: micro(at),
    reportingController: 'default-scheduler',
    reportingInstance: 'default-scheduler-1',
    action: 'Binding',
    reason: 'Scheduled',
    regarding: { kind: 'Pod', namespace: 'default', name: podName, uid: podUid, apiVersion: 'v1' },
    note: `Successfully assigned default/${podName} to node-1`,
    type: 'Normal',
  };
}
