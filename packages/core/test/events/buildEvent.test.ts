import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildEvent, checkContentHash, checkPduFormat, computeEventId, CoreError, ROOM_VERSIONS, signingKeyFromSeed,
  verifyEventSignature, type BuildEventInput, prepareEvent, withOriginSignature, canonicalJson, encodeBase64, signBytes,
} from '../mine.js';

const v = (id: string) => ROOM_VERSIONS.get(id)!;
const key = signingKeyFromSeed(new Uint8Array(32).fill(3), 'ed25519:a1');

const input = (over: Partial<BuildEventInput> = {}): BuildEventInput => ({
  roomId: '!room:example.org', sender: '@alice:example.org', type: 'm.room.message', content: { body: 'hi', msgtype: 'm.text' },
  prevEventIds: ['$p:example.org'], authEventIds: ['$a:example.org'], depth: 5, originServerTs: 1_700_000_000_000,
  serverName: 'example.org', v1EventIdLocalpart: 'abc', ...over,
});
const hashId = (c: string) => '$' + c.repeat(43);

test('buildEvent output passes format, hash, signature and ID checks in every version', () => {
  for (const id of ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']) {
    const rules = v(id);
    const refs = rules.eventIdFormat === 'v1' ? {} : rules.eventIdFormat === 'v3' ? { prevEventIds: [hashId('A')], authEventIds: [hashId('+')] } : { prevEventIds: [hashId('A')], authEventIds: [hashId('_')] };
    const roomId = rules.roomIdFromCreateEvent ? '!' + 'R'.repeat(43) : '!room:example.org';
    const built = buildEvent(input({ ...refs, roomId }), key, rules);
    assert.equal(computeEventId(built.pdu, rules), built.eventId, id);
    assert.ok(checkContentHash(built.pdu), id);
    assert.ok(verifyEventSignature(built.pdu, rules, 'example.org', 'ed25519:a1', key.publicKeyBase64), id);
    const ev = checkPduFormat(JSON.parse(JSON.stringify(built.pdu)), rules);
    assert.equal(ev.eventId, built.eventId, id);
    assert.deepEqual(ev.prevEventIds, built.event.prevEventIds, id);
    assert.equal('origin' in built.pdu, false);
    if (rules.eventIdInEvent) {
      assert.equal(built.eventId, '$abc:example.org');
      assert.deepEqual(built.pdu.prev_events, [['$p:example.org', {}]]);
    }
  }
});

test('v1 references carry hashes from the lookup', () => {
  const built = buildEvent(input({ referenceHashOf: (id) => (id === '$p:example.org' ? 'HASH' : undefined) }), key, v('1'));
  assert.deepEqual(built.pdu.prev_events, [['$p:example.org', { sha256: 'HASH' }]]);
  assert.deepEqual(built.pdu.auth_events, [['$a:example.org', {}]]);
  assert.deepEqual(built.event.prevEventIds, ['$p:example.org']);
  assert.throws(() => buildEvent(input({ v1EventIdLocalpart: undefined }), key, v('1')), CoreError);
});

test('redacts: top level before v11, content from v11', () => {
  const r10 = buildEvent(input({ type: 'm.room.redaction', content: {}, redacts: '$x:example.org', prevEventIds: [hashId('A')], authEventIds: [] }), key, v('10'));
  assert.equal(r10.pdu.redacts, '$x:example.org');
  assert.deepEqual(r10.pdu.content, {});
  assert.equal(r10.event.redacts, '$x:example.org');
  const r11 = buildEvent(input({ type: 'm.room.redaction', content: {}, redacts: '$x:example.org', prevEventIds: [hashId('A')], authEventIds: [] }), key, v('11'));
  assert.equal(r11.pdu.redacts, undefined);
  assert.deepEqual(r11.pdu.content, { redacts: '$x:example.org' });
  assert.equal(r11.event.redacts, '$x:example.org');
});

test('v12 create event has no room_id; its room ID derives from its event ID', () => {
  const built = buildEvent(input({ roomId: undefined, type: 'm.room.create', stateKey: '', content: { room_version: '12' }, prevEventIds: [], authEventIds: [], depth: 1 }), key, v('12'));
  assert.equal(built.pdu.room_id, undefined);
  assert.equal(built.event.roomId, '!' + built.eventId.slice(1));
  assert.equal(checkPduFormat(built.pdu, v('12')).roomId, built.event.roomId);
  assert.throws(() => buildEvent(input({ roomId: undefined }), key, v('12')), (e: unknown) => e instanceof CoreError && e.code === 'BAD_INPUT');
});

test('strict versions refuse floats in new events; unsigned is kept but not signed', () => {
  assert.throws(() => buildEvent(input({ content: { n: 1.5 }, prevEventIds: [hashId('A')], authEventIds: [] }), key, v('6')),
    (e: unknown) => e instanceof CoreError && e.code === 'NOT_CANONICAL');
  assert.doesNotThrow(() => buildEvent(input({ content: { n: 1.5 } }), key, v('1')));
  const b = buildEvent(input({ unsigned: { transaction_id: 't' }, prevEventIds: [hashId('A')], authEventIds: [] }), key, v('10'));
  assert.deepEqual(b.pdu.unsigned, { transaction_id: 't' });
  assert.ok(checkContentHash(b.pdu));
  const big = buildEvent(input({ depth: 2 ** 60, prevEventIds: [hashId('A')], authEventIds: [] }), key, v('10'));
  assert.equal(big.pdu.depth, Number.MAX_SAFE_INTEGER);
});

test('prepareEvent + a later signature spliced into the stored JSON equal buildEvent byte for byte', () => {
  const cases: Partial<BuildEventInput>[] = [
    {},
    { type: 'm.room.member', stateKey: '@bob:example.org', content: { membership: 'join', displayname: 'B"ob\\' } },
    { type: 'm.room.topic', stateKey: '', content: { topic: 'x' } },
    // Nested "sender" keys and escaped quotes in content must not confuse the splice.
    { content: { body: ',"sender":"@evil:x"', nested: { a: 1, sender: '@x:y', signatures: {} }, msgtype: 'm.text' } },
    { type: 'm.room.redaction', redacts: '$target:example.org', content: {} },
    { sender: '@"quoted\\user:example.org' },
    { content: { origin_server_ts: 1, x: { a: 1, origin_server_ts: 2, hashes: {} } } },
    { includeOrigin: true },
    { unsigned: { age: 1 } },
  ];
  for (const id of ['1', '6', '11', '12']) {
    const rules = v(id);
    const roomId = rules.roomIdFromCreateEvent ? '!' + 'R'.repeat(43) : '!room:example.org';
    for (const over of cases) {
      const built = buildEvent(input({ roomId, ...over }), key, rules);
      const prepared = prepareEvent(input({ roomId, ...over }), rules);
      assert.equal(prepared.eventId, built.eventId, id);
      assert.equal('signatures' in prepared.pdu, false);
      assert.equal(prepared.json, canonicalJson(prepared.pdu), `${id} ${JSON.stringify(over)}`);
      const signature = encodeBase64(signBytes(key, prepared.signingJson));
      const spliced = withOriginSignature(canonicalJson(prepared.pdu), 'example.org', key.keyId, signature);
      assert.equal(spliced, canonicalJson(built.pdu), `${id} ${JSON.stringify(over)}`);
      assert.ok(verifyEventSignature(JSON.parse(spliced), rules, 'example.org', 'ed25519:a1', key.publicKeyBase64), id);
    }
  }
  assert.throws(() => withOriginSignature('{"type":"x"}', 'example.org', 'ed25519:a1', 'sig'), CoreError);
});
