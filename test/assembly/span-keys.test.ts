import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKeys } from '../../src/assembly/span-keys.js';

describe('SpanKeys', () => {
  it('answers the same before and after compacting, and takes keys after', () => {
    const keys = new SpanKeys(['a', 'lifecycle u1', 'a']);
    assert.equal(keys.size, 2);
    keys.compact();
    assert.equal(keys.size, 2);
    assert.ok(keys.has('a') && keys.has('lifecycle u1') && !keys.has('b'));
    keys.add('b');
    keys.add('a');
    assert.equal(keys.size, 3);
    assert.deepEqual([...keys], ['a', 'lifecycle u1', 'b']);
    keys.compact();
    assert.deepEqual([...keys], ['a', 'lifecycle u1', 'b']);
    assert.ok(keys.has('b'));
  });

  it('compacts a long list too, keeping its order, and finds every key in it', () => {
    // Not in sorted order, so the index is what finds them.
    const many = Array.from({ length: 100 }, (_, i) => `k${(i * 37) % 100}`);
    const keys = new SpanKeys(many);
    keys.compact();
    assert.equal(keys.size, 100);
    assert.deepEqual([...keys], many);
    for (const k of many) assert.ok(keys.has(k), k);
    for (const k of ['k100', 'k', 'j1', 'l1', '']) assert.ok(!keys.has(k), k);
    keys.add('k100');
    keys.add('k5');
    assert.equal(keys.size, 101);
    keys.compact();
    assert.deepEqual([...keys], [...many, 'k100']);
    assert.ok(keys.has('k100') && keys.has('k99') && !keys.has('k101'));
    assert.ok(!new SpanKeys().has('k1'));
    assert.equal(new SpanKeys().size, 0);
  });
});
