import type { ObjectGraph } from '../graph/object-graph.js';
import type { ObjectProjection } from '../model/projection.js';
import { secondOf } from '../normalise/refine-time.js';

/** An owner deleted before this instance watched it, as the objects it left show it. */
export interface GoneOwner {
  /** A stand-in for its last state: its uid, kind and name, and the controller of the object made again under its name. */
  readonly projection: ObjectProjection;
  /**
   * No later than this (cluster time): the creation of the object made again under its
   * name, as its watched create refined it; from the start of its second when the list
   * showed it (a listed stamp stands for its whole second).
   */
  readonly goneBy: number;
}

/**
 * The controller owner `missingUid` of `child`, never seen (in no list, no
 * watch), when another object of its kind now holds its name: an owner
 * deleted before the start, such as a ReplicaSet deleted (in the background)
 * before the initial list, whose Pods still name it by uid until the garbage
 * collector deletes them, and that its Deployment made again under its name.
 * A name is held by one object at a time, so the owner was gone before the
 * other was created; a ReplicaSet's name is its Deployment's and a hash of
 * its Pod template, so the one made again has the same controller. Undefined
 * when no live object holds the name (nothing then says what the owner
 * belonged to: a ReplicaSet not watched, or one nothing made again).
 */
export function goneOwnerOf(
  child: ObjectProjection,
  missingUid: string,
  graph: ObjectGraph,
  createWatched: (again: ObjectProjection) => boolean,
): GoneOwner | undefined {
  const ref = child.owners.find((o) => o.controller && o.uid === missingUid);
  if (ref === undefined) return undefined;
  const againUid = graph.uidByName(ref.kind, child.namespace, ref.name);
  const again = againUid === undefined || againUid === missingUid ? undefined : graph.peek(againUid);
  const made = again?.creationTimestamp;
  if (again === undefined || made === undefined || again.controllerUid === undefined) return undefined;
  const owners = again.owners.filter((o) => o.controller);
  return {
    projection: {
      uid: missingUid,
      kind: again.kind,
      apiVersion: again.apiVersion,
      namespace: again.namespace,
      name: again.name,
      resourceVersion: undefined,
      generation: undefined,
      observedGeneration: undefined,
      owners,
      controllerUid: again.controllerUid,
      creationTimestamp: undefined,
      deletionTimestamp: undefined,
      deletionGracePeriodSeconds: undefined,
      specChange: undefined,
      statusWrittenAt: undefined,
      conditions: [],
      status: {
        specReplicas: undefined,
        replicas: undefined,
        readyReplicas: undefined,
        updatedReplicas: undefined,
        availableReplicas: undefined,
        currentRevision: undefined,
        updateRevision: undefined,
        numberReady: undefined,
        desiredNumberScheduled: undefined,
        updatedNumberScheduled: undefined,
        succeeded: undefined,
        failed: undefined,
        phase: undefined,
      },
      nodeName: undefined,
      cordon: undefined,
      traceparent: undefined,
      traceContext: undefined,
    },
    goneBy: createWatched(again) ? made : secondOf(made),
  };
}
