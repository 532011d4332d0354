/**
 * A deterministic synthetic cluster recording for the benchmark: Deployments created
 * and then rolled out, with the ReplicaSets, Pods and Events the real controllers
 * produce (v1.37 wording, events.k8s.io/v1 shape, managedFields and conditions).
 * Same seed, same text, byte for byte.
 */
import { prng } from '../prng.js';

/** Options of {@link generateClusterRecording}. */
export interface GeneratorOptions {
  readonly deployments: number;
  readonly replicas?: number;
  readonly seed?: number;
  /** Fraction of rollouts that get stuck pulling an image. */
  readonly failureRate?: number;
  readonly nodes?: number;
  /** Epoch ms of the first delta. */
  readonly start?: number;
}

/** The generated recording: JSON Lines text plus counts. */
export interface GeneratedRecording {
  readonly lines: readonly string[];
  readonly deployments: number;
  readonly pods: number;
  readonly events: number;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

interface Pending {
  readonly time: number;
  readonly seq: number;
  readonly line: string;
}

type Json = Record<string, unknown>;

/** A delta's resourceVersion until the deltas are in time order. */
const RV_SLOT = '@rv@';
const RV_FIELD = `"resourceVersion":"${RV_SLOT}"`;

/** Builds the recording. Deltas come out in time order, as one watch stream would deliver them. */
export function generateClusterRecording(o: GeneratorOptions): GeneratedRecording {
  const rand = prng(o.seed ?? 42);
  const replicas = o.replicas ?? 3;
  const failureRate = o.failureRate ?? 0.05;
  const nodeCount = o.nodes ?? 100;
  const start = o.start ?? Date.UTC(2026, 10, 22, 10, 0, 0);
  const out: Pending[] = [];
  let seq = 0;
  let rv = 1000;
  let pods = 0;
  let events = 0;

  const rnd = (n: number): number => Math.floor(rand() * n);
  const suffix = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += NAME_CHARS[rnd(NAME_CHARS.length)];
    return s;
  };
  const hex = (n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[rnd(16)];
    return s;
  };
  const uid = (): string => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const iso = (ms: number): string =>
    new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const isoMicro = (ms: number): string => new Date(ms).toISOString().replace('Z', '000Z');
  const emit = (time: number, type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Json): void => {
    const meta = object.metadata as Json;
    // Numbered once in time order below, as etcd numbers writes.
    meta.resourceVersion = RV_SLOT;
    const line = `{"time":"${new Date(time).toISOString().replace('Z', '123Z')}","type":"${type}","object":${JSON.stringify(object)}}`;
    out.push({ time, seq: seq++, line });
  };

