// Invites (member rule "invite"), including third-party invites with real Ed25519
// signatures on `signed`.
import { test } from 'node:test';
import { checkEventAuth } from '../../src/auth/index.js';
import { signJson } from '../../src/crypto/signJson.js';
import { signingKeyFromSeed } from '../../src/crypto/SigningKey.js';
import type { JsonObject } from '../../src/events/types.js';
import type { RoomVersionRules } from '../../src/room-versions/RoomVersionRules.js';
import { ALICE, ALL_VERSIONS, BOB, CAROL, DAVE, assertAllowed, assertDenied, byVersion, room, type EventSpec } from './fixtures.js';

const I = (rules: RoomVersionRules, sub: string) =>
  `${byVersion(rules, { 1: '5.3', 6: '4.3', 8: '4.4', 12: '5.4' })}.${sub}`;

const isKey = signingKeyFromSeed(new Uint8Array(32).fill(7), 'ed25519:0');
const otherKey = signingKeyFromSeed(new Uint8Array(32).fill(9), 'ed25519:0');
const TOKEN = 'tok123';

function signed(mxid = DAVE, token = TOKEN, key = isKey): JsonObject {
  return signJson({ mxid, token, sender: BOB }, 'id.test', key) as unknown as JsonObject;
}
function inviteEvent(bob: string, keys: 'single' | 'list' = 'single'): EventSpec {
  return { type: 'm.room.third_party_invite', sender: bob, stateKey: TOKEN,
    content: keys === 'single'
      ? { display_name: 'd…', key_validity_url: 'https://id.test/v', public_key: isKey.publicKeyBase64 }
      : { display_name: 'd…', key_validity_url: 'https://id.test/v', public_key: otherKey.publicKeyBase64,
          public_keys: [{ public_key: 'garbage' }, { public_key: isKey.publicKeyBase64 }] } };
}

test('invite 1.x: third-party invite checks, each rejecting on its own', () => {
  for (const rules of ALL_VERSIONS) {
    const base = room(rules);
    const r = base.with(base.ev(inviteEvent(BOB)));
    const tp = (tpi: JsonObject | string, sender = BOB, target = DAVE) =>
      r.member(sender, target, 'invite', { third_party_invite: tpi as JsonObject });
    assertAllowed(checkEventAuth(tp({ display_name: 'd', signed: signed() }), r.state, rules)); // 1.7
    // 1.1 target banned
    const banned = r.with(r.member(ALICE, DAVE, 'ban'));
    assertDenied(checkEventAuth(tp({ signed: signed() }), banned.state, rules), I(rules, '1.1'), 'member.invite.3pid.banned');
    // 1.2 no signed
    assertDenied(checkEventAuth(tp({ display_name: 'd' }), r.state, rules), I(rules, '1.2'), 'member.invite.3pid.noSigned');
    assertDenied(checkEventAuth(tp('x'), r.state, rules), I(rules, '1.2'));
    // 1.3 signed lacks mxid / token
    const { token: _t, ...noToken } = signed();
    const { mxid: _m, ...noMxid } = signed();
    assertDenied(checkEventAuth(tp({ signed: noToken }), r.state, rules), I(rules, '1.3'), 'member.invite.3pid.signedFields');
    assertDenied(checkEventAuth(tp({ signed: noMxid }), r.state, rules), I(rules, '1.3'));
    // 1.4 mxid differs from state_key
    assertDenied(checkEventAuth(tp({ signed: signed(CAROL) }), r.state, rules), I(rules, '1.4'), 'member.invite.3pid.mxid');
    // 1.5 no m.room.third_party_invite with that token
    assertDenied(checkEventAuth(tp({ signed: signed(DAVE, 'other') }), r.state, rules), I(rules, '1.5'), 'member.invite.3pid.noInvite');
    // 1.6 sender differs from the third party invite's sender
    assertDenied(checkEventAuth(tp({ signed: signed() }, CAROL), r.state, rules), I(rules, '1.6'), 'member.invite.3pid.sender');
    // 1.8 signature by a key the invite does not list; and a tampered signed object
    assertDenied(checkEventAuth(tp({ signed: signed(DAVE, TOKEN, otherKey) }), r.state, rules), I(rules, '1.8'), 'member.invite.3pid.signature');
    assertDenied(checkEventAuth(tp({ signed: { ...signed(), extra: 1 } }), r.state, rules), I(rules, '1.8'));
    assertDenied(checkEventAuth(tp({ signed: { mxid: DAVE, token: TOKEN } }), r.state, rules), I(rules, '1.8'));
    // 1.7 keys from public_keys too
    const rl = base.with(base.ev(inviteEvent(BOB, 'list')));
    assertAllowed(checkEventAuth(tp({ signed: signed() }), rl.state, rules));
    // 1.7 allows before the sender-joined check (2): the invite decides.
    const bobLeft = r.with(r.member(BOB, BOB, 'leave'));
    assertAllowed(checkEventAuth(tp({ signed: signed() }), bobLeft.state, rules));
  }
});

test('invite 2: sender must be joined', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { members: { [CAROL]: 'leave' } });
    assertDenied(checkEventAuth(r.member(CAROL, DAVE, 'invite'), r.state, rules), I(rules, '2'), 'member.invite.senderNotJoined');
    assertAllowed(checkEventAuth(r.member(BOB, DAVE, 'invite'), r.state, rules));
  }
});

test('invite 3: target must not be joined or banned', () => {
  for (const rules of ALL_VERSIONS) {
    for (const m of ['join', 'ban']) {
      const r = room(rules, { members: { [DAVE]: m } });
      assertDenied(checkEventAuth(r.member(BOB, DAVE, 'invite'), r.state, rules), I(rules, '3'), 'member.invite.target');
    }
    for (const m of ['leave', 'invite']) {
      const r = room(rules, { members: { [DAVE]: m } });
      assertAllowed(checkEventAuth(r.member(BOB, DAVE, 'invite'), r.state, rules));
    }
  }
});

test('invite 4/5: sender needs the invite level', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { pl: { invite: 50 } });
    assertAllowed(checkEventAuth(r.member(BOB, DAVE, 'invite'), r.state, rules)); // 50 ≥ 50
    assertDenied(checkEventAuth(r.member(CAROL, DAVE, 'invite'), r.state, rules), I(rules, '5'), 'member.invite.powerLevel');
  }
});
