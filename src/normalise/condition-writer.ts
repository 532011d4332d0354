import { asArray, asRecord, asString } from './narrow.js';

/**
 * The manager of the newest managedFields entry that owns the status
 * condition of `type` (`f:status.f:conditions.k:{"type":"<type>"}`), read off
 * a raw object; undefined when none does. A Node's `Ready` condition is the
 * kubelet's while it posts its status, and the node lifecycle controller's
 * (`kube-controller-manager`) when it marks it Unknown, the kubelet silent.
 * Read where it is needed, not kept in the projection.
 */
export function conditionWriterOf(raw: unknown, type: string): string | undefined {
  const key = `k:{"type":"${type}"}`;
  let writer: string | undefined;
  let newest = '';
  for (const item of asArray(asRecord(asRecord(raw)?.metadata)?.managedFields)) {
    const e = asRecord(item);
    const conditions = asRecord(asRecord(asRecord(e?.fieldsV1)?.['f:status'])?.['f:conditions']);
    if (conditions?.[key] === undefined) continue;
    // RFC 3339 stamps of whole seconds, all in UTC: their text sorts as their time.
    const time = asString(e?.time) ?? '';
    if (writer !== undefined && time < newest) continue;
    writer = asString(e?.manager) ?? 'unknown';
    newest = time;
  }
  return writer;
}
