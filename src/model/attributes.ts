/**
 * Every attribute key the core writes, in one place so the README can list them.
 * OpenTelemetry semantic conventions where they exist; `k8s.event.*`, `k8s.object.*`
 * and `kubetrail.*` where they do not.
 */

/** Namespace of the object a span is about (semconv). */
export const ATTR_K8S_NAMESPACE_NAME = 'k8s.namespace.name';
/** Kind of an object with no semconv key of its own. */
export const ATTR_K8S_OBJECT_KIND = 'k8s.object.kind';
/** Name of an object with no semconv key of its own. */
export const ATTR_K8S_OBJECT_NAME = 'k8s.object.name';
/** UID of an object with no semconv key of its own. */
export const ATTR_K8S_OBJECT_UID = 'k8s.object.uid';
/** API version of the object a span is about. */
export const ATTR_K8S_OBJECT_API_VERSION = 'k8s.object.api_version';

/** UID of the Event an action span stands for; tests and tools find spans by it. */
export const ATTR_K8S_EVENT_UID = 'k8s.event.uid';
/** The Event's reason, e.g. `Scheduled`. */
export const ATTR_K8S_EVENT_REASON = 'k8s.event.reason';
/** The Event's type, `Normal` or `Warning`. */
export const ATTR_K8S_EVENT_TYPE = 'k8s.event.type';
/** The Event's note (core/v1 `message`), truncated to {@link NOTE_LIMIT_BYTES}. */
export const ATTR_K8S_EVENT_NOTE = 'k8s.event.note';
/** True when the note was truncated. */
export const ATTR_K8S_EVENT_NOTE_TRUNCATED = 'k8s.event.note.truncated';
/** How many times the Event was seen (core/v1 `count`, events.k8s.io `series.count`). */
export const ATTR_K8S_EVENT_COUNT = 'k8s.event.count';
/** Epoch ms of the last occurrence of a repeated Event. */
export const ATTR_K8S_EVENT_LAST_TIME = 'k8s.event.last_time';
/** The controller that reported the Event (`reportingController` / `source.component`). */
export const ATTR_K8S_EVENT_REPORTING_CONTROLLER = 'k8s.event.reporting_controller';
/** The reporting instance (`reportingInstance` / `source.host`). */
export const ATTR_K8S_EVENT_REPORTING_INSTANCE = 'k8s.event.reporting_instance';
/** The Event's `fieldPath`, e.g. `spec.containers{web}`. */
export const ATTR_K8S_EVENT_FIELD_PATH = 'k8s.event.field_path';
/** Kind of the object the action acted on, as the causality rule read it from the note. */
export const ATTR_K8S_EVENT_ACTED_ON_KIND = 'k8s.event.acted_on.kind';
/** Name of the object the action acted on, as the causality rule read it from the note. */
export const ATTR_K8S_EVENT_ACTED_ON_NAME = 'k8s.event.acted_on.name';

/** The manager that made the change (from managedFields), or `unknown`. */
export const ATTR_KUBETRAIL_MANAGER = 'kubetrail.intent.manager';
/** The managedFields operation of the change (`Update`, `Apply`). */
export const ATTR_KUBETRAIL_OPERATION = 'kubetrail.intent.operation';
/**
 * The intent: `create`, `update` or `delete`; for a change that is not a spec
 * change, `delete` (a Pod or ReplicaSet a user deleted), `evict`, `join` (a Node),
 * `cordon` (a Node made unschedulable, and the drain that follows) or `notready`
 * (a Node's `Ready` condition leaving True, and the taint manager's evictions that follow).
 */
export const ATTR_KUBETRAIL_INTENT = 'kubetrail.intent';
/**
 * An eviction's reason: the `DisruptionTarget` condition's (`EvictionByEvictionAPI`,
 * `DeletionByTaintManager`…); an outage's, the `Ready` condition's (`NodeStatusUnknown`).
 */
