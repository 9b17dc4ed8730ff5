// m.room.power_levels (rule 10 v1–v5, 9 v6–v11, 10 v12), every sub-rule.
import { test } from 'node:test';
import { checkEventAuth } from '../../src/auth/index.js';
import type { JsonObject } from '../../src/events/types.js';
import type { RoomVersionRules } from '../../src/room-versions/RoomVersionRules.js';
import { ALICE, ALL_VERSIONS, BOB, CAROL, assertAllowed, assertDenied, byVersion, room, versions } from './fixtures.js';

/** Number of a power-levels sub-rule, given by its v1–v9 position (1 users, 2 no previous,
 *  3 named, 4 maps removed, 5 maps added, 6 users removed, 7 users added). */
function P(rules: RoomVersionRules, v1sub: number, ...rest: number[]): string {
  const top = byVersion(rules, { 1: '10', 6: '9', 12: '10' });
  let sub = v1sub;
  if (rules.integerPowerLevels) sub += 2;
  if (rules.privilegedCreators && v1sub >= 2) sub += 1;
  return [top, sub, ...rest].join('.');
}

/** The fixture's power levels with changes, sent by `sender`. */
function plEvent(rules: RoomVersionRules, sender: string, content: JsonObject) {
  const r = room(rules, { pl: { events: { 'm.room.name': 50, 'm.high': 75 }, kick: 75, notifications: { room: 75 } } });
  const current = r.state('m.room.power_levels', '')!.content;
  return { r, e: r.ev({ type: 'm.room.power_levels', sender, stateKey: '', content: { ...current, ...content } }), current };
}
const usersOf = (rules: RoomVersionRules, extra: JsonObject): JsonObject =>
  ({ ...(rules.privilegedCreators ? {} : { [ALICE]: 100 }), [BOB]: 50, ...extra });

test('power levels: unchanged content by a member at state_default is allowed', () => {
  for (const rules of ALL_VERSIONS) {
    const { r, e } = plEvent(rules, BOB, {});
    assertAllowed(checkEventAuth(e, r.state, rules));
  }
});

test('power levels (v10+ 1): named levels must be integers', () => {
  for (const rules of ALL_VERSIONS) {
    for (const bad of ['50', 50.5, null, true]) {
      const { r, e } = plEvent(rules, ALICE, { ban: bad });
      if (rules.integerPowerLevels) assertDenied(checkEventAuth(e, r.state, rules), `${byVersion(rules, { 10: '9', 12: '10' })}.1`, 'powerLevels.namedInteger');
      else if (bad === '50' || bad === 50.5) assertAllowed(checkEventAuth(e, r.state, rules));
    }
  }
});

test('power levels (v10+ 2): events and notifications must map to integers', () => {
  for (const rules of versions((n) => n >= 10)) {
    const num = `${byVersion(rules, { 10: '9', 12: '10' })}.2`;
    for (const bad of [{ events: { 'm.x': '5' } }, { events: [] }, { notifications: { room: 1.5 } }, { notifications: 3 }] as JsonObject[]) {
      const { r, e } = plEvent(rules, ALICE, bad);
      assertDenied(checkEventAuth(e, r.state, rules), num, 'powerLevels.mapsInteger');
    }
  }
  for (const rules of versions((n) => n < 10)) {
    const { r, e } = plEvent(rules, ALICE, { events: { 'm.room.name': 50, 'm.high': '75' } });
    assertAllowed(checkEventAuth(e, r.state, rules));
  }
});

test('power levels 1 (v10+ 3): users must map user IDs to integers (strings allowed before v10)', () => {
  for (const rules of ALL_VERSIONS) {
    const num = P(rules, 1);
    for (const bad of [{ 'not-a-user': 10 }, { '@x:a.test': 'ten' }, { '@x:a.test': null }] as JsonObject[]) {
      const { r, e } = plEvent(rules, ALICE, { users: usersOf(rules, bad) });
      assertDenied(checkEventAuth(e, r.state, rules), num, 'powerLevels.users');
    }
    const { r, e } = plEvent(rules, ALICE, { users: 'x' });
    assertDenied(checkEventAuth(e, r.state, rules), num);
    const s = plEvent(rules, ALICE, { users: usersOf(rules, { '@x:a.test': ' +010 ' }) });
    if (rules.integerPowerLevels) assertDenied(checkEventAuth(s.e, s.r.state, rules), num);
    else assertAllowed(checkEventAuth(s.e, s.r.state, rules));
  }
});

