import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundTree } from '../../src/assembly/trace-bound.js';
import type { RootNode, SpanNode, SpanTree, TreeNode } from '../../src/causality/parent-decision.js';

const intent = { traceId: 't', start: 0, lazy: false, firstRv: undefined };
const root: RootNode = {
  kind: 'root',
  of: intent,
  parent: undefined,
  inferred: false,
  intent,
  spanId: 'root',
};

/** A node of the shape the bound reads (kind, start, parent, span id). */
function node(spanId: string, start: number, parent: TreeNode): SpanNode {
  return { kind: 'action', spanId, start, parent, intent, inferred: false } as unknown as SpanNode;
}

describe('boundTree', () => {
  const a = node('a', 5, root);
  const a1 = node('a1', 1, a);
  const a2 = node('a2', 2, a);
  const b = node('b', 3, root);
  const b1 = node('b1', 4, b);
  const tree: SpanTree = { root, nodes: [a1, a2, a, b1, b] };

  it('keeps a tree that fits as it is', () => {
    assert.equal(boundTree(tree, 6).tree, tree);
    assert.equal(boundTree(tree, 6).dropped, 0);
  });

  it('keeps the root and the nodes nearest to it, earliest first, never a child without its parent', () => {
    for (const [max, ids] of [
      [1, []],
      [2, ['b']],
      [3, ['b', 'a']],
      [4, ['b', 'a', 'b1']],
      [5, ['b', 'a', 'b1', 'a1']],
    ] as const) {
      const out = boundTree(tree, max);
      assert.deepEqual(
        out.tree.nodes.map((n) => n.spanId),
        ids,
        `max ${max}`,
      );
      assert.equal(out.dropped, 5 - ids.length);
    }
  });

  it('keeps the children of a parent outside the tree (a step inferred after a restart)', () => {
    const outside = node('sent-before', 0, root);
    const c1 = node('c1', 7, outside);
    const c2 = node('c2', 8, outside);
    const withOutside: SpanTree = { root, nodes: [a, b, c1, c2] };
    const out = boundTree(withOutside, 4);
    assert.deepEqual(
      out.tree.nodes.map((n) => n.spanId),
      ['b', 'a', 'c1'],
    );
    assert.equal(out.dropped, 1);
  });
});
