/**
 * Which apiserver request each kind of kubetrail span should link to: a pure
 * table from a span to the identity of the request that made it (resource,
 * namespace, name, verbs, subresources) and the time window that request must
 * fall in. Anything the table does not name gets no link.
 */
import * as A from '../model/attributes.js';
import type { SpanRecord } from '../model/span-record.js';

/** The identity a link requires, and when the request must have run. */
export interface WantedRequest {
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
  readonly verbs: ReadonlySet<string>;
  readonly subresources: ReadonlySet<string>;
  /** The request's [start, end] must meet [from, to) (epoch ms). */
  readonly from: number;
  readonly to: number;
  /** Leave out requests whose user agent is a kube-system controller (a user's intent). */
  readonly notByControllers: boolean;
  /**
   * Leave out the node agent's requests: the kubelet's (or kwok's, in its place)
   * final DELETE of a Pod, sent after the delete it completes.
   */
  readonly notByNodeAgent?: boolean;
  /** The Event's reporting controller: the request must be sent by it. */
  readonly reporter?: string;
  /** The managedFields manager: the request's field manager (named, or its program by default) must be it. */
  readonly fieldManager?: string;
}

/** Built-in kinds kubetrail roots and acts on, and their plural resources. */
const RESOURCE_OF_KIND: ReadonlyMap<string, string> = new Map([
  ['Deployment', 'deployments'],
  ['ReplicaSet', 'replicasets'],
  ['StatefulSet', 'statefulsets'],
  ['DaemonSet', 'daemonsets'],
  ['Job', 'jobs'],
  ['CronJob', 'cronjobs'],
  ['Pod', 'pods'],
  ['Node', 'nodes'],
]);

// The handler span's `verb` is the HTTP method, or APPLY for a server-side apply.
const CREATE = new Set(['POST']);
const WRITE = new Set(['PUT', 'PATCH', 'APPLY']);
const DELETE = new Set(['DELETE']);
const WRITE_OR_CREATE = new Set([...WRITE, ...CREATE]);
const OBJECT = new Set(['']);
const OBJECT_OR_SCALE = new Set(['', 'scale']);
const BINDING = new Set(['binding']);
const EVICTION = new Set(['eviction']);

/** Server stamps have whole seconds; kubetrail refines a span's start only inside its second. */
const STAMP_MS = 1_000;

/** The second a span's start falls in (its stamp). */
function stampOf(start: number): number {
  return Math.floor(start / STAMP_MS) * STAMP_MS;
}

/** The user's managers are not controllers; controllers write as this manager. */
const CONTROLLER_MANAGER = 'kube-controller-manager';

function str(s: SpanRecord, key: string): string {
  const v = s.attributes[key];
  return typeof v === 'string' ? v : '';
}

function kindOf(s: SpanRecord): string {
  const dot = s.name.indexOf('.');
  return dot < 0 ? '' : s.name.slice(0, dot);
}

/** The request a root span's intent was made by. */
function forRoot(s: SpanRecord): WantedRequest | undefined {
  const kind = kindOf(s);
  const resource = RESOURCE_OF_KIND.get(kind);
  const name = str(s, A.nameAttributeKey(kind));
  if (resource === undefined || name === '') return undefined;
  const intent = str(s, A.ATTR_KUBETRAIL_INTENT);
  const base = { resource, namespace: str(s, A.ATTR_K8S_NAMESPACE_NAME), name };
  const manager = str(s, A.ATTR_KUBETRAIL_MANAGER);
  const known = manager !== '' && manager !== 'unknown';
  const notByControllers = known && manager !== CONTROLLER_MANAGER;
  // A creationTimestamp is a whole second of the apiserver's own clock: the create ran in it.
  const stamp = stampOf(s.startTime);
  const byManager = known ? { fieldManager: manager } : {};
  if (intent === 'create')
    return {
      ...base,
      verbs: CREATE,
      subresources: OBJECT,
      from: stamp,
      to: stamp + STAMP_MS,
      notByControllers,
      ...byManager,
    };
  // An update starts at its managedFields stamp, or, when the entry has no time (a
  // scale subresource), when it was observed, just after the write; a delete at its
  // deletionTimestamp or when it was observed. Either way the request ran in that
  // second or the one before.
  const around = { from: stamp - STAMP_MS, to: stamp + STAMP_MS };
  if (intent === 'update')
    return {
      ...base,
      verbs: WRITE,
      subresources: OBJECT_OR_SCALE,
      ...around,
      notByControllers,
      ...byManager,
    };
  if (intent === 'delete')
    return {
      ...base,
      verbs: DELETE,
      subresources: OBJECT,
      ...around,
      notByControllers: false,
      notByNodeAgent: resource === 'pods',
    };
  // A cordon starts at the managedFields stamp of `f:spec.f:unschedulable`: kubectl's PATCH of the
  // Node ran in that second (or the one before, refined); the node controller's taint PATCH is not its manager's.
  if (intent === 'cordon' && resource === 'nodes')
    return {
      ...base,
      namespace: '',
      verbs: WRITE,
      subresources: OBJECT,
      ...around,
      notByControllers,
      ...byManager,
    };
  // An eviction starts at its DisruptionTarget transition, which the Eviction API's
  // POST pods/NAME/eviction writes (a taint manager's or the kubelet's have no request).
  if (intent === 'evict' && resource === 'pods')
    return { ...base, verbs: CREATE, subresources: EVICTION, ...around, notByControllers: false };
  // A Node joins at its creationTimestamp: the POST nodes ran in that second.
  if (intent === 'join' && resource === 'nodes')
    return {
      ...base,
      namespace: '',
      verbs: CREATE,
      subresources: OBJECT,
      from: stamp,
      to: stamp + STAMP_MS,
      notByControllers: false,
    };
  return undefined;
}

