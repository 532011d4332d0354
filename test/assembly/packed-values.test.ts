import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packingDictionary, packValues, unpackHead, unpackValues } from '../../src/assembly/packed-values.js';

const UUID = '7a8fc167-df79-4fd0-aa22-5f6a484086c8';
const OTHER_UUID = '2c95460a-137e-4d16-a3d2-f2cee36a6c94';

/** Every kind of value the packing has a form for, and the edges of each. */
function sample(): unknown {
  const proto = JSON.parse('{"__proto__": 1, "a": 2}') as unknown;
  return [
    undefined,
    null,
    true,
    false,
    [0, 1, 127, 128, 255, 16_384, 2 ** 31 - 1, Number.MAX_SAFE_INTEGER, -1, -128, -(2 ** 40)],
    [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.1, 1 / 3, 2 ** 60, 1e300, -5e-324],
    // Times: whole milliseconds, refined ones (microseconds), near each other and far apart, and
    // a difference that is no whole number of microseconds.
    [
      1_795_341_601_008, 1_795_341_601_013.25, 1_795_341_601_013.001, 1_700_000_000_000, 1_795_341_661_868,
      -1_795_341_601_008,
    ],
    [1_795_341_601_008 + 0.123_456_7, 1_795_341_601_008, 2 ** 31, -(2 ** 31), 2 ** 52 + 1],
    ['', 'a', 'Normal', 'é', 'ÿ', 'ā', '\ud800', '\udc00x', 'a\u0000b', '😀'],
    [UUID, UUID.toUpperCase(), UUID.replaceAll('-', ''), `${UUID}x`, `x${UUID}`, `lifecycle ${UUID}`],
    [`change/${UUID}`, `termination ${OTHER_UUID}`, `lifecycle ${OTHER_UUID}`, OTHER_UUID],
    ['0123456789abcdef', '00', '0', 'abc', 'ABCDEF12', '3d14ba8ae27f1bbd92afd2366add7a12'],
    [
      'svc-15-s7gc',
      'svc-15-s7gc-hmbbr5l7k2',
      'svc-15-s7gc-hmbbr5l7k2-hclgk',
      'svc-15-s7gc-',
      'svc-15',
      'svc-15-x',
    ],
    String.fromCharCode(...Array.from({ length: 5000 }, (_, i) => (i * 7919) % 65_536)),
    { b: 1, a: undefined, c: [1, { d: 'e' }] },
    { b: 2, a: 'x', c: [] },
    { a: 1, b: 2 },
    // Keys that join alike: each object with its own keys.
    { 'a\nb': 1, c: 2 },
    { a: 3, 'b\nc': 4 },
    { 'a\nb': 5, c: 6 },
    proto,
    new Set(['x', UUID, 3]),
    new Map<unknown, unknown>([
      ['k', new Set()],
      [1, { v: [undefined, null] }],
    ]),
    [[], {}, new Map(), new Set()],
  ];
}

describe('packValues', () => {
  it('gives back equal values, with and without a dictionary', () => {
    const dictionary = packingDictionary(['Normal', 'svc-15', 'lifecycle '], [['b', 'a', 'c']]);
    for (const d of [undefined, dictionary]) {
      const packed = packValues(sample(), d);
      const back = unpackValues(packed, d);
      assert.deepStrictEqual(back, sample());
      const list = back as unknown[];
      // deepStrictEqual takes NaN for NaN and tells -0 from 0; the key __proto__ stays a property.
      assert.ok(Object.is((list[5] as number[])[1], -0));
      assert.equal(Object.getPrototypeOf(list[20]), Object.prototype);
      assert.deepEqual(Object.keys(list[20] as object), ['__proto__', 'a']);
    }
  });

  it('is smaller than the same values as JSON, and a dictionary makes it smaller still', () => {
    const facts = Array.from({ length: 20 }, (_, i) => ({
      reason: 'SuccessfulCreate',
      involved: UUID,
      name: `svc-15-s7gc-hmbbr5l7k2-${i}abcd`,
      start: 1_795_341_601_008 + i * 3,
    }));
    const json = JSON.stringify(facts).length;
    const plain = packValues(facts).length;
    const withWords = packValues(
      facts,
      packingDictionary(['SuccessfulCreate'], [['reason', 'involved', 'name', 'start']]),
    );
    assert.ok(plain * 3 < json, `${plain} bytes packed, ${json} as JSON`);
    assert.ok(withWords.length < plain, `${withWords.length} with the dictionary, ${plain} without`);
    // One char a byte.
    for (let i = 0; i < plain; i++) assert.ok(packValues(facts).charCodeAt(i) < 256);
  });

  it('refuses what it would not give back equal', () => {
    class Thing {
      readonly x = 1;
    }
    assert.throws(() => packValues(new Thing()), /class instance/);
    assert.throws(() => packValues(Object.create(null)), /class instance/);
    const sparse: unknown[] = [];
    sparse[2] = 1;
    assert.throws(() => packValues(sparse), /sparse array/);
    assert.throws(() => packValues(() => 1), /cannot pack a function/);
    assert.throws(() => packValues(Symbol('s')), /cannot pack a symbol/);
    assert.throws(() => packValues(1n), /cannot pack a bigint/);
  });

  it('refuses a string it did not make, or made with another dictionary', () => {
    const packed = packValues(['Normal', 'Normal'], packingDictionary(['Normal']));
    assert.throws(() => unpackValues(packed), /out of range/);
    assert.throws(() => unpackValues(packValues([1, 2]).slice(0, -1)), /end too soon/);
    assert.throws(() => unpackValues(`${packValues(1)}x`), /go on after their end/);
    assert.throws(() => unpackValues(String.fromCharCode(30)), /unknown packed tag/);
  });

  it('reads the head of an array without the rest', () => {
    const packed = packValues([1, ['delete', 2], { big: 'x'.repeat(1000) }]);
    assert.deepEqual(unpackHead(packed, 2), [1, ['delete', 2]]);
    assert.deepEqual(unpackHead(packed, 9), [1, ['delete', 2], { big: 'x'.repeat(1000) }]);
    assert.throws(() => unpackHead(packValues({ a: 1 }), 1), /not an array/);
  });
});
