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

  it('keeps a long list as it is', () => {
    const many = Array.from({ length: 100 }, (_, i) => `k${i}`);
    const keys = new SpanKeys(many);
    keys.compact();
    assert.equal(keys.size, 100);
    for (const k of many) assert.ok(keys.has(k));
    assert.ok(!new SpanKeys().has('k1'));
    assert.equal(new SpanKeys().size, 0);
  });
});
