import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, compareCodePoints, parseJson, parseJsonObject, CoreError } from '../mine.js';

const expectCoreError = (fn: () => unknown, code: string) =>
  assert.throws(fn, (e: unknown) => e instanceof CoreError && e.code === code);

test('appendix examples (content/appendices.md "Canonical JSON" Examples)', () => {
  const cases: [string, string][] = [
    ['{}', '{}'],
    ['{\n    "one": 1,\n    "two": "Two"\n}', '{"one":1,"two":"Two"}'],
    ['{\n    "b": "2",\n    "a": "1"\n}', '{"a":"1","b":"2"}'],
    ['{"b":"2","a":"1"}', '{"a":"1","b":"2"}'],
    [
      '{"auth":{"success":true,"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"medium":"email","address":"john.doe@example.org"},{"medium":"msisdn","address":"123456789"}]}}}',
      '{"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}}',
    ],
    ['{"a": "日本語"}', '{"a":"日本語"}'],
    ['{"本": 2, "日": 1}', '{"日":1,"本":2}'],
    ['{"a": "\\u65E5"}', '{"a":"日"}'],
    ['{"a": null}', '{"a":null}'],
    ['{"a": -0, "b": 1e10}', '{"a":0,"b":10000000000}'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalJson(JSON.parse(input)), want, input);
  // The same holds in strict mode (1e10 is an integer).
  assert.equal(canonicalJson({ a: -0, b: 1e10 }, { strict: true }), '{"a":0,"b":10000000000}');
});

test('escapes only what the grammar requires', () => {
  assert.equal(
    canonicalJson({ s: '"\\\b\t\n\f\r\u0000\u0001\u001f\u007f/é😀' }),
    '{"s":"\\"\\\\\\b\\t\\n\\f\\r\\u0000\\u0001\\u001f\u007f/é😀"}',
  );
  assert.equal(canonicalJson('\u000b\u000e'), '"\\u000b\\u000e"');
});

test('keys sort by code point, not UTF-16 code unit', () => {
  // U+FF21 (fullwidth A) is one code unit 0xFF21; U+1F600 is surrogates 0xD83D 0xDE00.
  // By code unit the emoji sorts first; by code point U+FF21 < U+1F600.
  assert.equal(canonicalJson({ '😀': 1, 'Ａ': 2 }), '{"Ａ":2,"😀":1}');
  assert.equal(canonicalJson({ b: 1, a: 2, '': 3, aa: 4 }), '{"":3,"a":2,"aa":4,"b":1}');
  assert.ok(compareCodePoints('\uff21', '\ud83d\ude00') < 0);
  assert.ok(compareCodePoints('a', 'ab') < 0);
});

test('strict mode rejects floats and out-of-range integers; lax mode keeps them', () => {
  expectCoreError(() => canonicalJson({ a: 1.5 }, { strict: true }), 'NOT_CANONICAL');
  expectCoreError(() => canonicalJson({ a: [2 ** 53] }, { strict: true }), 'NOT_CANONICAL');
  expectCoreError(() => canonicalJson({ a: -(2 ** 53) }, { strict: true }), 'NOT_CANONICAL');
  expectCoreError(() => canonicalJson(2n ** 53n, { strict: true }), 'NOT_CANONICAL');
  assert.equal(canonicalJson(2 ** 53 - 1, { strict: true }), '9007199254740991');
  assert.equal(canonicalJson(-(2 ** 53) + 1, { strict: true }), '-9007199254740991');
  assert.equal(canonicalJson({ a: 50.57 }), '{"a":50.57}');
  assert.equal(canonicalJson(1e21), '1000000000000000000000');
  assert.equal(canonicalJson(2n ** 63n - 1n), '9223372036854775807');
  const err = (() => { try { canonicalJson({ x: { y: 0.5 } }, { strict: true }); } catch (e) { return e; } })();
  assert.ok(err instanceof CoreError && err.field === 'x.y');
});

test('non-JSON values are CoreErrors, not TypeErrors', () => {
  expectCoreError(() => canonicalJson(NaN), 'BAD_JSON');
  expectCoreError(() => canonicalJson(Infinity), 'BAD_JSON');
  expectCoreError(() => canonicalJson({ f: () => 1 }), 'BAD_JSON');
  expectCoreError(() => canonicalJson(new Date()), 'BAD_JSON');
  expectCoreError(() => canonicalJson([undefined]), 'BAD_JSON');
  expectCoreError(() => canonicalJson(Symbol('x')), 'BAD_JSON');
  expectCoreError(() => canonicalJson({ s: 'a\ud800b' }), 'NOT_CANONICAL');
  expectCoreError(() => canonicalJson({ ['\udc00']: 1 }), 'NOT_CANONICAL');
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  expectCoreError(() => canonicalJson(cyclic), 'BAD_JSON');
  let deep: unknown = 1;
  for (let i = 0; i < 100000; i++) deep = [deep];
  expectCoreError(() => canonicalJson(deep), 'BAD_JSON');
  assert.equal(canonicalJson({ a: undefined, b: 1 }), '{"b":1}');
});

test('parseJsonObject', () => {
  assert.deepEqual(parseJsonObject('{"a":[1,"x"]}'), { a: [1, 'x'] });
  assert.deepEqual(parseJsonObject(Buffer.from('{"a":1}')), { a: 1 });
  expectCoreError(() => parseJsonObject('{"a":'), 'BAD_JSON');
  expectCoreError(() => parseJsonObject('[1]'), 'BAD_JSON');
  expectCoreError(() => parseJsonObject('null'), 'BAD_JSON');
  expectCoreError(() => parseJsonObject('{"a":1.5}', { strict: true }), 'NOT_CANONICAL');
  expectCoreError(() => parseJsonObject('{"a":9007199254740992}', { strict: true }), 'NOT_CANONICAL');
  assert.deepEqual(parseJsonObject('{"a":1.5}'), { a: 1.5 });
  assert.equal(parseJson('"x"'), 'x');
});
