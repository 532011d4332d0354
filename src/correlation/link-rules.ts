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
]);

const CREATE = new Set(['CREATE', 'POST']);
const WRITE = new Set(['UPDATE', 'PUT', 'PATCH', 'APPLY']);
const DELETE = new Set(['DELETE']);
const OBJECT = new Set(['']);
const OBJECT_OR_SCALE = new Set(['', 'scale']);
const BINDING = new Set(['binding']);

/** A managedFields or creation stamp has whole seconds: the request ran within that second. */
const STAMP_MS = 1_000;
/** An Event is recorded after the request it reports, asynchronously: the request ran this much before, at most. */
const EVENT_AFTER_MS = 5_000;

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
  const notByControllers = manager !== CONTROLLER_MANAGER && manager !== '' && manager !== 'unknown';
  // Creation and managedFields stamps are whole seconds of the apiserver's own clock.
  const window = { from: s.startTime, to: s.startTime + STAMP_MS };
  if (intent === 'create')
    return { ...base, verbs: CREATE, subresources: OBJECT, ...window, notByControllers };
  if (intent === 'update')
    return { ...base, verbs: WRITE, subresources: OBJECT_OR_SCALE, ...window, notByControllers };
  if (intent === 'delete')
    return { ...base, verbs: DELETE, subresources: OBJECT, ...window, notByControllers: false };
  return undefined;
}

/** The controller request an action span reports. */
function forAction(s: SpanRecord): WantedRequest | undefined {
  const reason = str(s, A.ATTR_K8S_EVENT_REASON);
  const namespace = str(s, A.ATTR_K8S_NAMESPACE_NAME);
  const window = { from: s.startTime - EVENT_AFTER_MS, to: s.startTime + STAMP_MS, notByControllers: false };
  const actedOn = str(s, A.ATTR_K8S_EVENT_ACTED_ON_NAME);
  const actedOnKind = str(s, A.ATTR_K8S_EVENT_ACTED_ON_KIND);
  if (reason === 'SuccessfulCreate' && actedOnKind === 'Pod' && actedOn !== '')
    return { resource: 'pods', namespace, name: actedOn, verbs: CREATE, subresources: OBJECT, ...window };
  if (reason === 'SuccessfulDelete' && actedOnKind === 'Pod' && actedOn !== '')
    return { resource: 'pods', namespace, name: actedOn, verbs: DELETE, subresources: OBJECT, ...window };
  if (reason === 'ScalingReplicaSet' && actedOnKind === 'ReplicaSet' && actedOn !== '')
    return {
      resource: 'replicasets',
      namespace,
      name: actedOn,
      verbs: WRITE,
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
