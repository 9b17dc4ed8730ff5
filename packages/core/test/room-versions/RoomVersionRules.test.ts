import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOM_VERSIONS, roomVersionRules, type RoomVersionRules } from '../mine.js';

// The first version in which each flag becomes true (content/rooms/v1.md … v12.md).
const FIRST: Partial<Record<keyof RoomVersionRules, number>> = {
  enforceKeyValidity: 5, strictCanonicalJson: 6, limitNotificationsPowerLevels: 6, knocking: 7, restrictedJoins: 8,
  knockRestricted: 10, integerPowerLevels: 10, createEventHasNoCreator: 11, redactsInContent: 11, privilegedCreators: 12,
  createEventNotInAuthEvents: 12, roomIdFromCreateEvent: 12,
};

test('flags switch on in the version the spec introduces them', () => {
  for (let n = 1; n <= 12; n++) {
    const r = roomVersionRules(String(n))!;
    assert.equal(r.id, String(n));
    assert.ok(r.stable);
    for (const [flag, first] of Object.entries(FIRST)) assert.equal(r[flag as keyof RoomVersionRules], n >= first!, `v${n} ${flag}`);
    assert.equal(r.specialCaseAliasesAuth, n <= 5, `v${n} aliases`);
    assert.equal(r.eventIdInEvent, n <= 2);
    assert.equal(r.eventReferencesWithHashes, n <= 2);
    assert.equal(r.eventIdFormat, n <= 2 ? 'v1' : n === 3 ? 'v3' : 'v4');
    assert.equal(r.stateRes, n === 1 ? 'v1' : n <= 11 ? 'v2' : 'v2.1');
    assert.equal(r.redaction, n <= 5 ? 'v1' : n <= 7 ? 'v6' : n === 8 ? 'v8' : n <= 10 ? 'v9' : 'v11');
  }
  assert.equal(ROOM_VERSIONS.size, 12);
  assert.equal(roomVersionRules('13'), undefined);
});
