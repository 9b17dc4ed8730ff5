import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact, ROOM_VERSIONS, type Pdu } from '../mine.js';

const v = (id: string) => ROOM_VERSIONS.get(id)!;
const ALL = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];

const base = (type: string, content: Record<string, unknown>): Pdu => ({
  event_id: '$e:a', type, room_id: '!r:a', sender: '@u:a', state_key: '', content: content as Pdu['content'],
  hashes: { sha256: 'h' }, signatures: { a: { 'ed25519:1': 's' } }, depth: 4, prev_events: [], prev_state: [],
  auth_events: [], origin: 'a', origin_server_ts: 7, membership: 'join', unsigned: { age: 1 }, redacts: '$x:a',
  extra: 'gone',
});

test('top-level keys: v1–v10 keep origin/membership/prev_state, v11+ drop them; unsigned/redacts/others always stripped', () => {
  for (const id of ALL) {
    const out = redact(base('m.room.message', { body: 'x' }), v(id));
    const keys = Object.keys(out).sort();
    const common = ['auth_events', 'content', 'depth', 'event_id', 'hashes', 'origin_server_ts', 'prev_events', 'room_id', 'sender', 'signatures', 'state_key', 'type'];
    const want = Number(id) >= 11 ? common : [...common, 'membership', 'origin', 'prev_state'].sort();
    assert.deepEqual(keys, want.sort(), `v${id}`);
    assert.deepEqual(out.content, {}, `v${id}`);
  }
});

function keptContent(id: string, type: string, content: Record<string, unknown>) {
  return redact(base(type, content), v(id)).content;
}

test('m.room.member: membership; join_authorised_via_users_server from v9; third_party_invite.signed from v11', () => {
  const c = { membership: 'join', displayname: 'd', join_authorised_via_users_server: '@x:a', third_party_invite: { display_name: 'n', signed: { mxid: '@u:a' } } };
  for (const id of ['1', '6', '8']) assert.deepEqual(keptContent(id, 'm.room.member', c), { membership: 'join' }, id);
  for (const id of ['9', '10']) assert.deepEqual(keptContent(id, 'm.room.member', c), { membership: 'join', join_authorised_via_users_server: '@x:a' }, id);
  for (const id of ['11', '12']) {
    assert.deepEqual(keptContent(id, 'm.room.member', c), {
      membership: 'join', join_authorised_via_users_server: '@x:a', third_party_invite: { signed: { mxid: '@u:a' } },
    }, id);
  }
  assert.deepEqual(keptContent('11', 'm.room.member', { membership: 'invite', third_party_invite: { display_name: 'n' } }), { membership: 'invite' });
});

test('m.room.create: creator only before v11, everything from v11', () => {
  const c = { creator: '@u:a', room_version: '5', 'm.federate': false };
  for (const id of ['1', '5', '6', '10']) assert.deepEqual(keptContent(id, 'm.room.create', c), { creator: '@u:a' }, id);
  for (const id of ['11', '12']) assert.deepEqual(keptContent(id, 'm.room.create', c), c, id);
});

test('m.room.join_rules: join_rule; allow from v8', () => {
  const c = { join_rule: 'restricted', allow: [{ type: 'm.room_membership', room_id: '!s:a' }], other: 1 };
  for (const id of ['1', '6', '7']) assert.deepEqual(keptContent(id, 'm.room.join_rules', c), { join_rule: 'restricted' }, id);
  for (const id of ['8', '9', '10', '11', '12']) assert.deepEqual(keptContent(id, 'm.room.join_rules', c), { join_rule: 'restricted', allow: c.allow }, id);
});

test('m.room.power_levels: invite kept from v11; notifications never', () => {
  const c = { ban: 50, events: { x: 1 }, events_default: 0, kick: 50, redact: 50, state_default: 50, users: { '@u:a': 100 }, users_default: 0, invite: 0, notifications: { room: 50 } };
  const { invite: _i, notifications: _n, ...pre } = c;
  for (const id of ['1', '6', '10']) assert.deepEqual(keptContent(id, 'm.room.power_levels', c), pre, id);
  const { notifications: _n2, ...post } = c;
  for (const id of ['11', '12']) assert.deepEqual(keptContent(id, 'm.room.power_levels', c), post, id);
});

test('m.room.aliases keeps aliases only in v1–v5', () => {
  const c = { aliases: ['#a:a'], x: 1 };
  for (const id of ['1', '2', '3', '4', '5']) assert.deepEqual(keptContent(id, 'm.room.aliases', c), { aliases: ['#a:a'] }, id);
  for (const id of ['6', '9', '11']) assert.deepEqual(keptContent(id, 'm.room.aliases', c), {}, id);
});

test('m.room.history_visibility everywhere; m.room.redaction redacts in content from v11', () => {
  for (const id of ALL) assert.deepEqual(keptContent(id, 'm.room.history_visibility', { history_visibility: 'shared', x: 1 }), { history_visibility: 'shared' }, id);
  for (const id of ['1', '10']) assert.deepEqual(keptContent(id, 'm.room.redaction', { redacts: '$x', reason: 'r' }), {}, id);
  for (const id of ['11', '12']) assert.deepEqual(keptContent(id, 'm.room.redaction', { redacts: '$x', reason: 'r' }), { redacts: '$x' }, id);
  // Types are matched exactly; prototype names are not event types.
  assert.deepEqual(keptContent('11', 'constructor', { a: 1 }), {});
  assert.deepEqual(keptContent('11', 'toString', { a: 1 }), {});
});

test('redact does not mutate its input and tolerates garbage content', () => {
  const p = base('m.room.member', { membership: 'join', x: 1 });
  const copy = structuredClone(p);
  redact(p, v('11'));
  assert.deepEqual(p, copy);
  assert.deepEqual(redact({ type: 'm.room.member', content: 5 } as unknown as Pdu, v('11')), { type: 'm.room.member', content: {} });
  assert.deepEqual(redact({}, v('1')), { content: {} });
});