export const ATTR_KUBETRAIL_INTENT_REASON = 'kubetrail.intent.reason';
/**
 * On a `Node.Cordon` or `Node.NotReady` root: how many Pods the drain that followed the
 * cordon, or the taint manager during the outage, evicted (its `Pod.Evict` children).
 */
export const ATTR_KUBETRAIL_DRAIN_EVICTIONS = 'kubetrail.drain.evictions';
/** The generation the intent asked for. */
export const ATTR_KUBETRAIL_GENERATION = 'kubetrail.intent.generation';
/** Why the trace ended: see TraceEnd (`converged`, `error`, `cut-off`, `superseded`, `shutdown`). */
export const ATTR_KUBETRAIL_TRACE_END = 'kubetrail.trace.end';
/** True when the intent began before kubetrail started watching. */
export const ATTR_KUBETRAIL_PARTIAL = 'kubetrail.trace.partial';
/** On the root of a trace rebuilt or continued with --backfill: how many of its spans the initial list did not settle, left out. */
export const ATTR_KUBETRAIL_BACKFILL_LEFT_OUT = 'kubetrail.backfill.left_out';
/** True when a span's parent is a guess (time and owner chain), not a rule or an owner uid. */
export const ATTR_KUBETRAIL_PARENT_INFERRED = 'kubetrail.parent.inferred';
/** True on a lifecycle or termination span that had not ended when its trace was emitted. */
export const ATTR_KUBETRAIL_SPAN_OPEN = 'kubetrail.span.open';

/** The ids of the span that a traceparent annotation named (used on links). */
export const ATTR_KUBETRAIL_LINK_SOURCE = 'kubetrail.link.source';

/** On a tap link: what the linked span is (`apiserver.request`, `kubelet`, `kubetrail.root`). */
export const ATTR_KUBETRAIL_LINK_KIND = 'kubetrail.link.kind';
/** On a tap link: true when more than one request matched exactly, so each is linked and none is chosen. */
export const ATTR_KUBETRAIL_LINK_AMBIGUOUS = 'kubetrail.link.ambiguous';
/** On a tap link to a request: the request's audit id, to find it in the audit log. */
export const ATTR_KUBETRAIL_LINK_AUDIT_ID = 'kubetrail.link.audit_id';
/** On a Delete root: where the deleter named by `kubetrail.intent.manager` came from (`user-agent`). */
export const ATTR_KUBETRAIL_MANAGER_SOURCE = 'kubetrail.intent.manager.source';

/** Condition type on a condition span event. */
export const ATTR_K8S_CONDITION_TYPE = 'k8s.condition.type';
/** Condition status on a condition span event. */
export const ATTR_K8S_CONDITION_STATUS = 'k8s.condition.status';
/** Condition reason on a condition span event. */
export const ATTR_K8S_CONDITION_REASON = 'k8s.condition.reason';
/** Condition message on a condition span event. */
export const ATTR_K8S_CONDITION_MESSAGE = 'k8s.condition.message';

/** Upper bound on a stored note, in UTF-16 code units (about 4 KiB of ASCII). */
export const NOTE_LIMIT_BYTES = 4096;

/** Kinds with their own semconv keys: `k8s.<kind>.name` and `k8s.<kind>.uid`. */
export const SEMCONV_KINDS: ReadonlySet<string> = new Set([
  'Pod',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Node',
]);

const nameKeys = new Map<string, string>();
const uidKeys = new Map<string, string>();
for (const kind of SEMCONV_KINDS) {
  nameKeys.set(kind, `k8s.${kind.toLowerCase()}.name`);
  uidKeys.set(kind, `k8s.${kind.toLowerCase()}.uid`);
}

/** The name attribute key for an object of `kind` (`k8s.pod.name`, or `k8s.object.name`). */
export function nameAttributeKey(kind: string): string {
  return nameKeys.get(kind) ?? ATTR_K8S_OBJECT_NAME;
}

/** The uid attribute key for an object of `kind` (`k8s.pod.uid`, or `k8s.object.uid`). */
export function uidAttributeKey(kind: string): string {
  return uidKeys.get(kind) ?? ATTR_K8S_OBJECT_UID;
}
