import type { SpanRecord, TraceRecord } from '../../src/model/span-record.js';

/** 2021-05-19T09:42:58.000Z */
export const T0 = Date.UTC(2021, 4, 19, 9, 42, 58);

/** A span with the given overrides on top of plausible defaults. */
export function span(o: Partial<SpanRecord> & Pick<SpanRecord, 'spanId' | 'name'>): SpanRecord {
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    role: 'action',
    service: 'deployment-controller',
    startTime: T0,
    endTime: T0,
    status: { code: 'UNSET' },
    attributes: {},
    events: [],
    links: [],
    ...o,
  };
}

/** A small rollout: root, a scale-up, a pod lifecycle with a failing child. */
export function smallTrace(): TraceRecord {
  const root = span({
    spanId: '00f067aa0ba902b7',
    name: 'Deployment.Update',
    role: 'intent',
    service: 'kubectl-client-side-apply',
    startTime: T0,
    endTime: T0 + 2500,
    attributes: { 'k8s.namespace.name': 'default', 'k8s.deployment.name': 'px' },
  });
  const scale = span({
    spanId: '1111111111111111',
    parentSpanId: root.spanId,
    name: 'Deployment.ScalingReplicaSet',
    serviceInstance: 'kcm-1',
    startTime: T0 + 100,
    endTime: T0 + 100,
    attributes: { 'k8s.event.note': 'Scaled up replica set px-5d567cc74c to 1', 'k8s.event.count': 1 },
  });
  const pod = span({
    spanId: '2222222222222222',
    parentSpanId: scale.spanId,
    name: 'Pod.Lifecycle',
    role: 'lifecycle',
    service: 'replicaset-controller',
    startTime: T0 + 250.5,
    endTime: T0 + 2000,
    attributes: { 'k8s.pod.name': 'px-5d567cc74c-ss4lb', 'k8s.pod.uid': 'u-1', ready: true, ratio: 0.5 },
    events: [{ name: 'PodScheduled', time: T0 + 300, attributes: { status: 'True' } }],
    links: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }],
  });
  const pull = span({
    spanId: '3333333333333333',
    parentSpanId: pod.spanId,
    name: 'Pod.Failed',
    service: 'kubelet',
    serviceInstance: 'node-1',
    startTime: T0 + 1000,
    endTime: T0 + 1500,
    status: { code: 'ERROR', message: 'ErrImagePull' },
    attributes: { 'k8s.event.note': 'Failed to pull image "nginx:nope"', tags: ['a', 'b'] },
  });
  return {
    traceId: root.traceId,
    root,
    spans: [root, scale, pod, pull],
    end: 'converged',
    partial: false,
    hasError: true,
  };
}

/** A one-span healthy trace with the given id and length. */
export function healthyTrace(traceId: string, durationMs = 10): TraceRecord {
  const root = span({
    traceId,
    spanId: '0123456789abcdef',
    name: 'Deployment.Update',
    endTime: T0 + durationMs,
  });
  return { traceId, root, spans: [root], end: 'converged', partial: false, hasError: false };
}
