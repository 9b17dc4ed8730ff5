// Rules for non-member events: sender joined, m.room.third_party_invite, required power
// level, user-ID state keys, the v1–v5 aliases special case, the v1–v2 redaction rule.
import { test } from 'node:test';
import { checkEventAuth } from '../../src/auth/index.js';
import { ALL_VERSIONS, BOB, CAROL, DAVE, EVE, assertAllowed, assertDenied, byVersion, makeEvent, room, versions } from './fixtures.js';

test('sender must be joined (rule 6 v1–v5, 5 v6–v11, 6 v12)', () => {
  for (const rules of ALL_VERSIONS) {
    for (const m of ['invite', 'leave', 'ban', 'knock', undefined]) {
      const r = room(rules, m ? { members: { [DAVE]: m } } : {});
      assertDenied(checkEventAuth(r.ev({ type: 'm.room.message', sender: DAVE }), r.state, rules),
        byVersion(rules, { 1: '6', 6: '5', 12: '6' }), 'sender.notJoined');
    }
    const r = room(rules);
    assertAllowed(checkEventAuth(r.ev({ type: 'm.room.message', sender: CAROL }), r.state, rules));
  }
});

test('m.room.third_party_invite needs the invite level, not the state level (rule 7/6/7)', () => {
  for (const rules of ALL_VERSIONS) {
    const tpi = (sender: string) => ({ type: 'm.room.third_party_invite', sender, stateKey: 'tok', content: { public_key: 'k' } });
    const r = room(rules, { pl: { invite: 0, state_default: 50 } });
    assertAllowed(checkEventAuth(r.ev(tpi(CAROL)), r.state, rules)); // PL 0 < state_default, but = invite
    const r2 = room(rules, { pl: { invite: 10, state_default: 0 } });
    assertDenied(checkEventAuth(r2.ev(tpi(CAROL)), r2.state, rules), byVersion(rules, { 1: '7.1', 6: '6.1', 12: '7.1' }), 'thirdPartyInvite.powerLevel');
  }
});

test('required power level (rule 8/7/8): events, state_default, events_default', () => {
  for (const rules of ALL_VERSIONS) {
    const num = byVersion(rules, { 1: '8', 6: '7', 12: '8' });
    const r = room(rules, { pl: { events: { 'm.room.name': 0, 'm.special': 60 }, events_default: 10 } });
    assertDenied(checkEventAuth(r.ev({ type: 'm.room.topic', sender: CAROL, stateKey: '' }), r.state, rules), num, 'powerLevel.required');
    assertAllowed(checkEventAuth(r.ev({ type: 'm.room.topic', sender: BOB, stateKey: '' }), r.state, rules));
    assertAllowed(checkEventAuth(r.ev({ type: 'm.room.name', sender: CAROL, stateKey: '' }), r.state, rules));
    assertDenied(checkEventAuth(r.ev({ type: 'm.special', sender: BOB }), r.state, rules), num);
    assertDenied(checkEventAuth(r.ev({ type: 'm.room.message', sender: CAROL }), r.state, rules), num);
    assertAllowed(checkEventAuth(r.ev({ type: 'm.room.message', sender: BOB }), r.state, rules));
    // Redactions are ordinary events here: events_default applies, not the redact level.
    const red = r.ev({ type: 'm.room.redaction', sender: CAROL, redacts: '$x:a.test' });
    assertDenied(checkEventAuth(red, r.state, rules), num);
  }
});

test('state_key starting with @ must be the sender (rule 9/8/9)', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { pl: { state_default: 0 } });
    assertDenied(checkEventAuth(r.ev({ type: 'm.custom', sender: CAROL, stateKey: BOB }), r.state, rules),
      byVersion(rules, { 1: '9', 6: '8', 12: '9' }), 'stateKey.userId');
    assertAllowed(checkEventAuth(r.ev({ type: 'm.custom', sender: CAROL, stateKey: CAROL }), r.state, rules));
    assertAllowed(checkEventAuth(r.ev({ type: 'm.custom', sender: CAROL, stateKey: 'x@y' }), r.state, rules));
  }
});

test('aliases (v1–v5 rule 4): state_key is the sender domain; no membership needed', () => {
  for (const rules of versions((n) => n <= 5)) {
    const r = room(rules);
    assertAllowed(checkEventAuth(r.ev({ type: 'm.room.aliases', sender: EVE, stateKey: 'b.test', content: { aliases: [] } }), r.state, rules));
    assertDenied(checkEventAuth(r.ev({ type: 'm.room.aliases', sender: EVE, stateKey: 'a.test' }), r.state, rules), '4.2', 'aliases.domain');
    assertDenied(checkEventAuth(r.ev({ type: 'm.room.aliases', sender: EVE }), r.state, rules), '4.1', 'aliases.noStateKey');
  }
  // v6+: an ordinary state event.
  for (const rules of versions((n) => n >= 6)) {
    const r = room(rules);
    assertDenied(checkEventAuth(r.ev({ type: 'm.room.aliases', sender: EVE, stateKey: 'b.test' }), r.state, rules),
      byVersion(rules, { 6: '5', 12: '6' }), 'sender.notJoined');
    assertDenied(checkEventAuth(r.ev({ type: 'm.room.aliases', sender: CAROL, stateKey: 'a.test' }), r.state, rules),
      byVersion(rules, { 6: '7', 12: '8' }));
  }
});

test('redaction (v1–v2 rule 11): redact level or same server; v3+ no such rule', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules);
    // Carol (PL 0 < redact 50) redacts an event from another server.
    const red = makeEvent(r.roomId, { type: 'm.room.redaction', sender: CAROL, eventId: '$red:a.test', redacts: '$target:b.test' });
    if (rules.redactionAuthRule) assertDenied(checkEventAuth(red, r.state, rules), '11.3', 'redaction.notAllowed');
    else assertAllowed(checkEventAuth(red, r.state, rules));
    // Same server (event_id domains match): allowed.
    const own = makeEvent(r.roomId, { type: 'm.room.redaction', sender: CAROL, eventId: '$red2:a.test', redacts: '$target:a.test' });
    assertAllowed(checkEventAuth(own, r.state, rules));
    // Redact level: allowed.
    const mod = makeEvent(r.roomId, { type: 'm.room.redaction', sender: BOB, eventId: '$red3:a.test', redacts: '$target:b.test' });
    assertAllowed(checkEventAuth(mod, r.state, rules));
  }
});
