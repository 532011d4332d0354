import { hash } from 'node:crypto';
import { flatString } from './flat-string.js';

/**
 * The generation part of a trace id: a generation number, `delete`, or, for an
 * intent without a spec change, `change/` and the uid of the object whose change
 * opened it (a Pod deleted or evicted, a ReplicaSet deleted, a DaemonSet Pod
 * placed on a Node that joined).
 */
export type IntentKey = number | 'delete' | ChangeKey;

/** The key of an intent without a spec change: `change/<uid of the changed object>`. */
export type ChangeKey = `change/${string}`;

/** The key of the intent a change of the object `uid` may open. */
export function changeKeyOf(uid: string): ChangeKey {
  return `change/${uid}`;
}

function hexOf(input: string, length: number): string {
  // One-shot hashing: no Hash object per id (ids are made for every span of every trace).
  // Flat: a plain slice would keep all 64 characters alive in every id held (112 bytes, not 32).
  return flatString(hash('sha256', input, 'hex').slice(0, length));
}

/** Trace id of an intent: first 32 hex of sha256(root uid + "/" + (generation | "delete" | "change/" + object uid)). */
export function traceIdOf(rootUid: string, key: IntentKey): string {
  return hexOf(`${rootUid}/${key}`, 32);
}

/** Lifecycle span id of an object in a trace: 16 hex of sha256(traceId + object uid). The root span is the root object's lifecycle span. */
export function lifecycleSpanIdOf(traceId: string, objectUid: string): string {
  return hexOf(traceId + objectUid, 16);
}

/** Termination span id of an object in a trace: 16 hex of sha256(traceId + object uid + "/terminate"). */
export function terminationSpanIdOf(traceId: string, objectUid: string): string {
  return hexOf(`${traceId}${objectUid}/terminate`, 16);
}

/** Action span id of an Event: 16 hex of sha256(event uid), the same in every trace and on every replica. */
export function eventSpanIdOf(eventUid: string): string {
  return hexOf(eventUid, 16);
}

/**
 * Span id of the occurrences of an Event from `count` on, when they belong to a
 * later intent than its first (a StatefulSet re-creating a pod of the same name):
 * 16 hex of sha256(event uid + "/" + count).
 */
export function eventOccurrenceSpanIdOf(eventUid: string, count: number): string {
  return hexOf(`${eventUid}/${count}`, 16);
}

/**
 * Span id of the back-link span kubetrail adds to an apiserver request's trace:
 * 16 hex of sha256(root trace id + "/" + request span id + "/backlink").
 */
export function backLinkSpanIdOf(rootTraceId: string, requestSpanId: string): string {
  return hexOf(`${rootTraceId}/${requestSpanId}/backlink`, 16);
}

/**
 * Trace id of a Node's spell and the evictions that follow it, `cordon` (a
 * drain) or `notready` (an outage): first 32 hex of sha256(node uid + "/" +
 * the spell + "/" + its whole-second stamp, epoch ms).
 */
export function nodeSpellTraceIdOf(
  nodeUid: string,
  spell: 'cordon' | 'notready',
  stampSecond: number,
): string {
  return hexOf(`${nodeUid}/${spell}/${stampSecond}`, 32);
}

/**
 * Root span id of an intent without a spec change that another trace holds (an
 * eviction in its drain's trace, where several Pods of one workload may be
 * evicted): 16 hex of sha256(trace id + uid of the object changed + "/change").
 */
export function changeRootSpanIdOf(traceId: string, changedUid: string): string {
  return hexOf(`${traceId}${changedUid}/change`, 16);
}
