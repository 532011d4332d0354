import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecencyMap } from '../../src/graph/recency-map.js';

describe('RecencyMap', () => {
  it('holds at most max entries, evicting the least recently got or set', () => {
    const evicted: string[] = [];
    const m = new RecencyMap<string, number>(3, (v, k) => evicted.push(`${k}=${v}`));
    m.set('a', 1);
    m.set('b', 2);
    m.set('c', 3);
    assert.equal(m.get('a'), 1); // a is now the most recent: b is the oldest
    m.set('d', 4);
    assert.deepEqual(evicted, ['b=2']);
    assert.equal(m.size, 3);
    m.set('c', 30); // a set makes it the most recent: a is the oldest now
    m.set('e', 5);
    assert.deepEqual(evicted, ['b=2', 'a=1']);
    assert.equal(m.peek('c'), 30);
    assert.equal(m.get('b'), undefined);
    assert.equal(m.size, 3);
  });

  it('leaves the order as it is on peek and has, and forgets on delete', () => {
    const evicted: string[] = [];
    const m = new RecencyMap<string, number>(2, (_v, k) => evicted.push(k));
    m.set('a', 1);
    m.set('b', 2);
    assert.equal(m.peek('a'), 1);
    assert.ok(m.has('a'));
    m.set('c', 3);
    assert.deepEqual(evicted, ['a']);
    assert.ok(m.delete('c'));
    assert.ok(!m.delete('c'));
    assert.equal(m.get('c'), undefined);
    m.set('d', 4);
    m.set('b', 22); // b set again after c, the newest, was deleted: still made the most recent
    m.set('e', 5);
    assert.deepEqual(evicted, ['a', 'd']);
    assert.equal(m.size, 2);
  });

  it('stays within its bound under churn, and refuses a bad bound', () => {
    const m = new RecencyMap<number, number>(100);
    for (let i = 0; i < 10_000; i++) {
      m.set(i, i);
      m.get(i >> 1);
    }
    assert.equal(m.size, 100);
    assert.throws(() => new RecencyMap(0), TypeError);
    assert.throws(() => new RecencyMap(1.5), TypeError);
  });
});
