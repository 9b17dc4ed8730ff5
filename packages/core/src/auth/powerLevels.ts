// Rule "If type is m.room.power_levels" (10 in v1–v5, 9 in v6–v11, 10 in v12).
// Spec: rooms/fragments/v1-auth-rules.md rule 10; v3 (notifications from v6: rooms/v6.md);
// rooms/v10.md 9.1–9.3 (integers only); rooms/v12.md 10.4 (creators not in users).
// Alterations compare the values present in the old and new content (an absent value is
// neither "higher" nor "greater"), as "added, changed or removed" reads.

import type { JsonObject, JsonValue, RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { ALLOW, deny, type AuthStateLookup, type AuthVerdict } from './AuthVerdict.js';
import { creatorsOf, isObject, isValidUserId } from './authHelpers.js';
import { NAMED_LEVELS, parsePowerLevel, userPowerLevel } from './powerLevelValues.js';
import { powerLevelsRule } from './ruleNumbers.js';

const asMap = (v: JsonValue | undefined): JsonObject => (isObject(v) ? v : {});

export function checkPowerLevels(
  event: RoomEvent, create: RoomEvent, state: AuthStateLookup, rules: RoomVersionRules,
): AuthVerdict {
  const content = event.content;
  const rule = (name: Parameters<typeof powerLevelsRule>[1], ...sub: number[]) => powerLevelsRule(rules, name, ...sub);
  const level = (v: JsonValue | undefined) => parsePowerLevel(v, rules);

  if (rules.integerPowerLevels) {
    for (const k of NAMED_LEVELS) {
      if (Object.hasOwn(content, k) && !Number.isInteger(content[k])) {
        return deny(rule('namedInteger'), 'powerLevels.namedInteger', `${k} is not an integer`);
      }
    }
    for (const k of ['events', 'notifications']) {
      if (!Object.hasOwn(content, k)) continue;
      const m = content[k];
      if (!isObject(m) || !Object.values(m).every((v) => Number.isInteger(v))) {
        return deny(rule('mapsInteger'), 'powerLevels.mapsInteger', `${k} is not an object of integers`);
      }
    }
  }
  if (Object.hasOwn(content, 'users')) {
    const users = content.users;
    if (!isObject(users) || !Object.entries(users).every(([u, v]) => isValidUserId(u) && level(v) !== undefined)) {
      return deny(rule('users'), 'powerLevels.users', 'users is not an object of user IDs to integers');
    }
  }
  if (rules.privilegedCreators) {
    const users = asMap(content.users);
    for (const c of creatorsOf(create, rules)) {
      if (Object.hasOwn(users, c)) return deny(rule('creatorsInUsers'), 'powerLevels.creatorsInUsers', `creator ${c} is in users`);
    }
  }
  const previous = state('m.room.power_levels', '');
  if (!previous) return ALLOW;
  const old = previous.content;
  const senderLevel = userPowerLevel(event.sender, state, rules);

  for (const k of NAMED_LEVELS) {
    const before = level(old[k]);
    const after = level(content[k]);
    if (before === after) continue;
    if (before !== undefined && before > senderLevel) {
      return deny(rule('named', 1), 'powerLevels.named.current', `current ${k} is above the sender's level`);
    }
    if (after !== undefined && after > senderLevel) {
      return deny(rule('named', 2), 'powerLevels.named.new', `new ${k} is above the sender's level`);
    }
  }

  const maps = rules.limitNotificationsPowerLevels ? ['events', 'notifications'] : ['events'];
  const diffs = (key: string) => {
    const a = asMap(old[key]);
    const b = asMap(content[key]);
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .map((k) => ({ k, before: level(a[k]), after: level(b[k]) }))
      .filter((d) => d.before !== d.after);
  };
  for (const m of maps) {
    for (const d of diffs(m)) {
      if (d.before !== undefined && d.before > senderLevel) {
        return deny(rule('mapsRemoved', 1), 'powerLevels.maps.current', `current ${m}.${d.k} is above the sender's level`);
      }
    }
  }
  for (const m of maps) {
    for (const d of diffs(m)) {
      if (d.after !== undefined && d.after > senderLevel) {
        return deny(rule('mapsAdded', 1), 'powerLevels.maps.new', `new ${m}.${d.k} is above the sender's level`);
      }
    }
  }
  const userDiffs = diffs('users');
  for (const d of userDiffs) {
    if (d.k !== event.sender && d.before !== undefined && d.before >= senderLevel) {
      return deny(rule('usersRemoved', 1), 'powerLevels.users.current', `${d.k} is at or above the sender's level`);
    }
  }
  for (const d of userDiffs) {
    if (d.after !== undefined && d.after > senderLevel) {
      return deny(rule('usersAdded', 1), 'powerLevels.users.new', `new level of ${d.k} is above the sender's level`);
    }
  }
  return ALLOW;
}
