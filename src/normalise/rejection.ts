/** Why an input was dropped. Counted by reason in the engine's stats. */
export type RejectReason =
  | 'not-an-object'
  | 'missing-kind'
  | 'missing-uid'
  | 'missing-name'
  | 'missing-involved-object'
  | 'missing-reason'
  | 'missing-timestamp'
  | 'invalid-generation'
  | 'missing-generation';

/** A dropped input: preallocated per reason, so rejecting costs nothing. */
export interface Rejected {
  readonly rejected: RejectReason;
}

const cache = new Map<RejectReason, Rejected>();

/** The shared rejection value for `reason`. */
export function reject(reason: RejectReason): Rejected {
  let found = cache.get(reason);
  if (found === undefined) {
    found = Object.freeze({ rejected: reason });
    cache.set(reason, found);
  }
  return found;
}

/** True when a normalise result is a rejection. */
export function isRejected(value: object): value is Rejected {
  return 'rejected' in value;
}
