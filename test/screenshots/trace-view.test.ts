import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { traceViewHeight, traceViewUrl, visibleRows } from './trace-view.js';

// root ─┬─ a ─── a1
//       └─ b ─┬─ b1
//             └─ b2 ── b2x
const parents: [string, string][] = [
  ['root', ''],
  ['a', 'root'],
  ['a1', 'a'],
  ['b', 'root'],
  ['b1', 'b'],
  ['b2', 'b'],
  ['b2x', 'b2'],
];

describe('trace view', () => {
  it('shows every span when nothing is found', () => {
    assert.equal(visibleRows({ traceId: 't', spanCount: 7, parents }), 7);
  });

  it('opens with only the path to a found span expanded, as Jaeger UI does', () => {
    // root and b expanded: root, a, b, b1, b2 show; a1 and b2x stay hidden.
    assert.equal(visibleRows({ traceId: 't', spanCount: 7, highlight: ['b2'], parents }), 5);
    // only root expanded.
    assert.equal(visibleRows({ traceId: 't', spanCount: 7, highlight: ['a'], parents }), 3);
  });

  it('makes room for every row and each opened detail', () => {
    // A chain of 40 spans: finding the last expands all 40 rows, finding the first none.
    const chain: [string, string][] = Array.from({ length: 40 }, (_, i) => [
      `s${i}`,
      i === 0 ? '' : `s${i - 1}`,
    ]);
    const all = traceViewHeight({ traceId: 't', spanCount: 40 });
    assert.equal(all - traceViewHeight({ traceId: 't', spanCount: 39 }), 28, 'one row');
    assert.ok(traceViewHeight({ traceId: 't', spanCount: 40, highlight: ['s39'], parents: chain }) > all);
    assert.equal(traceViewHeight({ traceId: 't', spanCount: 40, highlight: ['s0'], parents: chain }), 600);
    assert.equal(traceViewHeight({ traceId: 't', spanCount: 1 }), 600);
  });

  it('finds the highlighted spans with uiFind', () => {
    assert.equal(
      traceViewUrl('http://127.0.0.1:16686/', { traceId: 'ab', spanCount: 1 }),
      'http://127.0.0.1:16686/trace/ab',
    );
    assert.equal(
      traceViewUrl('http://127.0.0.1:16686', { traceId: 'ab', spanCount: 1, highlight: ['s1', 's2'] }),
      'http://127.0.0.1:16686/trace/ab?uiFind=s1+s2',
    );
  });
});
