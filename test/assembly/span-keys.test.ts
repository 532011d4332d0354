import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanKeys } from '../../src/assembly/span-keys.js';
import { eventSpanIdOf } from '../../src/model/ids.js';

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
    assert.deepEqual([...keys].sort(), ['a', 'b', 'lifecycle u1']);
    keys.compact();
    assert.deepEqual([...keys].sort(), ['a', 'b', 'lifecycle u1']);
    assert.ok(keys.has('b'));
  });

  it('holds span ids and other keys compactly, and finds exactly them', () => {
    const ids = Array.from({ length: 100 }, (_, i) => eventSpanIdOf(`event-${i}`));
    // The extremes of the id space, and a first half shared by two ids.
    ids.push('0000000000000000', 'ffffffffffffffff', 'ffffffff00000000');
    const other = Array.from(
      { length: 40 },
      (_, i) => `${i % 2 === 0 ? 'lifecycle' : 'termination'} uid-${i}`,
    );
    // Uids as the apiserver makes them (packed), one in upper case and one without dashes (kept as strings).
    for (let i = 0; i < 40; i++) {
      const hex = eventSpanIdOf(`object-${i}`) + eventSpanIdOf(`object-${i}/2`);
      const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      other.push(`lifecycle ${uuid}`, `termination ${uuid}`);
      if (i === 0) other.push(`lifecycle ${uuid.toUpperCase()}`, `lifecycle ${hex}`, `other ${uuid}`);
    }
    const keys = new SpanKeys([...ids, ...other]);
    keys.compact();
    assert.equal(keys.size, ids.length + other.length);
    for (const k of [...ids, ...other]) assert.ok(keys.has(k), k);
    assert.deepEqual([...keys].sort(), [...ids, ...other].sort());
    // Near misses: another last digit, upper case, too short or too long, not hex, another uid.
    const id = ids[0] ?? '';
    const last = id.at(-1) === '0' ? '1' : '0';
    for (const k of [
      id.slice(0, 15) + last,
      id.toUpperCase() === id ? 'x' : id.toUpperCase(),
      id.slice(0, 15),
      `${id}0`,
      'ffffffff0000000g',
      'ffffffff00000001',
      'lifecycle uid-1',
      'termination uid-0',
      (other[40] ?? '').replace('lifecycle', 'termination').slice(0, -1),
      (other[40] ?? '').replace('lifecycle ', 'lifecycle  '),
      `termination ${(other[40] ?? '').slice('lifecycle '.length).replace(/^./, (c) => (c === '0' ? '1' : '0'))}`,
      '',
    ])
      assert.ok(!keys.has(k), k);
    keys.add(id);
    keys.add('termination uid-0');
    assert.equal(keys.size, ids.length + other.length + 1);
    keys.compact();
    assert.ok(keys.has('termination uid-0') && keys.has(id) && keys.has('ffffffffffffffff'));
    assert.equal(new SpanKeys().size, 0);
    assert.ok(!new SpanKeys().has(id));
  });
});