test('power levels (v12 4): creators may not appear in users', () => {
  for (const rules of versions((n) => n >= 12)) {
    const r = room(rules, { createContent: { additional_creators: [CAROL] } });
    const pl = (users: JsonObject) => r.ev({ type: 'm.room.power_levels', sender: ALICE, stateKey: '', content: { users } });
    assertDenied(checkEventAuth(pl({ [ALICE]: 100 }), r.state, rules), '10.4', 'powerLevels.creatorsInUsers');
    assertDenied(checkEventAuth(pl({ [CAROL]: 100 }), r.state, rules), '10.4');
    assertAllowed(checkEventAuth(pl({ [BOB]: 100 }), r.state, rules));
  }
  // Earlier versions: the creator is listed as usual.
  for (const rules of versions((n) => n < 12)) {
    const { r, e } = plEvent(rules, ALICE, { users: { [ALICE]: 100 } });
    assertAllowed(checkEventAuth(e, r.state, rules));
  }
});

test('power levels 2: without a previous power levels event anything well-formed goes', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { pl: null });
    // Alice (creator: 100, v12 infinite) sets levels above her own.
    const e = r.ev({ type: 'm.room.power_levels', sender: ALICE, stateKey: '', content: { ban: 1000, users: usersOf(rules, { [CAROL]: 500 }) } });
    assertAllowed(checkEventAuth(e, r.state, rules));
    // With a previous one, the same change is checked (named level above the sender's).
    if (!rules.privilegedCreators) {
      const r2 = room(rules);
      assertDenied(checkEventAuth(r2.ev({ type: 'm.room.power_levels', sender: ALICE, stateKey: '', content: { ban: 1000, users: usersOf(rules, {}) } }), r2.state, rules),
        P(rules, 3, 2));
    }
  }
});

test('power levels 3: named levels: current or new value above the sender', () => {
  for (const rules of ALL_VERSIONS) {
    // kick is 75 > Bob's 50: changing it (even downwards) and removing it are refused (3.1).
    for (const change of [{ kick: 50 }, { kick: undefined }]) {
      const { r, e } = plEvent(rules, BOB, change as JsonObject);
      if (change.kick === undefined) delete (e.content as Record<string, unknown>).kick;
      assertDenied(checkEventAuth(e, r.state, rules), P(rules, 3, 1), 'powerLevels.named.current');
    }
    // ban 50 → 51 is above Bob (3.2); adding redact 60 too.
    for (const change of [{ ban: 51 }, { state_default: 60 }, { users_default: 51 }] as JsonObject[]) {
      const { r, e } = plEvent(rules, BOB, change);
      assertDenied(checkEventAuth(e, r.state, rules), P(rules, 3, 2), 'powerLevels.named.new');
    }
    // At or below his own level: allowed.
    for (const change of [{ ban: 40 }, { invite: 50 }, { state_default: 50 }] as JsonObject[]) {
      const { r, e } = plEvent(rules, BOB, change);
      assertAllowed(checkEventAuth(e, r.state, rules));
    }
  }
});

