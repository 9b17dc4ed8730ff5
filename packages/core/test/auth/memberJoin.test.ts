// Member rules: shape (x.1), join_authorised_via_users_server signature (v8+), joins incl.
// the creator's first join, invite/knock/restricted/knock_restricted/public join rules,
// and unknown memberships. Rule numbers as each version's list numbers them.
import { test } from 'node:test';
import { checkEventAuth } from '../../src/auth/index.js';
import type { RoomVersionRules } from '../../src/room-versions/RoomVersionRules.js';
import { ALICE, ALL_VERSIONS, BOB, CAROL, DAVE, assertAllowed, assertDenied, byVersion, makeEvent, room, versions } from './fixtures.js';

const M = (rules: RoomVersionRules) => byVersion(rules, { 1: '5', 6: '4', 12: '5' });
/** Number of the join rule list entry; `sub` as in v8+, shifted for versions without restricted joins. */
const J = (rules: RoomVersionRules, sub: string) => {
  const join = byVersion(rules, { 1: '2', 8: '3' });
  let s = sub;
  if (!rules.restrictedJoins && (sub === '6' || sub === '7')) s = String(Number(sub) - 1);
  return `${M(rules)}.${join}.${s}`;
};

test('member x.1: state_key and membership are required', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules);
    assertDenied(checkEventAuth(r.ev({ type: 'm.room.member', sender: DAVE, stateKey: DAVE, content: {} }), r.state, rules),
      `${M(rules)}.1`, 'member.shape');
    assertDenied(checkEventAuth(r.ev({ type: 'm.room.member', sender: DAVE, content: { membership: 'join' } }), r.state, rules),
      `${M(rules)}.1`, 'member.shape');
    assertAllowed(checkEventAuth(r.member(DAVE, DAVE, 'join'), r.state, rules));
  }
});

test('join 1: the creator may join right after the create event, with no other state', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules);
    const only = (t: string, k: string) => (t === 'm.room.create' ? r.create : undefined);
    const first = r.ev({ type: 'm.room.member', sender: ALICE, stateKey: ALICE, content: { membership: 'join' }, prevEventIds: [r.create.eventId] });
    assertAllowed(checkEventAuth(first, only, rules));
    // Same join with another prev event: no join rule, so the final "otherwise" rejects.
    const later = r.ev({ type: 'm.room.member', sender: ALICE, stateKey: ALICE, content: { membership: 'join' }, prevEventIds: ['$x:a.test'] });
    assertDenied(checkEventAuth(later, only, rules), J(rules, '7'), 'member.join.otherwise');
    // Someone else right after create: not the creator.
    const bob = r.ev({ type: 'm.room.member', sender: BOB, stateKey: BOB, content: { membership: 'join' }, prevEventIds: [r.create.eventId] });
    assertDenied(checkEventAuth(bob, only, rules), J(rules, '7'));
  }
});

test('join 1: creator is content.creator (v1–v10) or the create sender (v11+)', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { createContent: { creator: BOB } });
    const only = (t: string) => (t === 'm.room.create' ? r.create : undefined);
    const join = (u: string) => r.ev({ type: 'm.room.member', sender: u, stateKey: u, content: { membership: 'join' }, prevEventIds: [r.create.eventId] });
    if (rules.createEventHasNoCreator) {
      assertAllowed(checkEventAuth(join(ALICE), only, rules));
      assertDenied(checkEventAuth(join(BOB), only, rules), J(rules, '7'));
    } else {
      assertAllowed(checkEventAuth(join(BOB), only, rules));
      assertDenied(checkEventAuth(join(ALICE), only, rules), J(rules, '7'));
    }
  }
});

test('join 2: sender must match state_key', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules);
    assertDenied(checkEventAuth(r.member(ALICE, DAVE, 'join'), r.state, rules), J(rules, '2'), 'member.join.notSelf');
    assertAllowed(checkEventAuth(r.member(DAVE, DAVE, 'join'), r.state, rules));
  }
});

test('join 3: banned sender cannot join a public room', () => {
  for (const rules of ALL_VERSIONS) {
    assertDenied(checkEventAuth(room(rules).member(DAVE, DAVE, 'join'), room(rules, { members: { [DAVE]: 'ban' } }).state, rules),
      J(rules, '3'), 'member.join.banned');
    assertAllowed(checkEventAuth(room(rules).member(DAVE, DAVE, 'join'), room(rules, { members: { [DAVE]: 'leave' } }).state, rules));
  }
});

test('join 4: invite join rule admits invited or joined users only', () => {
  for (const rules of ALL_VERSIONS) {
    for (const m of ['invite', 'join']) {
      const r = room(rules, { joinRule: 'invite', members: { [DAVE]: m } });
      assertAllowed(checkEventAuth(r.member(DAVE, DAVE, 'join'), r.state, rules));
    }
    for (const m of ['leave', undefined]) {
      const r = room(rules, { joinRule: 'invite', ...(m ? { members: { [DAVE]: m } } : {}) });
      assertDenied(checkEventAuth(r.member(DAVE, DAVE, 'join'), r.state, rules), J(rules, '7'), 'member.join.otherwise');
    }
  }
});

test('join 4 (v7+): knock join rule admits invited users; v1–v6 do not know it', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { joinRule: 'knock', members: { [DAVE]: 'invite' } });
    if (rules.knocking) assertAllowed(checkEventAuth(r.member(DAVE, DAVE, 'join'), r.state, rules));
    else assertDenied(checkEventAuth(r.member(DAVE, DAVE, 'join'), r.state, rules), J(rules, '7'));
  }
});

