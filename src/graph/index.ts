export {
  MAX_OWNER_DEPTH,
  nameKey,
  ObjectGraph,
  type ObjectGraphOptions,
  type RootResolution,
  type Tombstone,
} from './object-graph.js';
