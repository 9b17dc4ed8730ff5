import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPduFormat, CoreError, ROOM_VERSIONS, toRoomEvent, type Pdu } from '../mine.js';

const v = (id: string) => ROOM_VERSIONS.get(id)!;
const H = (c: string) => '$' + c.repeat(43);

const good10 = (): Record<string, unknown> => ({
  room_id: '!r:example.org', sender: '@u:example.org', type: 'm.room.member', state_key: '@u:example.org',
  content: { membership: 'join' }, origin_server_ts: 1, depth: 3, prev_events: [H('A')], auth_events: [H('B'), H('C')],
  hashes: { sha256: 'abc' }, signatures: { 'example.org': { 'ed25519:1': 'sig' } }, unsigned: { age: 1 },
});
const good1 = (): Record<string, unknown> => ({
  ...good10(), event_id: '$e1:example.org', prev_events: [['$p:example.org', { sha256: 'x' }]], auth_events: [['$a:other.org', {}]],
});

function rejects(json: unknown, id: string, code: string, field?: string) {
  assert.throws(() => checkPduFormat(json, v(id)), (e: unknown) => {
    if (!(e instanceof CoreError)) return false;
    assert.equal(e.code, code, `${e.message}`);
    if (field !== undefined) assert.equal(e.field, field);
    return true;
  });
}

test('valid PDUs give RoomEvents; v1 references are flattened', () => {
  const e10 = checkPduFormat(good10(), v('10'));
  assert.equal(e10.eventId[0], '$');
  assert.deepEqual(e10.authEventIds, [H('B'), H('C')]);
  assert.equal(e10.stateKey, '@u:example.org');
  const e1 = checkPduFormat(good1(), v('1'));
  assert.equal(e1.eventId, '$e1:example.org');
  assert.deepEqual(e1.prevEventIds, ['$p:example.org']);
  assert.deepEqual(e1.authEventIds, ['$a:other.org']);
  // Historical user IDs are accepted as senders.
  assert.doesNotThrow(() => checkPduFormat({ ...good10(), sender: '@Ünïcode Name!:example.org' }, v('10')));
  assert.doesNotThrow(() => checkPduFormat({ ...good10(), sender: '@:example.org' }, v('10')));
});

test('missing and mistyped fields name the field', () => {
  for (const f of ['type', 'sender', 'content', 'origin_server_ts', 'depth', 'hashes', 'signatures', 'room_id', 'prev_events', 'auth_events']) {
    const j = good10();
    delete j[f];
    rejects(j, '10', 'MISSING_FIELD', f);
  }
  const j1 = good1();
  delete j1.event_id;
  rejects(j1, '1', 'MISSING_FIELD', 'event_id');
  rejects({ ...good10(), type: 5 }, '10', 'BAD_JSON', 'type');
  rejects({ ...good10(), content: [] }, '10', 'BAD_JSON', 'content');
  rejects({ ...good10(), state_key: null }, '10', 'BAD_JSON', 'state_key');
  rejects({ ...good10(), depth: '3' }, '10', 'BAD_JSON', 'depth');
  rejects({ ...good10(), depth: -1 }, '10', 'BAD_JSON', 'depth');
  rejects({ ...good10(), origin_server_ts: 1.5 }, '3', 'BAD_JSON', 'origin_server_ts');
  rejects({ ...good10(), hashes: { sha256: 1 } }, '10', 'BAD_JSON', 'hashes.sha256');
  rejects({ ...good10(), signatures: { a: 'x' } }, '10', 'BAD_JSON', 'signatures.a');
  rejects({ ...good10(), signatures: { a: { k: 1 } } }, '10', 'BAD_JSON', 'signatures.a.k');
  rejects({ ...good10(), unsigned: 1 }, '10', 'BAD_JSON', 'unsigned');
  rejects({ ...good10(), prev_events: {} }, '10', 'BAD_JSON', 'prev_events');
  rejects({ ...good10(), prev_events: Array(21).fill(H('A')) }, '10', 'BAD_JSON', 'prev_events');
  rejects({ ...good10(), auth_events: Array(11).fill(H('A')) }, '10', 'BAD_JSON', 'auth_events');
  rejects({ ...good1(), prev_events: ['$p:example.org'] }, '1', 'BAD_JSON', 'prev_events[0]');
  for (const junk of [null, 1, 'x', [], true]) rejects(junk, '10', 'BAD_JSON');
});