  const nodes: string[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const name = `node-${String(i).padStart(4, '0')}`;
    nodes.push(name);
    emit(start - 60_000 + i, 'ADDED', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        uid: uid(),
        creationTimestamp: iso(start - 86_400_000),
        labels: { 'kubernetes.io/hostname': name },
      },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            lastTransitionTime: iso(start - 86_400_000),
          },
        ],
      },
    });
  }

  interface Ref {
    readonly apiVersion: string;
    readonly kind: string;
    readonly name: string;
    readonly namespace: string;
    readonly uid: string;
  }
  const event = (
    time: number,
    regarding: Ref,
    reason: string,
    note: string,
    controller: string,
    instance: string,
    action: string,
    type: 'Normal' | 'Warning' = 'Normal',
    fieldPath?: string,
    count?: number,
  ): void => {
    events += 1;
    const name = `${regarding.name}.${hex(16)}`;
    emit(time, 'ADDED', {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, namespace: regarding.namespace, uid: uid(), creationTimestamp: iso(time) },
      eventTime: isoMicro(time),
      reportingController: controller,
      reportingInstance: instance,
      action,
      reason,
      regarding: fieldPath === undefined ? { ...regarding } : { ...regarding, fieldPath },
      note,
      type,
      ...(count === undefined ? {} : { series: { count, lastObservedTime: isoMicro(time) } }),
    });
  };
  const kcm = 'kube-controller-manager-control-plane';

  const managed = (manager: string, time: number, fields: Json, subresource?: string): Json => ({
    manager,
    operation: 'Update',
    apiVersion: 'apps/v1',
    time: iso(time),
    fieldsType: 'FieldsV1',
    fieldsV1: fields,
    ...(subresource === undefined ? {} : { subresource }),
  });

  for (let d = 0; d < o.deployments; d++) {
    const ns = `team-${String(d % 40).padStart(2, '0')}`;
    const name = `svc-${d}-${suffix(4)}`;
    const depUid = uid();
    const created = start + d * 37 + rnd(500);
    const labels = { app: name };
    const depRef: Ref = { apiVersion: 'apps/v1', kind: 'Deployment', name, namespace: ns, uid: depUid };
    const specFields = {
      'f:spec': { 'f:replicas': {}, 'f:selector': {}, 'f:template': { 'f:spec': { 'f:containers': {} } } },
    };
    const deployment = (
      generation: number,
      image: string,
      specTime: number,
      status: Json,
      statusTime: number,
    ): Json => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: ns,
        uid: depUid,
        generation,
        creationTimestamp: iso(created),
        labels,
        annotations: { 'deployment.kubernetes.io/revision': String(generation) },
        managedFields: [
          managed('kubectl-client-side-apply', specTime, specFields),
          managed('kube-controller-manager', statusTime, { 'f:status': { 'f:conditions': {} } }, 'status'),
        ],
      },
      spec: {
        replicas,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
      },
      status,
    });
    const depStatus = (
      generation: number,
      ready: number,
      available: boolean,
      progressing: [string, string],
      time: number,
    ): Json => ({
      observedGeneration: generation,
      replicas,
      updatedReplicas: ready,
      readyReplicas: ready,
      availableReplicas: ready,
      conditions: [
        {
          type: 'Available',
          status: available ? 'True' : 'False',
          reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          message: available
            ? 'Deployment has minimum availability.'
            : 'Deployment does not have minimum availability.',
          lastUpdateTime: iso(time),
          lastTransitionTime: iso(time),
        },
        {
          type: 'Progressing',
          status: progressing[0],
          reason: progressing[1],
          message: `ReplicaSet "${name}" is progressing.`,
          lastUpdateTime: iso(time),
          lastTransitionTime: iso(time),
        },
      ],
    });

    const replicaSet = (
      rsName: string,
      rsUid: string,
      revision: number,
      want: number,
      ready: number,
      time: number,
      image: string,
    ): Json => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: ns,
        uid: rsUid,
        generation: 1,
        creationTimestamp: iso(time),
        labels: { ...labels, 'pod-template-hash': rsName.slice(name.length + 1) },
        annotations: {
          'deployment.kubernetes.io/revision': String(revision),
          'deployment.kubernetes.io/desired-replicas': String(replicas),
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name,
            uid: depUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        managedFields: [
          managed('kube-controller-manager', time, {
            'f:metadata': { 'f:ownerReferences': {} },
            'f:spec': { 'f:replicas': {} },
          }),
        ],
      },
      spec: {
        replicas: want,
        selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } },
      },
      status: { replicas: want, readyReplicas: ready, availableReplicas: ready, observedGeneration: 1 },
    });

    const pod = (
      podName: string,
      podUid: string,
      rsName: string,
      rsUid: string,
      created: number,
      image: string,
      node: string | undefined,
      phase: string,
      conditions: Json[],
      deletion?: number,
    ): Json => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: podName,
        generateName: `${rsName}-`,
        namespace: ns,
        uid: podUid,
        creationTimestamp: iso(created),
        labels: { ...labels, 'pod-template-hash': rsName.slice(name.length + 1) },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rsName,
            uid: rsUid,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
        managedFields: [
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            apiVersion: 'v1',
            time: iso(created),
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:metadata': { 'f:generateName': {}, 'f:labels': {} },
              'f:spec': { 'f:containers': {} },
            },
          },
          ...(node === undefined
            ? []
            : [
                {
                  manager: 'kubelet',
                  operation: 'Update',
                  apiVersion: 'v1',
                  time: iso(created),
                  subresource: 'status',
                  fieldsType: 'FieldsV1',
                  fieldsV1: { 'f:status': { 'f:conditions': {} } },
                },
              ]),
        ],
        ...(deletion === undefined
          ? {}
          : // The apiserver stamps the request time plus the grace period.
            { deletionTimestamp: iso(deletion + 30_000), deletionGracePeriodSeconds: 30 }),
      },
      spec: {
        containers: [{ name: 'app', image }],
        ...(node === undefined ? {} : { nodeName: node }),
        schedulerName: 'default-scheduler',
      },
      status: { phase, conditions },
    });

    /** One pod's life from create to Ready (or stuck); returns when it is ready. */
    const runPod = (
      rsName: string,
      rsUid: string,
      t: number,
      image: string,
      stuck: boolean,
    ): { podName: string; podUid: string; ready: number; node: string } => {
      pods += 1;
      const podName = `${rsName}-${suffix(5)}`;
      const podUid = uid();
      const node = nodes[rnd(nodes.length)] ?? 'node-0000';
      const rsRef: Ref = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: rsName,
        namespace: ns,
        uid: rsUid,
      };
      const podRef: Ref = { apiVersion: 'v1', kind: 'Pod', name: podName, namespace: ns, uid: podUid };
      event(t, rsRef, 'SuccessfulCreate', `Created pod: ${podName}`, 'replicaset-controller', kcm, 'Create');
      emit(t + 1, 'ADDED', pod(podName, podUid, rsName, rsUid, t, image, undefined, 'Pending', []));
      const sched = t + 20 + rnd(60);
      const scheduled = { type: 'PodScheduled', status: 'True', lastTransitionTime: iso(sched) };
      event(
        sched,
        podRef,
        'Scheduled',
        `Successfully assigned ${ns}/${podName} to ${node}`,
        'default-scheduler',
        'default-scheduler-control-plane',
        'Binding',
      );
      emit(
        sched + 2,
        'MODIFIED',
        pod(podName, podUid, rsName, rsUid, t, image, node, 'Pending', [scheduled]),
      );
      const pulling = sched + 200 + rnd(200);
      const kubelet = (
        time: number,
        reason: string,
        note: string,
        type: 'Normal' | 'Warning' = 'Normal',
        count?: number,
      ): void =>
        event(time, podRef, reason, note, 'kubelet', node, reason, type, 'spec.containers{app}', count);
      kubelet(pulling, 'Pulling', `Pulling image "${image}"`);
      if (stuck) {
        kubelet(
          pulling + 1500,
          'Failed',
          `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`,
          'Warning',
        );
        kubelet(pulling + 1501, 'Failed', 'Error: ErrImagePull', 'Warning');
        for (let c = 1; c <= 3; c++) {
          kubelet(pulling + 1500 + c * 10_000, 'BackOff', `Back-off pulling image "${image}"`, 'Warning', c);
        }
        return { podName, podUid, ready: Number.POSITIVE_INFINITY, node };
      }
      const pulled = pulling + 500 + rnd(1500);
      kubelet(
        pulled,
        'Pulled',
        `Successfully pulled image "${image}" in ${pulled - pulling}ms (${pulled - pulling}ms including waiting). Image size: 28145637 bytes.`,
      );
      kubelet(pulled + 40, 'Created', 'Created container: app');
      kubelet(pulled + 90, 'Started', 'Started container app');
      const ready = pulled + 600 + rnd(800);
      const cond = (type: string): Json => ({
        type,
        status: 'True',
        lastTransitionTime: iso(type === 'Initialized' ? sched + 5 : ready),
      });
      emit(
        ready,
        'MODIFIED',
        pod(podName, podUid, rsName, rsUid, t, image, node, 'Running', [
          cond('Initialized'),
          cond('Ready'),
          cond('ContainersReady'),
          scheduled,
        ]),
      );
      return { podName, podUid, ready, node };
    };

    // Generation 1: the create.
    const image1 = `registry.example/${name}:v1`;
    emit(created, 'ADDED', deployment(1, image1, created, {}, created));
    const rs1 = `${name}-${suffix(10)}`;
    const rs1Uid = uid();
    emit(created + 4, 'ADDED', replicaSet(rs1, rs1Uid, 1, replicas, 0, created + 4, image1));
    event(
      created + 5,
      depRef,
      'ScalingReplicaSet',
      `Scaled up replica set ${rs1} from 0 to ${replicas}`,
      'deployment-controller',
      kcm,
      'Scale',
    );
    emit(
      created + 8,
      'MODIFIED',
      deployment(
        1,
        image1,
        created,
        depStatus(1, 0, false, ['True', 'ReplicaSetUpdated'], created + 8),
        created + 8,
      ),
    );
    const olds: { podName: string; podUid: string; node: string }[] = [];
    let lastReady = created;
    for (let i = 0; i < replicas; i++) {
      const p = runPod(rs1, rs1Uid, created + 10 + i * 3, image1, false);
      olds.push(p);
      lastReady = Math.max(lastReady, p.ready);
    }
    emit(lastReady + 10, 'MODIFIED', replicaSet(rs1, rs1Uid, 1, replicas, replicas, created + 4, image1));
    emit(
      lastReady + 20,
      'MODIFIED',
      deployment(
        1,
        image1,
        created,
        depStatus(1, replicas, true, ['True', 'NewReplicaSetAvailable'], lastReady + 20),
        lastReady + 20,
      ),
    );

    // Generation 2: a rollout, maxSurge 1 at a time.
    const rollout = lastReady + 20_000 + rnd(40_000);
    const image2 = `registry.example/${name}:v2`;
    const stuck = rand() < failureRate;
    emit(
      rollout,
      'MODIFIED',
      deployment(
        2,
        image2,
        rollout,
        depStatus(1, replicas, true, ['True', 'NewReplicaSetAvailable'], lastReady + 20),
        lastReady + 20,
      ),
    );
    const rs2 = `${name}-${suffix(10)}`;
    const rs2Uid = uid();
    const rs1Ref: Ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs1, namespace: ns, uid: rs1Uid };
    emit(rollout + 4, 'ADDED', replicaSet(rs2, rs2Uid, 2, 1, 0, rollout + 4, image2));
    event(
      rollout + 5,
      depRef,
      'ScalingReplicaSet',
      `Scaled up replica set ${rs2} from 0 to 1`,
      'deployment-controller',
      kcm,
      'Scale',
    );
    emit(
      rollout + 8,
      'MODIFIED',
      deployment(
        2,
        image2,
        rollout,
        depStatus(2, replicas, true, ['True', 'ReplicaSetUpdated'], rollout + 8),
        rollout + 8,
      ),
    );
    let t = rollout + 10;
    for (let i = 0; i < replicas; i++) {
      const p = runPod(rs2, rs2Uid, t, image2, stuck);
      if (stuck) {
        emit(
          t + 60_000,
          'MODIFIED',
          deployment(
            2,
            image2,
            rollout,
            depStatus(2, replicas - 1, true, ['False', 'ProgressDeadlineExceeded'], t + 60_000),
            t + 60_000,
          ),
        );
        break;
      }
      const old = olds[i];
      if (old === undefined) break;
      const r = p.ready + 10;
      event(
        r,
        depRef,
        'ScalingReplicaSet',
        `Scaled down replica set ${rs1} from ${replicas - i} to ${replicas - i - 1}`,
        'deployment-controller',
        kcm,
        'Scale',
      );
      emit(
        r + 2,
        'MODIFIED',
        replicaSet(rs1, rs1Uid, 1, replicas - i - 1, replicas - i - 1, created + 4, image1),
      );
      event(
        r + 4,
        rs1Ref,
        'SuccessfulDelete',
        `Deleted pod: ${old.podName}`,
        'replicaset-controller',
        kcm,
        'Delete',
      );
      emit(
        r + 6,
        'MODIFIED',
        pod(old.podName, old.podUid, rs1, rs1Uid, created, image1, old.node, 'Running', [], r + 6),
      );
      const oldRef: Ref = {
        apiVersion: 'v1',
        kind: 'Pod',
        name: old.podName,
        namespace: ns,
        uid: old.podUid,
      };
      event(
        r + 8,
        oldRef,
        'Killing',
        'Stopping container app',
        'kubelet',
        old.node,
        'Killing',
        'Normal',
        'spec.containers{app}',
      );
      emit(
        r + 400 + rnd(400),
        'DELETED',
        pod(old.podName, old.podUid, rs1, rs1Uid, created, image1, old.node, 'Running', [], r + 6),
      );
      if (i + 1 < replicas) {
        event(
          r + 12,
          depRef,
          'ScalingReplicaSet',
          `Scaled up replica set ${rs2} from ${i + 1} to ${i + 2}`,
          'deployment-controller',
          kcm,
          'Scale',
        );
        emit(r + 14, 'MODIFIED', replicaSet(rs2, rs2Uid, 2, i + 2, i + 1, rollout + 4, image2));
      }
      t = r + 16;
    }
    if (!stuck) {
      emit(t + 10, 'MODIFIED', replicaSet(rs2, rs2Uid, 2, replicas, replicas, rollout + 4, image2));
      emit(
        t + 20,
        'MODIFIED',
        deployment(
          2,
          image2,
          rollout,
          depStatus(2, replicas, true, ['True', 'NewReplicaSetAvailable'], t + 20),
          t + 20,
        ),
      );
    }
  }

  out.sort((a, b) => a.time - b.time || a.seq - b.seq);
  return {
    lines: out.map((p) => p.line.replace(RV_FIELD, () => `"resourceVersion":"${++rv}"`)),
    deployments: o.deployments,
    pods,
    events,
  };
}
