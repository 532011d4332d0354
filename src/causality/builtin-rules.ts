import type { CausalityRule } from './causality-rule.js';

// Notes as the v1.37 controllers word them. The deployment controller said
// "Scaled up replica set X to N" before 1.31 and "... from M to N" since.
const SCALED_UP = '^Scaled up replica set (?<name>\\S+) (?:from \\d+ )?to \\d+';
const SCALED_DOWN = '^Scaled down replica set (?<name>\\S+) (?:from \\d+ )?to \\d+';
const CREATED_POD = '^Created pod: (?<name>\\S+)';
const DELETED_POD = '^Deleted pod: (?<name>\\S+)';

const podSelf = (
  controller: string,
  reason: string,
  verb: CausalityRule['verb'],
  stuck = false,
): CausalityRule =>
  stuck
    ? { controller, reason, involvedKind: 'Pod', verb, stuck }
    : { controller, reason, involvedKind: 'Pod', verb };

/** The built-in causality table: the core controllers, the scheduler and the kubelet. */
export const BUILTIN_RULES: readonly CausalityRule[] = Object.freeze([
  // deployment-controller → ReplicaSet
  {
    controller: 'deployment-controller',
    reason: 'ScalingReplicaSet',
    involvedKind: 'Deployment',
    actedOnKind: 'ReplicaSet',
    note: SCALED_UP,
    verb: 'scale-up',
  },
  {
    controller: 'deployment-controller',
    reason: 'ScalingReplicaSet',
    involvedKind: 'Deployment',
    actedOnKind: 'ReplicaSet',
    note: SCALED_DOWN,
    verb: 'scale-down',
  },
  // replicaset-controller → Pod
  {
    controller: 'replicaset-controller',
    reason: 'SuccessfulCreate',
    involvedKind: 'ReplicaSet',
    actedOnKind: 'Pod',
    note: CREATED_POD,
    verb: 'create',
  },
  {
    controller: 'replicaset-controller',
    reason: 'SuccessfulDelete',
    involvedKind: 'ReplicaSet',
    actedOnKind: 'Pod',
    note: DELETED_POD,
    verb: 'delete',
  },
  // statefulset-controller → Pod, PersistentVolumeClaim
  {
    controller: 'statefulset-controller',
    reason: 'SuccessfulCreate',
    involvedKind: 'StatefulSet',
    actedOnKind: 'Pod',
    note: '^create Pod (?<name>\\S+) in StatefulSet \\S+ successful',
    verb: 'create',
  },
  {
    controller: 'statefulset-controller',
    reason: 'SuccessfulDelete',
    involvedKind: 'StatefulSet',
    actedOnKind: 'Pod',
    note: '^delete Pod (?<name>\\S+) in StatefulSet \\S+ successful',
    verb: 'delete',
  },
  {
    controller: 'statefulset-controller',
    reason: 'SuccessfulCreate',
    involvedKind: 'StatefulSet',
    actedOnKind: 'PersistentVolumeClaim',
    note: '^create Claim (?<name>\\S+) Pod \\S+ in StatefulSet \\S+ success',
    verb: 'create',
  },
  // daemonset-controller → Pod
  {
    controller: 'daemonset-controller',
    reason: 'SuccessfulCreate',
    involvedKind: 'DaemonSet',
    actedOnKind: 'Pod',
    note: CREATED_POD,
    verb: 'create',
  },
  {
    controller: 'daemonset-controller',
    reason: 'SuccessfulDelete',
    involvedKind: 'DaemonSet',
    actedOnKind: 'Pod',
    note: DELETED_POD,
    verb: 'delete',
  },
  // job-controller → Pod
  {
    controller: 'job-controller',
    reason: 'SuccessfulCreate',
    involvedKind: 'Job',
    actedOnKind: 'Pod',
    note: CREATED_POD,
    verb: 'create',
  },
  {
    controller: 'job-controller',
    reason: 'SuccessfulDelete',
    involvedKind: 'Job',
    actedOnKind: 'Pod',
    note: DELETED_POD,
    verb: 'delete',
  },
  {
    controller: 'job-controller',
    reason: 'Completed',
    involvedKind: 'Job',
    verb: 'observe',
    condition: 'Complete',
  },
  {
    controller: 'job-controller',
    reason: 'BackoffLimitExceeded',
    involvedKind: 'Job',
    verb: 'observe',
    condition: 'Failed',
  },
  {
    controller: 'job-controller',
    reason: 'DeadlineExceeded',
    involvedKind: 'Job',
    verb: 'observe',
    condition: 'Failed',
  },
  // cronjob-controller → Job
  {
    controller: 'cronjob-controller',
    reason: 'SuccessfulCreate',
    involvedKind: 'CronJob',
    actedOnKind: 'Job',
    note: '^Created job (?<name>\\S+)',
    verb: 'create',
  },
  {
    controller: 'cronjob-controller',
    reason: 'SuccessfulDelete',
    involvedKind: 'CronJob',
    actedOnKind: 'Job',
    note: '^Deleted job (?<name>\\S+)',
    verb: 'delete',
  },
  {
    controller: 'cronjob-controller',
    reason: 'SawCompletedJob',
    involvedKind: 'CronJob',
    actedOnKind: 'Job',
    note: '^Saw completed job: (?<name>[^,\\s]+)',
    verb: 'observe',
  },
  // default-scheduler: about the pod itself
  podSelf('default-scheduler', 'Scheduled', 'observe'),
  podSelf('default-scheduler', 'FailedScheduling', 'observe', true),
  // kubelet: about the pod itself
  podSelf('kubelet', 'Pulling', 'observe'),
  podSelf('kubelet', 'Pulled', 'observe'),
  podSelf('kubelet', 'Created', 'observe'),
  podSelf('kubelet', 'Started', 'observe'),
  podSelf('kubelet', 'Killing', 'delete'),
  podSelf('kubelet', 'BackOff', 'observe', true),
  podSelf('kubelet', 'Failed', 'observe', true),
  podSelf('kubelet', 'Unhealthy', 'observe'),
] satisfies CausalityRule[]);