test('non-canonical numbers are rejected from v6, tolerated before', () => {
  rejects({ ...good10(), content: { membership: 'join', n: 1.5 } }, '6', 'NOT_CANONICAL', 'content.n');
  rejects({ ...good10(), depth: 2 ** 53 }, '10', 'NOT_CANONICAL', 'depth');
  rejects({ ...good10(), content: { membership: 'join', n: -(2 ** 60) } }, '11', 'NOT_CANONICAL');
  assert.doesNotThrow(() => checkPduFormat({ ...good10(), prev_events: [H('+')], auth_events: [], content: { n: 1.5 } }, v('3')));
  assert.doesNotThrow(() => checkPduFormat({ ...good10(), depth: 2 ** 60 }, v('5')));
});

test('size limits: 65,536 bytes per event, 255 bytes per id/type/state_key', () => {
  rejects({ ...good10(), content: { membership: 'join', body: 'x'.repeat(65_536) } }, '10', 'TOO_LARGE');
  rejects({ ...good10(), content: { membership: 'join', body: 'é'.repeat(33_000) } }, '10', 'TOO_LARGE');
  assert.doesNotThrow(() => checkPduFormat({ ...good10(), content: { body: 'x'.repeat(60_000) } }, v('10')));
  rejects({ ...good10(), type: 't'.repeat(256) }, '10', 'TOO_LARGE', 'type');
  assert.doesNotThrow(() => checkPduFormat({ ...good10(), type: 't'.repeat(255) }, v('10')));
  rejects({ ...good10(), state_key: 'é'.repeat(128) }, '10', 'TOO_LARGE', 'state_key');
  rejects({ ...good10(), sender: '@' + 'u'.repeat(250) + ':example.org' }, '10', 'TOO_LARGE', 'sender');
  rejects({ ...good10(), room_id: '!' + 'r'.repeat(250) + ':example.org' }, '10', 'TOO_LARGE', 'room_id');
  rejects({ ...good1(), event_id: '$' + 'e'.repeat(250) + ':example.org' }, '1', 'TOO_LARGE', 'event_id');
});

test('bad identifiers are INVALID_ID', () => {
  rejects({ ...good10(), sender: 'u:example.org' }, '10', 'INVALID_ID', 'sender');
  rejects({ ...good10(), sender: '@u' }, '10', 'INVALID_ID', 'sender');
  rejects({ ...good10(), sender: '@u:bad_server!' }, '10', 'INVALID_ID', 'sender');
  rejects({ ...good10(), room_id: '#r:example.org' }, '10', 'INVALID_ID', 'room_id');
  rejects({ ...good10(), room_id: '!' + 'R'.repeat(43) }, '10', 'INVALID_ID', 'room_id');
  rejects({ ...good10(), room_id: '!r:example.org' }, '12', 'INVALID_ID', 'room_id');
  rejects({ ...good10(), prev_events: ['$notahash'] }, '10', 'INVALID_ID', 'prev_events[0]');
  rejects({ ...good10(), prev_events: [H('+')] }, '4', 'INVALID_ID', 'prev_events[0]');
  rejects({ ...good10(), prev_events: [H('_')] }, '3', 'INVALID_ID', 'prev_events[0]');
  rejects({ ...good1(), event_id: '$noserver' }, '1', 'INVALID_ID', 'event_id');
  rejects({ ...good10(), redacts: 5 }, '10', 'INVALID_ID', 'redacts');
});

test('v12: room_id is required except on the create event; toRoomEvent picks redacts per version', () => {
  const ev = { ...good10(), room_id: '!' + 'R'.repeat(43) };
  assert.equal(checkPduFormat(ev, v('12')).roomId, '!' + 'R'.repeat(43));
  const create = { ...good10(), type: 'm.room.create', state_key: '', content: {}, prev_events: [], auth_events: [] };
  delete (create as Record<string, unknown>).room_id;
  const c = checkPduFormat(create, v('12'));
  assert.equal(c.roomId, '!' + c.eventId.slice(1));
  rejects(create, '11', 'MISSING_FIELD', 'room_id');
  const red: Pdu = { type: 'm.room.redaction', redacts: '$top', content: { redacts: '$inner' } };
  assert.equal(toRoomEvent(red, v('10'), '$x').redacts, '$top');
  assert.equal(toRoomEvent(red, v('11'), '$x').redacts, '$inner');
});
