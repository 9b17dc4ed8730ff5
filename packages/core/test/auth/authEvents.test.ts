// Auth events selection (server-server "Auth events selection") and the auth_events list
// rules (2.1, 2.2, 2.4, 2.5; 3.x in v12).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authEventKeys, checkAuthEventsShape, checkEventAuth, lookupFromAuthEvents, selectAuthEvents } from '../../src/auth/index.js';
import { ALICE, ALL_VERSIONS, BOB, CAROL, DAVE, assertAllowed, assertDenied, byVersion, room, versions } from './fixtures.js';

const sortKeys = (k: Array<[string, string]>) => k.map(([t, s]) => `${t}|${s}`).sort();

test('selection: create event has no auth events', () => {
  for (const rules of ALL_VERSIONS) assert.deepEqual(authEventKeys('m.room.create', '', ALICE, {}, rules), []);
});

test('selection: other events cite create (not in v12), power levels, sender membership', () => {
  for (const rules of ALL_VERSIONS) {
    const want = [...(rules.createEventNotInAuthEvents ? [] : ['m.room.create|']), 'm.room.power_levels|', `m.room.member|${BOB}`];
    assert.deepEqual(sortKeys(authEventKeys('m.room.message', undefined, BOB, { body: 'x' }, rules)), want.sort());
    assert.deepEqual(sortKeys(authEventKeys('m.room.topic', '', BOB, {}, rules)), want.sort());
  }
});

test('selection: member events add target, join rules, third-party invite, authorising user', () => {
  for (const rules of ALL_VERSIONS) {
    const base = [...(rules.createEventNotInAuthEvents ? [] : ['m.room.create|']), 'm.room.power_levels|'];
    // Self join: sender = target once.
    assert.deepEqual(sortKeys(authEventKeys('m.room.member', DAVE, DAVE, { membership: 'join' }, rules)),
      [...base, `m.room.member|${DAVE}`, 'm.room.join_rules|'].sort());
    // Invite with third_party_invite.
    assert.deepEqual(
      sortKeys(authEventKeys('m.room.member', DAVE, BOB, { membership: 'invite', third_party_invite: { signed: { mxid: DAVE, token: 'tok' } } }, rules)),
      [...base, `m.room.member|${BOB}`, `m.room.member|${DAVE}`, 'm.room.join_rules|', 'm.room.third_party_invite|tok'].sort());
    // Kick: no join rules.
    assert.deepEqual(sortKeys(authEventKeys('m.room.member', CAROL, BOB, { membership: 'leave' }, rules)),
      [...base, `m.room.member|${BOB}`, `m.room.member|${CAROL}`].sort());
    // Knock cites the join rules.
    assert.ok(sortKeys(authEventKeys('m.room.member', DAVE, DAVE, { membership: 'knock' }, rules)).includes('m.room.join_rules|'));
    // Restricted join: the authorising user's membership, only where restricted joins exist.
    const r = sortKeys(authEventKeys('m.room.member', DAVE, DAVE, { membership: 'join', join_authorised_via_users_server: BOB }, rules));
    assert.equal(r.includes(`m.room.member|${BOB}`), rules.restrictedJoins, `v${rules.id}`);
  }
});

test('selectAuthEvents resolves keys against state, skipping absent ones', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules);
    const ids = selectAuthEvents('m.room.member', DAVE, DAVE, { membership: 'join' }, r.state, rules);
    const want = [
      ...(rules.createEventNotInAuthEvents ? [] : [r.create.eventId]),
      r.state('m.room.power_levels', '')!.eventId, r.state('m.room.join_rules', '')!.eventId,
    ];
    assert.deepEqual([...ids].sort(), want.sort()); // Dave has no membership yet
  }
});

test('auth_events list: the selected list passes, and works as a lookup', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules);
    const e = r.ev({ type: 'm.room.message', sender: BOB });
    const auth = authEventKeys(e.type, e.stateKey, e.sender, e.content, rules).map(([t, k]) => r.state(t, k)!);
    assertAllowed(checkAuthEventsShape(e, auth, rules));
    assertAllowed(checkEventAuth(e, lookupFromAuthEvents(auth, rules.createEventNotInAuthEvents ? r.create : undefined), rules));
  }
});

test('auth_events 2.1 (3.1): duplicate (type, state_key) rejected', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules);
    const e = r.ev({ type: 'm.room.message', sender: BOB });
    const pl = r.state('m.room.power_levels', '')!;
    const pl2 = r.ev({ type: 'm.room.power_levels', sender: ALICE, stateKey: '', content: {} });
    const auth = [...(rules.createEventNotInAuthEvents ? [] : [r.create]), r.state('m.room.member', BOB)!, pl, pl2];
    assertDenied(checkAuthEventsShape(e, auth, rules), byVersion(rules, { 1: '2.1', 12: '3.1' }), 'authEvents.duplicate');
    assertAllowed(checkAuthEventsShape(e, auth.slice(0, -1), rules));
  }
});

test('auth_events 2.2 (3.2): entries the selection does not pick are rejected; v12 create too', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules);
    const num = byVersion(rules, { 1: '2.2', 12: '3.2' });
    const e = r.ev({ type: 'm.room.message', sender: BOB });
    const ok = [...(rules.createEventNotInAuthEvents ? [] : [r.create]), r.state('m.room.member', BOB)!];
    assertAllowed(checkAuthEventsShape(e, ok, rules));
    assertDenied(checkAuthEventsShape(e, [...ok, r.state('m.room.join_rules', '')!], rules), num, 'authEvents.notSelected');
    assertDenied(checkAuthEventsShape(e, [...ok, r.state('m.room.member', CAROL)!], rules), num);
    assertDenied(checkAuthEventsShape(e, [...ok, r.ev({ type: 'm.room.message', sender: BOB })], rules), num);
    if (rules.createEventNotInAuthEvents) assertDenied(checkAuthEventsShape(e, [...ok, r.create], rules), '3.2');
    // A join cites the join rules: fine there.
    const j = r.member(DAVE, DAVE, 'join');
    assertAllowed(checkAuthEventsShape(j, [...(rules.createEventNotInAuthEvents ? [] : [r.create]), r.state('m.room.join_rules', '')!], rules));
  }
});

test('auth_events 2.4 (v1–v11): an m.room.create entry is required', () => {
  for (const rules of versions((n) => n <= 11)) {
    const r = room(rules);
    const e = r.ev({ type: 'm.room.message', sender: BOB });
    assertDenied(checkAuthEventsShape(e, [r.state('m.room.member', BOB)!], rules), '2.4', 'authEvents.noCreate');
  }
  for (const rules of versions((n) => n >= 12)) {
    const r = room(rules);
    assertAllowed(checkAuthEventsShape(r.ev({ type: 'm.room.message', sender: BOB }), [r.state('m.room.member', BOB)!], rules));
  }
});

test('auth_events 2.5 (3.5): entries from another room are rejected', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules);
    const e = r.ev({ type: 'm.room.message', sender: BOB });
    const foreign = r.ev({ type: 'm.room.member', sender: BOB, stateKey: BOB, content: { membership: 'join' }, roomId: '!other:a.test' });
    const list = [...(rules.createEventNotInAuthEvents ? [] : [r.create]), foreign];
    assertDenied(checkAuthEventsShape(e, list, rules), byVersion(rules, { 1: '2.5', 12: '3.5' }), 'authEvents.roomId');
  }
});
