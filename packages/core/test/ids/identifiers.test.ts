import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CoreError, isValidLocalpart, isValidServerName, localpartOf, parseEventId, parseRoomAlias, parseRoomId, parseServerName,
  parseUserId, ROOM_VERSIONS, serverNameOf, splitServerName,
} from '../mine.js';

const v = (id: string) => ROOM_VERSIONS.get(id)!;
const invalid = (fn: () => unknown, code = 'INVALID_ID') =>
  assert.throws(fn, (e: unknown) => e instanceof CoreError && e.code === code);

test('server names (appendix examples and grammar)', () => {
  for (const ok of ['matrix.org', 'matrix.org:8888', '1.2.3.4', '1.2.3.4:1234', '[1234:5678::abcd]', '[1234:5678::abcd]:5678',
    'localhost', 'MATRIX.org', '[::1]', '[::ffff:1.2.3.4]', '[1:2:3:4:5:6:7:8]', 'a-b.c']) {
    assert.ok(isValidServerName(ok), ok);
    assert.equal(parseServerName(ok), ok);
  }
  for (const bad of ['', 'matrix.org:', 'matrix.org:123456', 'matrix.org:port', 'a_b.org', 'exa mple.org', '[1234::abcd', '[zz::1]',
    '[1::2::3]', '[1:2:3:4:5:6:7:8:9]', '256.1.1.1', 'ünï.org', '[::1]x', 'x'.repeat(256), 5, null]) {
    assert.equal(isValidServerName(bad), false, String(bad));
    invalid(() => parseServerName(bad));
  }
  assert.deepEqual(splitServerName(parseServerName('[::1]:8448')), { host: '[::1]', port: 8448 });
  assert.deepEqual(splitServerName(parseServerName('a.org')), { host: 'a.org', port: undefined });
});

test('user IDs: strict grammar vs historical', () => {
  assert.equal(parseUserId('@alice:example.org', { strict: true }), '@alice:example.org');
  assert.ok(parseUserId('@a.b_c=d-e/f+g:example.org:8448', { strict: true }));
  for (const hist of ['@Alice:example.org', '@ünï cödé!:example.org', '@:example.org', '@a\u0001b:example.org']) {
    assert.equal(parseUserId(hist), hist);
    invalid(() => parseUserId(hist, { strict: true }));
  }
  for (const bad of ['alice:example.org', '@alice', '@alice:', '@al\u0000ice:example.org', '@alice:bad server', 1, null, '@a\ud800:x.org']) {
    invalid(() => parseUserId(bad));
  }
  invalid(() => parseUserId('@' + 'a'.repeat(250) + ':example.org'), 'TOO_LARGE');
  assert.ok(parseUserId('@' + 'a'.repeat(241) + ':example.org')); // exactly 255 bytes
  assert.ok(isValidLocalpart('a.b_c=d-e/f+g0'));
  for (const bad of ['', 'A', 'a:b', 'a b', 'é', 'a*']) assert.equal(isValidLocalpart(bad), false, bad);
});

test('room IDs per version', () => {
  const hash = '!' + 'aZ09-_'.repeat(7) + 'x';
  assert.equal(hash.length, 44);
  assert.ok(parseRoomId('!abc:example.org'));
  assert.ok(parseRoomId('!abc:example.org', v('11')));
  assert.ok(parseRoomId(hash));
  assert.ok(parseRoomId(hash, v('12')));
  invalid(() => parseRoomId(hash, v('11')));
  invalid(() => parseRoomId('!abc:example.org', v('12')));
  for (const bad of ['abc:example.org', '!:example.org', '!abc', '!abc:bad server', '$abc:example.org', 7]) invalid(() => parseRoomId(bad));
  invalid(() => parseRoomId('!' + 'a'.repeat(250) + ':example.org'), 'TOO_LARGE');
});

test('event IDs per format', () => {
  const std = '$' + 'a+/b'.repeat(10) + 'xyz';
  const url = '$' + 'a-_b'.repeat(10) + 'xyz';
  assert.ok(parseEventId('$e:example.org', v('1')));
  invalid(() => parseEventId('$e', v('2')));
  assert.ok(parseEventId(std, v('3')));
  invalid(() => parseEventId(url, v('3')));
  assert.ok(parseEventId(url, v('4')));
  invalid(() => parseEventId(std, v('4')));
  invalid(() => parseEventId('$e:example.org', v('10')));
  assert.ok(parseEventId('$anything'));
  for (const bad of ['e', '$', 3, '$a\u0000']) invalid(() => parseEventId(bad));
  invalid(() => parseEventId('$' + 'e'.repeat(255)), 'TOO_LARGE');
});

test('aliases and helpers', () => {
  assert.ok(parseRoomAlias('#room:example.org'));
  assert.ok(parseRoomAlias('#Ünï cödé:example.org'));
  for (const bad of ['room:example.org', '#room', '#ro:om:bad server', '#a\u0000:x.org']) invalid(() => parseRoomAlias(bad));
  assert.equal(serverNameOf('@u:example.org:8448'), 'example.org:8448');
  assert.equal(serverNameOf('!r:[::1]'), '[::1]');
  assert.equal(serverNameOf('$' + 'A'.repeat(43)), undefined);
  assert.equal(serverNameOf('@u:bad server'), undefined);
  assert.equal(localpartOf('@u:example.org'), 'u');
});
