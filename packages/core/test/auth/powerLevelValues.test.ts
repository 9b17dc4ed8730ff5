// Power level reading: defaults, creators, stringy/floaty values (v1–v9 / v1–v5), integers (v10+).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePowerLevel, requiredPowerLevelForEvent, userPowerLevel } from '../../src/auth/index.js';
import { roomVersionRules } from '../../src/room-versions/RoomVersionRules.js';
import { ALICE, ALL_VERSIONS, BOB, CAROL, DAVE, room, versions } from './fixtures.js';

test('parsePowerLevel: strings and floats before v10, integers only from v10', () => {
  const v1 = roomVersionRules('1')!;
  const v10 = roomVersionRules('10')!;
  for (const [s, n] of [['100', 100], ['000100', 100], ['+100', 100], ['-100', -100], [' 100 ', 100], [' +0100 ', 100]] as const) {
    assert.equal(parsePowerLevel(s, v1), n, s);
    assert.equal(parsePowerLevel(s, v10), undefined, s);
  }
  for (const bad of ['1.5', '1e3', '', ' ', '--1', '+-1', 'abc', null, true, [], {}]) assert.equal(parsePowerLevel(bad as never, v1), undefined, String(bad));
  assert.equal(parsePowerLevel(50.57, v1), 50);
  assert.equal(parsePowerLevel(5.114698e4, v1), 51146);
  assert.equal(parsePowerLevel(-1.5, v1), -1);
  assert.equal(parsePowerLevel(50.5, v10), undefined);
  assert.equal(parsePowerLevel(50, v10), 50);
});

test('userPowerLevel: users, users_default, creator 100 without power levels, v12 creators infinite', () => {
  for (const rules of ALL_VERSIONS) {
    const r = room(rules, { pl: { users_default: 5 } });
    assert.equal(userPowerLevel(BOB, r.state, rules), 50);
    assert.equal(userPowerLevel(CAROL, r.state, rules), 5);
    assert.equal(userPowerLevel(ALICE, r.state, rules), rules.privilegedCreators ? Infinity : 100);
    const none = room(rules, { pl: null });
    assert.equal(userPowerLevel(ALICE, none.state, rules), rules.privilegedCreators ? Infinity : 100);
    assert.equal(userPowerLevel(BOB, none.state, rules), 0);
  }
  for (const rules of versions((n) => n >= 12)) {
    const r = room(rules, { createContent: { additional_creators: [DAVE] } });
    assert.equal(userPowerLevel(DAVE, r.state, rules), Infinity);
  }
  // Before v12 additional_creators means nothing; before v11 the creator is content.creator.
  const v11 = roomVersionRules('11')!;
  assert.equal(userPowerLevel(DAVE, room(v11, { pl: null, createContent: { additional_creators: [DAVE] } }).state, v11), 0);
  const v10 = roomVersionRules('10')!;
  assert.equal(userPowerLevel(BOB, room(v10, { pl: null, createContent: { creator: BOB } }).state, v10), 100);
  assert.equal(userPowerLevel(ALICE, room(v10, { pl: null, createContent: { creator: BOB } }).state, v10), 0);
});

test('userPowerLevel: stringy and floaty values before v10', () => {
  for (const rules of versions((n) => n <= 5)) {
    const r = room(rules, { pl: { users: { [BOB]: '75', [CAROL]: 50.57 }, users_default: ' 3 ' } });
    assert.equal(userPowerLevel(BOB, r.state, rules), 75);
    assert.equal(userPowerLevel(CAROL, r.state, rules), 50);
    assert.equal(userPowerLevel(DAVE, r.state, rules), 3);
  }
});

test('requiredPowerLevelForEvent: events map, state_default 50, events_default 0', () => {
  for (const rules of ALL_VERSIONS) {
    const none = room(rules, { pl: null });
    assert.equal(requiredPowerLevelForEvent('m.room.topic', true, none.state, rules), 50);
    assert.equal(requiredPowerLevelForEvent('m.room.message', false, none.state, rules), 0);
    const r = room(rules, { pl: { events: { 'm.room.topic': 10 }, state_default: 20, events_default: 30 } });
    assert.equal(requiredPowerLevelForEvent('m.room.topic', true, r.state, rules), 10);
    assert.equal(requiredPowerLevelForEvent('m.room.name', true, r.state, rules), 20);
    assert.equal(requiredPowerLevelForEvent('m.room.message', false, r.state, rules), 30);
  }
});
