// Rule 1 (m.room.create) for every version, v12's room ID rule 2, the missing-create rule
// 2.4, and m.federate (rule 3; 4 in v12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkEventAuth } from '../../src/auth/index.js';
import { ALICE, ALL_VERSIONS, BOB, EVE, assertAllowed, assertDenied, byVersion, makeEvent, room, versions } from './fixtures.js';

test('create: the room fixture create event is allowed in every version', () => {
  for (const rules of ALL_VERSIONS) assertAllowed(checkEventAuth(room(rules).create, () => undefined, rules));
});

function createEvent(rules: (typeof ALL_VERSIONS)[number], over: { prev?: string[]; roomId?: string; content?: object; sender?: string } = {}) {
  const v12 = rules.roomIdFromCreateEvent;
  const e = makeEvent(over.roomId ?? (v12 ? '!h' : '!r:a.test'), {
    type: 'm.room.create', sender: over.sender ?? ALICE, stateKey: '', prevEventIds: over.prev ?? [],
    content: { room_version: rules.id, ...(rules.createEventHasNoCreator ? {} : { creator: ALICE }), ...(over.content ?? {}) },
  });
  if (v12 && over.roomId === undefined) delete e.pdu.room_id;
  return e;
}

test('create 1.1: prev_events rejected, every version', () => {
  for (const rules of ALL_VERSIONS) {
    assertDenied(checkEventAuth(createEvent(rules, { prev: ['$x:a.test'] }), () => undefined, rules), '1.1', 'create.prevEvents');
    assertAllowed(checkEventAuth(createEvent(rules), () => undefined, rules));
  }
});

test('create 1.2 (v1–v11): room_id domain must match the sender domain', () => {
  for (const rules of versions((n) => n <= 11)) {
    assertDenied(checkEventAuth(createEvent(rules, { roomId: '!r:b.test' }), () => undefined, rules), '1.2', 'create.roomId');
    assertAllowed(checkEventAuth(createEvent(rules, { roomId: '!r:a.test' }), () => undefined, rules));
  }
});

test('create 1.2 (v12): a room_id on the create event is rejected', () => {
  for (const rules of versions((n) => n >= 12)) {
    assertDenied(checkEventAuth(createEvent(rules, { roomId: '!r:a.test' }), () => undefined, rules), '1.2', 'create.roomId');
    assertAllowed(checkEventAuth(createEvent(rules), () => undefined, rules));
  }
});

test('create 1.3: unknown room_version rejected; absent accepted', () => {
  for (const rules of ALL_VERSIONS) {
    assertDenied(checkEventAuth(createEvent(rules, { content: { room_version: '999' } }), () => undefined, rules), '1.3');
    assertDenied(checkEventAuth(createEvent(rules, { content: { room_version: 10 } }), () => undefined, rules), '1.3');
    const e = createEvent(rules);
    delete (e.content as Record<string, unknown>).room_version;
    assertAllowed(checkEventAuth(e, () => undefined, rules));
  }
});

test('create 1.4 (v1–v10): content.creator required; v11+: not required', () => {
  for (const rules of ALL_VERSIONS) {
    const e = createEvent(rules);
    delete (e.content as Record<string, unknown>).creator;
    if (Number(rules.id) <= 10) assertDenied(checkEventAuth(e, () => undefined, rules), '1.4', 'create.creator');
    else assertAllowed(checkEventAuth(e, () => undefined, rules));
  }
});

test('create 1.4 (v12): additional_creators must be an array of user IDs', () => {
  for (const rules of versions((n) => n >= 12)) {
    for (const bad of [['not-a-user'], '@bob:a.test', [42], ['@bob']]) {
      assertDenied(checkEventAuth(createEvent(rules, { content: { additional_creators: bad } }), () => undefined, rules),
        '1.4', 'create.additionalCreators');
    }
    assertAllowed(checkEventAuth(createEvent(rules, { content: { additional_creators: [BOB, EVE] } }), () => undefined, rules));
  }
  // Before v12 additional_creators means nothing.
  const v11 = versions((n) => n === 11)[0]!;
  assertAllowed(checkEventAuth(createEvent(v11, { content: { additional_creators: ['junk'] } }), () => undefined, v11));
});

test('v12 rule 2: room_id must be the create event ID with ! for $', () => {
  for (const rules of versions((n) => n >= 12)) {
    const r = room(rules);
    assertAllowed(checkEventAuth(r.ev({ type: 'm.room.message', sender: BOB }), r.state, rules));
    const other = r.ev({ type: 'm.room.message', sender: BOB, roomId: '!otherhash' });
    assertDenied(checkEventAuth(other, r.state, rules), '2', 'roomId.create');
    // Without a reachable create event, likewise.
    assertDenied(checkEventAuth(r.ev({ type: 'm.room.message', sender: BOB }),
      (t, k) => (t === 'm.room.create' ? undefined : r.state(t, k)), rules), '2');
  }
});

test('rule 2.4 (v1–v11): no m.room.create among the auth events', () => {
  for (const rules of versions((n) => n <= 11)) {
    const r = room(rules);
    const msg = r.ev({ type: 'm.room.message', sender: BOB });
    assertAllowed(checkEventAuth(msg, r.state, rules));
    assertDenied(checkEventAuth(msg, (t, k) => (t === 'm.room.create' ? undefined : r.state(t, k)), rules), '2.4', 'authEvents.noCreate');
  }
});

test('rule 3 (4 in v12): m.federate false keeps other servers out', () => {
  for (const rules of ALL_VERSIONS) {
    for (const federate of [false, true]) {
      const r = room(rules, { createContent: { 'm.federate': federate }, members: { [EVE]: 'join' } });
      const msg = r.ev({ type: 'm.room.message', sender: EVE });
      if (federate) assertAllowed(checkEventAuth(msg, r.state, rules));
      else assertDenied(checkEventAuth(msg, r.state, rules), byVersion(rules, { 1: '3', 12: '4' }), 'federate');
      // A local user is unaffected.
      assertAllowed(checkEventAuth(r.ev({ type: 'm.room.message', sender: BOB }), r.state, rules));
    }
  }
  assert.ok(ALL_VERSIONS.length === 12);
});
