import { asInteger, asRecord, asString, ignoreIssues } from './narrow.js';

/** The label the StatefulSet controller stamps on each Pod: the revision it made the Pod at. */
const REVISION_LABEL = 'controller-revision-hash';

/**
 * The revision a StatefulSet's Pod was made at (its `controller-revision-hash`
 * label), when its controller is a StatefulSet; undefined otherwise.
 */
export function statefulSetPodRevisionOf(raw: unknown): string | undefined {
  const meta = asRecord(asRecord(raw)?.metadata);
  let byStatefulSet = false;
  for (const owner of Array.isArray(meta?.ownerReferences) ? meta.ownerReferences : []) {
    const o = asRecord(owner);
    if (o?.controller === true && o.kind === 'StatefulSet') byStatefulSet = true;
  }
  return byStatefulSet ? asString(asRecord(meta?.labels)?.[REVISION_LABEL]) : undefined;
}

/**
 * The lowest ordinal at which a StatefulSet's controller makes a Pod at its
 * update revision, from its spec: `ordinals.start` plus the rolling update's
 * `partition` (the Pods below it are made at the current revision), or
 * `ordinals.start` under `OnDelete` (every Pod it makes is at the update
 * revision). Undefined when the spec does not say (a rolling update without
 * the partition the apiserver defaults).
 */
export function updateOrdinalFromOf(raw: unknown): number | undefined {
  const spec = asRecord(asRecord(raw)?.spec);
  if (spec === undefined) return undefined;
  const start = asInteger(asRecord(spec.ordinals)?.start, 0, Number.MAX_SAFE_INTEGER, ignoreIssues, '') ?? 0;
  const strategy = asRecord(spec.updateStrategy);
  const type = asString(strategy?.type) ?? 'RollingUpdate';
  if (type === 'OnDelete') return start;
  if (type !== 'RollingUpdate') return undefined;
  const partition = asInteger(
    asRecord(strategy?.rollingUpdate)?.partition,
    0,
    Number.MAX_SAFE_INTEGER,
    ignoreIssues,
    '',
  );
  return partition === undefined ? undefined : start + partition;
}
