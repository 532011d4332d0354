/**
 * A resourceVersion as a number, where it parses as one. Kubernetes calls it
 * opaque; within one etcd it orders every write of that store, so it is only
 * compared with resourceVersions of the same object.
 */
export function numericRv(rv: string | undefined): number | undefined {
  if (rv === undefined || !/^\d{1,15}$/.test(rv)) return undefined;
  return Number(rv);
}
