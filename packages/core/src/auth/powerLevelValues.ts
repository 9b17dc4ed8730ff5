// Power levels as the rules read them: defaults, values, creators.
// Spec: client-server m.room.power_levels (data/event-schemas/schema/m.room.power_levels.yaml)
// for the defaults; rooms/fragments/v1-stringy-power-levels.md (v1–v9 accept integer strings)
// and v1-floaty-power-levels.md (v1–v5 accept floats, truncated); v10+ integers only.

import type { JsonValue, RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import type { AuthStateLookup } from './AuthVerdict.js';
import { creatorsOf, isObject } from './authHelpers.js';

/** The properties whose alteration rule 10.3 (v1–v9 numbering) checks, with their defaults. */
export const NAMED_LEVEL_DEFAULTS = {
  users_default: 0,
  events_default: 0,
  state_default: 50,
  ban: 50,
  redact: 50,
  kick: 50,
  invite: 0,
} as const;
export type NamedLevel = keyof typeof NAMED_LEVEL_DEFAULTS;
export const NAMED_LEVELS = Object.keys(NAMED_LEVEL_DEFAULTS) as NamedLevel[];

// "a single base 10 integer … optionally with leading zeroes, a single - or + sign, and
// leading or trailing whitespace" (v1-stringy-power-levels).
const STRINGY_INTEGER = /^\s*[+-]?[0-9]+\s*$/;

/**
 * The numeric value of a power level, or undefined when the version does not accept it.
 * v10+: JSON integers only. Before: integers, integer strings, and floats truncated towards
 * zero (floats only reach here in v1–v5: canonical JSON forbids them from v6); Infinity/NaN
 * cannot be represented in JSON.
 */
export function parsePowerLevel(v: JsonValue | undefined, rules: RoomVersionRules): number | undefined {
  if (typeof v === 'number') {
    if (rules.integerPowerLevels) return Number.isInteger(v) ? v : undefined;
    return Number.isFinite(v) ? Math.trunc(v) : undefined;
  }
  if (!rules.integerPowerLevels && typeof v === 'string' && STRINGY_INTEGER.test(v)) {
    const n = Number.parseInt(v.trim(), 10);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * A named level (ban, kick, invite, …) from the power levels event, or its default.
 * NOTSPEC: a value the version cannot parse counts as absent (the default) rather than
 * making every later event fail; the rules never produce such a value from v10 on.
 */
export function namedLevel(pl: RoomEvent | undefined, name: NamedLevel, rules: RoomVersionRules): number {
  return parsePowerLevel(pl?.content[name], rules) ?? NAMED_LEVEL_DEFAULTS[name];
}

/**
 * Effective power level of `userId`. v12: room creators have infinite power (Infinity),
 * whether or not there is a power levels event. Otherwise users[userId], else users_default,
 * else 0; without a power levels event the creator (v1–v11) has 100, everyone else 0.
 */
export function userPowerLevel(userId: string, authState: AuthStateLookup, rules: RoomVersionRules): number {
  const create = authState('m.room.create', '');
  if (rules.privilegedCreators && create && creatorsOf(create, rules).has(userId)) return Infinity;
  const pl = authState('m.room.power_levels', '');
  if (pl) {
    const users = pl.content.users;
    if (isObject(users) && Object.hasOwn(users, userId)) {
      const v = parsePowerLevel(users[userId], rules);
      if (v !== undefined) return v;
    }
    return namedLevel(pl, 'users_default', rules);
  }
  if (!rules.privilegedCreators && create && creatorsOf(create, rules).has(userId)) return 100;
  return 0;
}

/** The level the rules require to send an event of `type`: events[type], else state_default
 *  (state events) or events_default (others), with the power levels defaults (50 / 0). */
export function requiredPowerLevelForEvent(
  type: string, isState: boolean, authState: AuthStateLookup, rules: RoomVersionRules,
): number {
  const pl = authState('m.room.power_levels', '');
  const events = pl?.content.events;
  if (isObject(events) && Object.hasOwn(events, type)) {
    const v = parsePowerLevel(events[type], rules);
    if (v !== undefined) return v;
  }
  return namedLevel(pl, isState ? 'state_default' : 'events_default', rules);
}