for (const joinRule of ['restricted', 'knock_restricted']) {
  const supported = (rules: RoomVersionRules) => rules.restrictedJoins && (joinRule === 'restricted' || rules.knockRestricted);
  test(`join 5 (${joinRule}): invited users join; others need a joined user able to invite`, () => {
    for (const rules of ALL_VERSIONS) {
      const r = room(rules, { joinRule, pl: { invite: 25 }, members: { [DAVE]: 'invite' } });
      if (!supported(rules)) {
        // Unknown join rule in this version: only "otherwise" applies.
        assertDenied(checkEventAuth(r.member(DAVE, DAVE, 'join'), r.state, rules), J(rules, '7'));
        continue;
      }
      assertAllowed(checkEventAuth(r.member(DAVE, DAVE, 'join'), r.state, rules)); // 5.1
      const r2 = room(rules, { joinRule, pl: { invite: 25 } });
      const via = (u: string | undefined, signedBy = 'a.test') => makeEvent(r2.roomId, {
        type: 'm.room.member', sender: DAVE, stateKey: DAVE,
        content: { membership: 'join', ...(u ? { join_authorised_via_users_server: u } : {}) },
        signatures: { 'a.test': { 'ed25519:k': 's' }, [signedBy]: { 'ed25519:k': 's' } },
      });
      assertAllowed(checkEventAuth(via(BOB), r2.state, rules)); // bob: joined, PL 50 ≥ 25
      assertDenied(checkEventAuth(via(undefined), r2.state, rules), J(rules, '5.2'), 'member.join.restricted');
      assertDenied(checkEventAuth(via(CAROL), r2.state, rules), J(rules, '5.2')); // PL 0 < 25
      assertDenied(checkEventAuth(via('@zed:a.test'), r2.state, rules), J(rules, '5.2')); // not joined
      // Joined but left since:
      assertDenied(checkEventAuth(via(BOB), r2.with(r2.member(BOB, BOB, 'leave')).state, rules), J(rules, '5.2'));
    }
  });
}

test('member 2 (v8+): join_authorised_via_users_server needs that server’s signature', () => {
  for (const rules of versions((n) => n >= 8)) {
    const r = room(rules, { joinRule: 'restricted' });
    const other = '@helper:c.test';
    const r2 = r.with(r.member(other, other, 'join')).with(r.ev({
      type: 'm.room.power_levels', sender: ALICE, stateKey: '', content: { users: { [BOB]: 50, [other]: 50 } },
    }));
    const join = (signers: string[]) => makeEvent(r.roomId, {
      type: 'm.room.member', sender: DAVE, stateKey: DAVE,
      content: { membership: 'join', join_authorised_via_users_server: other },
      signatures: Object.fromEntries(signers.map((s) => [s, { 'ed25519:k': 's' }])),
    });
    assertDenied(checkEventAuth(join(['a.test']), r2.state, rules), `${M(rules)}.2.1`, 'member.authorisedVia.signature');
    assertAllowed(checkEventAuth(join(['a.test', 'c.test']), r2.state, rules));
    // Applies whatever the membership: a leave carrying the key is checked too.
    const leave = makeEvent(r.roomId, { type: 'm.room.member', sender: BOB, stateKey: BOB,
      content: { membership: 'leave', join_authorised_via_users_server: other } });
    assertDenied(checkEventAuth(leave, r2.state, rules), `${M(rules)}.2.1`);
  }
  // Before v8 the key means nothing.
  for (const rules of versions((n) => n < 8)) {
    const r = room(rules);
    const e = makeEvent(r.roomId, { type: 'm.room.member', sender: DAVE, stateKey: DAVE,
      content: { membership: 'join', join_authorised_via_users_server: '@helper:c.test' } });
    assertAllowed(checkEventAuth(e, r.state, rules));
  }
});

test('join 6/7: public join rule admits anyone; no join rule admits nobody', () => {
  for (const rules of ALL_VERSIONS) {
    assertAllowed(checkEventAuth(room(rules).member(DAVE, DAVE, 'join'), room(rules).state, rules));
    const r = room(rules, { joinRule: null });
    assertDenied(checkEventAuth(r.member(DAVE, DAVE, 'join'), r.state, rules), J(rules, '7'), 'member.join.otherwise');
    const p = room(rules, { joinRule: 'private' });
    assertDenied(checkEventAuth(p.member(DAVE, DAVE, 'join'), p.state, rules), J(rules, '7'));
  }
});

test('member: unknown membership rejected (knock unknown before v7)', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { joinRule: 'knock' });
    const unknown = byVersion(rules, { 1: '5.6', 6: '4.6', 7: '4.7', 8: '4.8', 12: '5.8' });
    assertDenied(checkEventAuth(r.member(DAVE, DAVE, 'frobnicate'), r.state, rules), unknown, 'member.unknown');
    assertDenied(checkEventAuth(r.member(DAVE, DAVE, 7 as never), r.state, rules), unknown);
    if (!rules.knocking) assertDenied(checkEventAuth(r.member(DAVE, DAVE, 'knock'), r.state, rules), unknown);
    else assertAllowed(checkEventAuth(r.member(DAVE, DAVE, 'knock'), r.state, rules));
  }
});