/**
 * The size a scaling step's note says it started from (`Scaled up replica set
 * web-7c4c8b4cc from 1 to 2`), or 0 when the note does not say: then the step
 * may have been the ReplicaSet's create, as before.
 */
function scaledFrom(note: string): number {
  const m = /\bfrom (\d+) to \d+\s*$/.exec(note);
  return m?.[1] === undefined ? 0 : Number(m[1]);
}

/** The controller request an action span reports. */
function forAction(s: SpanRecord): WantedRequest | undefined {
  const reason = str(s, A.ATTR_K8S_EVENT_REASON);
  const namespace = str(s, A.ATTR_K8S_NAMESPACE_NAME);
  const reporter = str(s, A.ATTR_K8S_EVENT_REPORTING_CONTROLLER);
  if (reporter === '') return undefined;
  // An Event is recorded just after the request it reports: in the second of its stamp or
  // the one before (core/v1 Events have whole seconds, events.k8s.io microseconds).
  const stamp = stampOf(s.startTime);
  const window = {
    from: stamp - STAMP_MS,
    to: stamp + STAMP_MS,
    notByControllers: false,
    reporter,
  };
  const actedOn = str(s, A.ATTR_K8S_EVENT_ACTED_ON_NAME);
  const actedOnKind = str(s, A.ATTR_K8S_EVENT_ACTED_ON_KIND);
  if (reason === 'SuccessfulCreate' && actedOnKind === 'Pod' && actedOn !== '')
    return { resource: 'pods', namespace, name: actedOn, verbs: CREATE, subresources: OBJECT, ...window };
  if (reason === 'SuccessfulDelete' && actedOnKind === 'Pod' && actedOn !== '')
    return { resource: 'pods', namespace, name: actedOn, verbs: DELETE, subresources: OBJECT, ...window };
  // A scaling step is the ReplicaSet's update, or its create when a new one starts at its
  // size ("from 0 to N"). A step from N > 0 scales a ReplicaSet that existed: never a create.
  if (reason === 'ScalingReplicaSet' && actedOnKind === 'ReplicaSet' && actedOn !== '')
    return {
      resource: 'replicasets',
      namespace,
      name: actedOn,
      verbs: scaledFrom(str(s, A.ATTR_K8S_EVENT_NOTE)) === 0 ? WRITE_OR_CREATE : WRITE,
      subresources: OBJECT_OR_SCALE,
      ...window,
    };
  if (reason === 'Scheduled' && kindOf(s) === 'Pod') {
    const pod = str(s, A.nameAttributeKey('Pod'));
    if (pod !== '')
      return { resource: 'pods', namespace, name: pod, verbs: CREATE, subresources: BINDING, ...window };
  }
  return undefined;
}

/** The request `span` should link to, or undefined when no rule names one. */
export function wantedRequest(span: SpanRecord): WantedRequest | undefined {
  if (span.role === 'intent') return forRoot(span);
  if (span.role === 'action') return forAction(span);
  return undefined;
}

/** The Pod uid whose kubelet spans a Pod lifecycle span links to. */
export function kubeletPodUid(span: SpanRecord): string | undefined {
  if (span.role !== 'lifecycle' || kindOf(span) !== 'Pod') return undefined;
  const uid = str(span, A.uidAttributeKey('Pod'));
  return uid === '' ? undefined : uid;
}
