import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkContentHash, computeContentHashBase64, computeEventId, computeReferenceHash, decodeBase64, encodeBase64,
  encodeBase64Url, redact, requiredSignatureServers, roomIdFromCreateEvent, ROOM_VERSIONS, signEvent,
  signingKeyFromSeed, verifyEventSignature, type Pdu,
} from '../mine.js';

const v = (id: string) => ROOM_VERSIONS.get(id)!;
const key = signingKeyFromSeed(decodeBase64('YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1'), 'ed25519:1');

// content/appendices.md "Event Signing" test vectors.
test('appendix event signing vector: minimal event', () => {
  const input: Pdu = {
    room_id: '!x:domain', sender: '@a:domain', origin: 'domain', origin_server_ts: 1000000, signatures: {}, hashes: {},
    type: 'X', content: {}, prev_events: [], auth_events: [], depth: 3, unsigned: { age_ts: 1000000 },
  };
  const signed = signEvent(input, 'domain', key, v('1'));
  assert.deepEqual(signed, {
    auth_events: [], content: {}, depth: 3,
    hashes: { sha256: '5jM4wQpv6lnBo7CLIghJuHdW+s2CMBJPUOGOC89ncos' },
    origin: 'domain', origin_server_ts: 1000000, prev_events: [], room_id: '!x:domain', sender: '@a:domain',
    signatures: { domain: { 'ed25519:1': 'KxwGjPSDEtvnFgU00fwFz+l6d2pJM6XBIaMEn81SXPTRl16AqLAYqfIReFGZlHi5KLjAWbOoMszkwsQma+lYAg' } },
    type: 'X', unsigned: { age_ts: 1000000 },
  });
  assert.ok(checkContentHash(signed));
  assert.ok(verifyEventSignature(signed, v('1'), 'domain', 'ed25519:1', key.publicKeyBase64));
});

test('appendix event signing vector: redactable content', () => {
  const input: Pdu = {
    content: { body: 'Here is the message content' }, event_id: '$0:domain', origin: 'domain', origin_server_ts: 1000000,
    type: 'm.room.message', room_id: '!r:domain', sender: '@u:domain', signatures: {}, unsigned: { age_ts: 1000000 },
  };
  const signed = signEvent(input, 'domain', key, v('1'));
  assert.equal(signed.hashes.sha256, 'onLKD1bGljeBWQhWZ1kaP9SorVmRQNdN5aM2JYU2n/g');
  assert.equal(signed.signatures.domain!['ed25519:1'], 'Wm+VzmOUOz08Ds+0NTWb1d4CZrVsJSikkeRxh6aCcUwu6pNC78FunoD7KNWzqFn241eYHYMGCA5McEiVPdhzBA');
  assert.deepEqual(signed.content, input.content);
  assert.deepEqual(signed.unsigned, input.unsigned);
  assert.equal(computeEventId(signed, v('1')), '$0:domain');
  // The signature covers the redacted form: still valid once redacted, and
  // the content hash then fails (the spec's cue to use the redacted copy).
  const red = redact(signed, v('1'));
  assert.ok(verifyEventSignature(red, v('1'), 'domain', 'ed25519:1', key.publicKeyBase64));
  assert.equal(checkContentHash(red), false);
  assert.ok(checkContentHash(signed));
  // Tampering with an essential key breaks the signature; with content breaks the hash only.
  assert.equal(verifyEventSignature({ ...signed, sender: '@v:domain' }, v('1'), 'domain', 'ed25519:1', key.publicKeyBase64), false);
  const tampered = { ...signed, content: { body: 'other' } };
  assert.ok(verifyEventSignature(tampered, v('1'), 'domain', 'ed25519:1', key.publicKeyBase64));
  assert.equal(checkContentHash(tampered), false);
});

