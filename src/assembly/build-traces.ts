import { type ListedRevisions, NO_LISTED_REVISIONS } from '../causality/listed-revisions.js';
import { decideParents, type HeldReports } from '../causality/parent-decision.js';
import type { ObjectGraph } from '../graph/object-graph.js';
import type { ClockOffset } from '../model/clock-offset.js';
import { type BuiltTrace, SpanRenderer } from './render-spans.js';
import type { Intent, RootGroup } from './root-group.js';
import { boundTree } from './trace-bound.js';

/**
 * Builds every trace of a root group from all its facts at once, in two steps:
 * causality decides which trace and which parent for every span
 * ({@link decideParents}), then each trace is rendered as span records
 * ({@link SpanRenderer}). Nothing depends on arrival order, so any permutation
 * of the same deltas gives the same trees. Each trace is cut to `maxSpans`
 * spans ({@link boundTree}) after causality has placed every span, so the cut
 * drops spans but never moves one to another trace. With `held`, disruption
 * reports whose eviction may still come are left out (see {@link HeldReports}).
 * `listed` is what the initial list showed of StatefulSets' revisions, after
 * a restart.
 */
export function buildTraces(
  group: RootGroup,
  graph: ObjectGraph,
  offset: ClockOffset,
  maxTraceMs: number,
  maxSpans: number,
  held?: HeldReports,
  listed: ListedRevisions = NO_LISTED_REVISIONS,
): Map<Intent, BuiltTrace> {
  const out = new Map<Intent, BuiltTrace>();
  const trees = decideParents(group, graph, held, listed);
  if (trees.size === 0) return out;
  const renderer = new SpanRenderer(group, maxTraceMs, offset);
  for (const intent of group.intents) {
    const tree = trees.get(intent);
    if (tree === undefined) continue;
    const bounded = boundTree(tree, maxSpans);
    const built = renderer.render(intent, bounded.tree);
    out.set(intent, bounded.dropped === 0 ? built : { ...built, dropped: bounded.dropped });
  }
  return out;
}
