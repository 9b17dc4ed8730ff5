// leave (self, kick, unban), ban and knock.
import { test } from 'node:test';
import { checkEventAuth } from '../../src/auth/index.js';
import type { RoomVersionRules } from '../../src/room-versions/RoomVersionRules.js';
import { ALICE, ALL_VERSIONS, BOB, CAROL, DAVE, assertAllowed, assertDenied, byVersion, room, versions } from './fixtures.js';

const L = (rules: RoomVersionRules, sub: string) => `${byVersion(rules, { 1: '5.4', 6: '4.4', 8: '4.5', 12: '5.5' })}.${sub}`;
const B = (rules: RoomVersionRules, sub: string) => `${byVersion(rules, { 1: '5.5', 6: '4.5', 8: '4.6', 12: '5.6' })}.${sub}`;
const K = (sub: string) => (rules: RoomVersionRules) => `${byVersion(rules, { 7: '4.6', 8: '4.7', 12: '5.7' })}.${sub}`;

test('leave 1: leaving yourself needs invite/join (and knock from v7)', () => {
  for (const rules of ALL_VERSIONS) {
    for (const m of ['invite', 'join']) {
      const r = room(rules, { members: { [DAVE]: m } });
      assertAllowed(checkEventAuth(r.member(DAVE, DAVE, 'leave'), r.state, rules));
    }
    const k = room(rules, { members: { [DAVE]: 'knock' } });
    if (rules.knocking) assertAllowed(checkEventAuth(k.member(DAVE, DAVE, 'leave'), k.state, rules));
    else assertDenied(checkEventAuth(k.member(DAVE, DAVE, 'leave'), k.state, rules), L(rules, '1'), 'member.leave.self');
    for (const m of ['ban', 'leave', undefined]) {
      const r = room(rules, m ? { members: { [DAVE]: m } } : {});
      assertDenied(checkEventAuth(r.member(DAVE, DAVE, 'leave'), r.state, rules), L(rules, '1'), 'member.leave.self');
    }
  }
});

test('leave 2: kicking needs a joined sender', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { members: { [BOB]: 'leave', [DAVE]: 'invite' } });
    assertDenied(checkEventAuth(r.member(BOB, CAROL, 'leave'), r.state, rules), L(rules, '2'), 'member.leave.senderNotJoined');
    assertAllowed(checkEventAuth(r.member(ALICE, CAROL, 'leave'), r.state, rules));
  }
});

test('leave 3: unbanning needs the ban level', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { pl: { ban: 60, kick: 0 }, members: { [DAVE]: 'ban' } });
    assertDenied(checkEventAuth(r.member(BOB, DAVE, 'leave'), r.state, rules), L(rules, '3'), 'member.leave.unban');
    assertAllowed(checkEventAuth(r.member(ALICE, DAVE, 'leave'), r.state, rules));
    // Same sender kicks a non-banned user: only the ban condition changed.
    const r2 = room(rules, { pl: { ban: 60, kick: 0 }, members: { [DAVE]: 'join' } });
    assertAllowed(checkEventAuth(r2.member(BOB, DAVE, 'leave'), r2.state, rules));
  }
});

test('leave 4/5: kicking needs the kick level and a higher level than the target', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { pl: { kick: 40 } });
    assertAllowed(checkEventAuth(r.member(BOB, CAROL, 'leave'), r.state, rules)); // 50 ≥ 40, 0 < 50
    assertDenied(checkEventAuth(r.member(CAROL, BOB, 'leave'), r.state, rules), L(rules, '5'), 'member.leave.kick');
    const eq = room(rules, { pl: { kick: 40, users: { ...(rules.privilegedCreators ? {} : { [ALICE]: 100 }), [BOB]: 50, [CAROL]: 50 } } });
    assertDenied(checkEventAuth(eq.member(BOB, CAROL, 'leave'), eq.state, rules), L(rules, '5')); // target not below
    const hi = room(rules, { pl: { kick: 60 } });
    assertDenied(checkEventAuth(hi.member(BOB, CAROL, 'leave'), hi.state, rules), L(rules, '5')); // below kick
  }
});

test('ban 1: sender must be joined', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { members: { [BOB]: 'leave' } });
    assertDenied(checkEventAuth(r.member(BOB, CAROL, 'ban'), r.state, rules), B(rules, '1'), 'member.ban.senderNotJoined');
    assertAllowed(checkEventAuth(r.member(ALICE, CAROL, 'ban'), r.state, rules));
  }
});

test('ban 2/3: ban level and a higher level than the target', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules);
    assertAllowed(checkEventAuth(r.member(BOB, CAROL, 'ban'), r.state, rules));
    assertAllowed(checkEventAuth(r.member(BOB, DAVE, 'ban'), r.state, rules)); // non-member
    assertDenied(checkEventAuth(r.member(CAROL, DAVE, 'ban'), r.state, rules), B(rules, '3'), 'member.ban.powerLevel');
    assertDenied(checkEventAuth(r.member(BOB, ALICE, 'ban'), r.state, rules), B(rules, '3'));
    const hi = room(rules, { pl: { ban: 51 } });
    assertDenied(checkEventAuth(hi.member(BOB, CAROL, 'ban'), hi.state, rules), B(rules, '3'));
  }
});

test('knock 1 (v7+): join rule must be knock (or knock_restricted from v10)', () => {
  for (const rules of versions((n) => n >= 7)) {
    for (const jr of ['public', 'invite', 'restricted']) {
      const r = room(rules, { joinRule: jr });
      assertDenied(checkEventAuth(r.member(DAVE, DAVE, 'knock'), r.state, rules), K('1')(rules), 'member.knock.joinRule');
    }
    const kr = room(rules, { joinRule: 'knock_restricted' });
    if (rules.knockRestricted) assertAllowed(checkEventAuth(kr.member(DAVE, DAVE, 'knock'), kr.state, rules));
    else assertDenied(checkEventAuth(kr.member(DAVE, DAVE, 'knock'), kr.state, rules), K('1')(rules));
    const k = room(rules, { joinRule: 'knock' });
    assertAllowed(checkEventAuth(k.member(DAVE, DAVE, 'knock'), k.state, rules));
  }
});

test('knock 2 (v7+): sender must match state_key', () => {
  for (const rules of versions((n) => n >= 7)) {
    const r = room(rules, { joinRule: 'knock' });
    assertDenied(checkEventAuth(r.member(BOB, DAVE, 'knock'), r.state, rules), K('2')(rules), 'member.knock.notSelf');
  }
});

test('knock 3/4 (v7+): banned, invited or joined users cannot knock', () => {
  for (const rules of versions((n) => n >= 7)) {
    for (const m of ['ban', 'invite', 'join']) {
      const r = room(rules, { joinRule: 'knock', members: { [DAVE]: m } });
      assertDenied(checkEventAuth(r.member(DAVE, DAVE, 'knock'), r.state, rules), K('4')(rules), 'member.knock.membership');
    }
    for (const m of ['leave', 'knock']) {
      const r = room(rules, { joinRule: 'knock', members: { [DAVE]: m } });
      assertAllowed(checkEventAuth(r.member(DAVE, DAVE, 'knock'), r.state, rules));
    }
  }
});