test('signEvent keeps existing hashes and signatures; verify never throws', () => {
  const base: Pdu = { room_id: '!r:a', sender: '@u:a', type: 'X', content: {}, depth: 1, origin_server_ts: 1, prev_events: [], auth_events: [] };
  const other = signingKeyFromSeed(new Uint8Array(32).fill(1), 'ed25519:k');
  const s1 = signEvent(base, 'a', key, v('10'));
  const s2 = signEvent(s1, 'b', other, v('10'));
  assert.equal(s2.hashes.sha256, s1.hashes.sha256);
  assert.ok(verifyEventSignature(s2, v('10'), 'a', 'ed25519:1', key.publicKeyBase64));
  assert.ok(verifyEventSignature(s2, v('10'), 'b', 'ed25519:k', other.publicKeyBase64));
  assert.equal(verifyEventSignature(s2, v('10'), 'b', 'ed25519:k', key.publicKeyBase64), false);
  for (const junk of [null, 1, 'x', {}, { signatures: 1 }, { signatures: { a: 'x' } }, { signatures: { a: { 'ed25519:1': 'AA' } }, x: NaN }]) {
    assert.equal(verifyEventSignature(junk as Pdu, v('10'), 'a', 'ed25519:1', key.publicKeyBase64), false);
  }
  assert.equal(checkContentHash({ hashes: { sha256: '!!' } }), false);
  assert.equal(checkContentHash({ hashes: 5 } as unknown as Pdu), false);
  assert.equal(checkContentHash({}), false);
});

test('event IDs: v3 standard base64, v4+ URL-safe, v1 from the event', () => {
  const pdu: Pdu = { room_id: '!r:a', sender: '@u:a', type: 'X', content: { n: 1 }, depth: 1, origin_server_ts: 1, prev_events: [], auth_events: [], hashes: { sha256: 'x' } };
  const h3 = computeReferenceHash(pdu, v('3'));
  assert.equal(computeEventId(pdu, v('3')), '$' + encodeBase64(h3));
  assert.equal(computeEventId(pdu, v('4')), '$' + encodeBase64Url(computeReferenceHash(pdu, v('4'))));
  // Content is redacted away, so the reference hash ignores it, as do signatures/unsigned.
  assert.equal(computeEventId({ ...pdu, content: { n: 2 }, unsigned: { a: 1 }, signatures: { a: {} } }, v('4')), computeEventId(pdu, v('4')));
  assert.notEqual(computeEventId({ ...pdu, hashes: { sha256: 'y' } }, v('4')), computeEventId(pdu, v('4')));
  assert.match(computeEventId(pdu, v('11')), /^\$[A-Za-z0-9_-]{43}$/);
  assert.throws(() => computeEventId(pdu, v('1')));
  assert.equal(computeEventId({ ...pdu, event_id: '$e:a' }, v('2')), '$e:a');
  // Reference hash = sha256 of the redacted event without signatures/unsigned.
  const manual = encodeBase64(h3);
  assert.equal(manual.length, 43);
});

test('v12 room ID is the create event ID with ! sigil', () => {
  const create: Pdu = {
    sender: '@c:a', type: 'm.room.create', state_key: '', content: { room_version: '12' }, depth: 1,
    origin_server_ts: 5, prev_events: [], auth_events: [],
  };
  const signed = signEvent(create, 'a', key, v('12'));
  const eid = computeEventId(signed, v('12'));
  assert.equal(roomIdFromCreateEvent(signed), '!' + eid.slice(1));
  assert.equal(roomIdFromCreateEvent(signed, v('12')), '!' + eid.slice(1));
  // Create content is kept by v11+ redaction, so it changes the ID.
  assert.notEqual(roomIdFromCreateEvent({ ...signed, content: { room_version: '12', x: 1 } }), roomIdFromCreateEvent(signed));
});

test('required signature servers', () => {
  assert.deepEqual(requiredSignatureServers({ sender: '@u:a', type: 'X', content: {} }, v('10')), ['a']);
  assert.deepEqual(requiredSignatureServers({ sender: '@u:a', event_id: '$x:b', type: 'X' }, v('1')).sort(), ['a', 'b']);
  assert.deepEqual(requiredSignatureServers({ sender: '@u:a', event_id: '$x:b', type: 'X' }, v('3')), ['a']);
  assert.deepEqual(
    requiredSignatureServers({ sender: '@u:a', type: 'm.room.member', content: { membership: 'invite', third_party_invite: {} } }, v('10')),
    [],
  );
  assert.deepEqual(
    requiredSignatureServers({ sender: '@u:a', type: 'm.room.member', content: { membership: 'join', join_authorised_via_users_server: '@x:c' } }, v('9')).sort(),
    ['a', 'c'],
  );
  assert.deepEqual(
    requiredSignatureServers({ sender: '@u:a', type: 'm.room.member', content: { membership: 'join', join_authorised_via_users_server: '@x:c' } }, v('7')),
    ['a'],
  );
  assert.equal(computeContentHashBase64({ a: 1, hashes: { sha256: 'q' }, unsigned: {}, signatures: {} }), computeContentHashBase64({ a: 1 }));
});
