// Verdicts of the authorization rules.
// Spec: content/server-server-api.md "Authorization rules" and the room versions' rule lists
// (content/rooms/fragments/v1-auth-rules.md, v3-auth-rules.md, v8-auth-rules.md, rooms/v10–v12.md).

import type { RoomEvent } from '../events/types.js';

/**
 * State an event is authorised against: (type, state_key) → event, or undefined.
 * For v12 the caller makes the m.room.create event reachable through this lookup
 * even though it is not in auth_events.
 */
export type AuthStateLookup = (type: string, stateKey: string) => RoomEvent | undefined;

/**
 * `rule` is the number of the rule that rejected, in the numbering of the room
 * version's own rule list (e.g. "4.3.3" in v6–v11 is "the sender is banned" of a join,
 * "5.3.3" in v1–v5 and v12). `name` is a stable, version-independent name for the same
 * rule (e.g. "member.join.banned"). Where the rule that rejects is an "Otherwise, reject"
 * step, `rule` is that step's number.
 */
export type AuthVerdict =
  | { allowed: true }
  | { allowed: false; rule: string; name: string; reason: string };

export const ALLOW: AuthVerdict = Object.freeze({ allowed: true }) as AuthVerdict;

export function deny(rule: string, name: string, reason: string): AuthVerdict {
  return { allowed: false, rule, name, reason };
}
