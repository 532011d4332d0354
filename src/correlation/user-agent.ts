/**
 * Who sent an apiserver request, from its user agent. Controllers run with
 * their own service account and append it
 * (`kube-controller-manager/v1.37.1 (linux/amd64) kubernetes/$Format/system:serviceaccount:kube-system:replicaset-controller`);
 * everything else is named by its program (`kubectl/v1.37.1 …`, `kwok/v0.8.0 …`).
 */
export function actorOfUserAgent(userAgent: string): string {
  const sa = /\/system:serviceaccount:[^:/\s]+:([^:/\s]+)$/.exec(userAgent);
  return sa?.[1] ?? programOfUserAgent(userAgent);
}

/**
 * The program at the head of a user agent (`kubectl` in `kubectl/v1.37.1 …`): the
 * field manager the apiserver records for a write that named none.
 */
export function programOfUserAgent(userAgent: string): string {
  return /^([A-Za-z0-9][A-Za-z0-9._-]*)\//.exec(userAgent)?.[1] ?? '';
}

/** Whether the actor of a request is the controller that reported an Event (`default-scheduler` runs as `kube-scheduler`). */
export function actorIsReporter(actor: string, reportingController: string): boolean {
  return (
    actor === reportingController ||
    (reportingController === 'default-scheduler' && actor === 'kube-scheduler')
  );
}
