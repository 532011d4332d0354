export { COMBINED_PREFIX, combinedMessage } from './combined-event.js';
export { intern } from './intern.js';
export {
  asArray,
  asNumber,
  asRecord,
  asString,
  asTime,
  type IssueSink,
  ignoreIssues,
  type Json,
  truncate,
  wellFormed,
} from './narrow.js';
export { isEventObject, normaliseEvent } from './normalise-event.js';
export { conditionOf, deletionRequestedAt, projectObject } from './project-object.js';
export { isRejected, type Rejected, type RejectReason, reject } from './rejection.js';
