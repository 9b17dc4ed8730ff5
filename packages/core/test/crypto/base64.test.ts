import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CoreError, decodeBase64, encodeBase64, encodeBase64Url, sha256, tryDecodeBase64 } from '../mine.js';

const b = (s: string) => new TextEncoder().encode(s);

test('unpadded base64: appendix examples', () => {
  const cases: [string, string][] = [
    ['', ''], ['f', 'Zg'], ['fo', 'Zm8'], ['foo', 'Zm9v'], ['foob', 'Zm9vYg'], ['fooba', 'Zm9vYmE'], ['foobar', 'Zm9vYmFy'],
  ];
  for (const [raw, enc] of cases) {
    assert.equal(encodeBase64(b(raw)), enc);
    assert.deepEqual(Buffer.from(decodeBase64(enc)).toString(), raw);
  }
});

test('URL-safe variant and decoding of every form', () => {
  const bytes = new Uint8Array([0xfb, 0xff, 0xbf]);
  assert.equal(encodeBase64(bytes), '+/+/');
  assert.equal(encodeBase64Url(bytes), '-_-_');
  assert.deepEqual([...decodeBase64('+/+/')], [...bytes]);
  assert.deepEqual([...decodeBase64('-_-_')], [...bytes]);
  assert.deepEqual([...decodeBase64('Zg==')], [0x66]);
  assert.deepEqual([...decodeBase64('Zg')], [0x66]);
  assert.deepEqual([...decodeBase64('Zm8=')], [0x66, 0x6f]);
});

test('bad base64 is a CoreError', () => {
  for (const bad of ['Z', 'Zg=', 'Zm9v=', 'Zg===', 'a b', 'Z*g', '=Zg']) {
    assert.throws(() => decodeBase64(bad), (e: unknown) => e instanceof CoreError && e.code === 'BAD_BASE64', bad);
    assert.equal(tryDecodeBase64(bad), undefined);
  }
  assert.equal(tryDecodeBase64(5), undefined);
});

test('sha256', () => {
  assert.equal(Buffer.from(sha256('abc')).toString('hex'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.deepEqual(sha256(b('abc')), sha256('abc'));
});
