import { decideParents } from '../causality/parent-decision.js';
import type { ObjectGraph } from '../graph/object-graph.js';
import { type BuiltTrace, SpanRenderer } from './render-spans.js';
import type { Intent, RootGroup } from './root-group.js';

/**
 * Builds every trace of a root group from all its facts at once, in two steps:
 * causality decides which trace and which parent for every span
 * ({@link decideParents}), then each trace is rendered as span records
 * ({@link SpanRenderer}). Nothing depends on arrival order, so any permutation
 * of the same deltas gives the same trees.
 */
export function buildTraces(
  group: RootGroup,
  graph: ObjectGraph,
  maxTraceMs: number,
): Map<Intent, BuiltTrace> {
  const out = new Map<Intent, BuiltTrace>();
  const trees = decideParents(group, graph);
  if (trees.size === 0) return out;
  const renderer = new SpanRenderer(group, maxTraceMs);
  for (const intent of group.intents) {
    const tree = trees.get(intent);
    if (tree !== undefined) out.set(intent, renderer.render(intent, tree));
  }
  return out;
}
