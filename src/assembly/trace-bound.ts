import type { SpanNode, SpanTree, TreeNode } from '../causality/parent-decision.js';

/**
 * The tree cut to at most `maxSpans` spans, its root included: nodes are kept
 * breadth first from the root, earliest start first among siblings, so every
 * kept span's parent is kept. A parent that is not a node of this tree (a step
 * inferred after a restart, which the previous run sent) counts as a child of
 * the root: its children are kept at the root's level. Returns the tree itself
 * when it fits.
 */
export function boundTree(tree: SpanTree, maxSpans: number): { tree: SpanTree; dropped: number } {
  const room = Math.max(0, maxSpans - 1);
  if (tree.nodes.length <= room) return { tree, dropped: 0 };
  const children = new Map<TreeNode, SpanNode[]>();
  for (const n of tree.nodes) {
    const parent = n.parent ?? tree.root;
    const list = children.get(parent);
    if (list === undefined) children.set(parent, [n]);
    else list.push(n);
  }
  const inTree = new Set<TreeNode>(tree.nodes);
  inTree.add(tree.root);
  const kept: SpanNode[] = [];
  const queue: TreeNode[] = [tree.root];
  for (const parent of children.keys()) if (!inTree.has(parent)) queue.push(parent);
  for (let head = 0; head < queue.length && kept.length < room; head++) {
    const node = queue[head];
    if (node === undefined) break;
    const list = children.get(node);
    if (list === undefined) continue;
    list.sort(byStart);
    for (const child of list) {
      if (kept.length >= room) break;
      kept.push(child);
      queue.push(child);
    }
  }
  return { tree: { root: tree.root, nodes: kept }, dropped: tree.nodes.length - kept.length };
}

function byStart(a: SpanNode, b: SpanNode): number {
  return a.start - b.start || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);
}