test('power levels 4/5: events entries (and notifications from v6)', () => {
  for (const rules of ALL_VERSIONS) {
    // events['m.high'] = 75 > 50: changing or removing is refused (4.1).
    const ch = plEvent(rules, BOB, { events: { 'm.room.name': 50, 'm.high': 50 } });
    assertDenied(checkEventAuth(ch.e, ch.r.state, rules), P(rules, 4, 1), 'powerLevels.maps.current');
    const rm = plEvent(rules, BOB, { events: { 'm.room.name': 50 } });
    assertDenied(checkEventAuth(rm.e, rm.r.state, rules), P(rules, 4, 1));
    // Adding m.new = 60 is refused (5.1); adding 40 is fine; removing m.room.name (50) is fine.
    const add = plEvent(rules, BOB, { events: { 'm.room.name': 50, 'm.high': 75, 'm.new': 60 } });
    assertDenied(checkEventAuth(add.e, add.r.state, rules), P(rules, 5, 1), 'powerLevels.maps.new');
    const ok = plEvent(rules, BOB, { events: { 'm.high': 75, 'm.new': 40 } });
    assertAllowed(checkEventAuth(ok.e, ok.r.state, rules));
    // notifications.room = 75 > 50: v6+ refuse the change, v1–v5 ignore notifications.
    const n = plEvent(rules, BOB, { notifications: { room: 0 } });
    const nAdd = plEvent(rules, BOB, { notifications: { room: 75, other: 99 } });
    if (rules.limitNotificationsPowerLevels) {
      assertDenied(checkEventAuth(n.e, n.r.state, rules), P(rules, 4, 1));
      assertDenied(checkEventAuth(nAdd.e, nAdd.r.state, rules), P(rules, 5, 1));
    } else {
      assertAllowed(checkEventAuth(n.e, n.r.state, rules));
      assertAllowed(checkEventAuth(nAdd.e, nAdd.r.state, rules));
    }
  }
});

test('power levels 6/7: users entries', () => {
  for (const rules of ALL_VERSIONS) {
    const base = usersOf(rules, {});
    // Bob (50) changes Carol from absent to 50: allowed (added, not above him).
    const add = plEvent(rules, BOB, { users: { ...base, [CAROL]: 50 } });
    assertAllowed(checkEventAuth(add.e, add.r.state, rules));
    // … to 51: refused (7.1).
    const over = plEvent(rules, BOB, { users: { ...base, [CAROL]: 51 } });
    assertDenied(checkEventAuth(over.e, over.r.state, rules), P(rules, 7, 1), 'powerLevels.users.new');
    // Bob may lower (or remove) his own entry.
    const self = plEvent(rules, BOB, { users: { ...base, [BOB]: 10 } });
    assertAllowed(checkEventAuth(self.e, self.r.state, rules));
    const { [BOB]: _b, ...noBob } = base;
    const selfRm = plEvent(rules, BOB, { users: noBob });
    assertAllowed(checkEventAuth(selfRm.e, selfRm.r.state, rules));
    // Changing or removing a user at Bob's level is refused (6.1).
    const r = room(rules, { pl: { users: { ...base, [CAROL]: 50 } } });
    const demote = r.ev({ type: 'm.room.power_levels', sender: BOB, stateKey: '', content: { ...r.state('m.room.power_levels', '')!.content, users: { ...base, [CAROL]: 0 } } });
    assertDenied(checkEventAuth(demote, r.state, rules), P(rules, 6, 1), 'powerLevels.users.current');
    const remove = r.ev({ type: 'm.room.power_levels', sender: BOB, stateKey: '', content: { ...r.state('m.room.power_levels', '')!.content, users: base } });
    assertDenied(checkEventAuth(remove, r.state, rules), P(rules, 6, 1));
    // A user below Bob may be demoted.
    const r2 = room(rules, { pl: { users: { ...base, [CAROL]: 49 } } });
    const ok = r2.ev({ type: 'm.room.power_levels', sender: BOB, stateKey: '', content: { ...r2.state('m.room.power_levels', '')!.content, users: { ...base, [CAROL]: 0 } } });
    assertAllowed(checkEventAuth(ok, r2.state, rules));
    // Same value written as a string (before v10) is no change.
    if (!rules.integerPowerLevels) {
      const r3 = room(rules, { pl: { state_default: 0, events: {} } });
      assertAllowed(checkEventAuth(r3.ev({ type: 'm.room.power_levels', sender: CAROL, stateKey: '',
        content: { ...r3.state('m.room.power_levels', '')!.content, users: { ...base, [BOB]: '50' } } }), r3.state, rules));
    }
  }
});

test('power levels (v12): creators have infinite power and can change anything', () => {
  for (const rules of versions((n) => n >= 12)) {
    const { r, e } = plEvent(rules, ALICE, { ban: 1e6, users: { [BOB]: 1e6 } });
    assertAllowed(checkEventAuth(e, r.state, rules));
  }
});
