// Auth events selection: which state an event cites in auth_events.
// Spec: content/server-server-api.md "Auth events selection"; rooms/v12.md (the create
// event is not selected); restricted joins only in versions that support them.

import type { JsonObject } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import type { AuthStateLookup } from './AuthVerdict.js';
import { isObject } from './authHelpers.js';

/** The (type, state_key) pairs an event needs in auth_events, without duplicates. */
export function authEventKeys(
  type: string, stateKey: string | undefined, sender: string, content: JsonObject, rules: RoomVersionRules,
): Array<[string, string]> {
  if (type === 'm.room.create') return [];
  const keys: Array<[string, string]> = [];
  const add = (t: string, k: string) => {
    if (!keys.some(([a, b]) => a === t && b === k)) keys.push([t, k]);
  };
  if (!rules.createEventNotInAuthEvents) add('m.room.create', '');
  add('m.room.power_levels', '');
  add('m.room.member', sender);
  if (type === 'm.room.member' && stateKey !== undefined) {
    const membership = content.membership;
    add('m.room.member', stateKey);
    if (membership === 'join' || membership === 'invite' || membership === 'knock') add('m.room.join_rules', '');
    if (membership === 'invite' && isObject(content.third_party_invite)) {
      const signed = content.third_party_invite.signed;
      if (isObject(signed) && typeof signed.token === 'string') add('m.room.third_party_invite', signed.token);
    }
    const via = content.join_authorised_via_users_server;
    if (membership === 'join' && rules.restrictedJoins && typeof via === 'string') add('m.room.member', via);
  }
  return keys;
}

/** Those keys resolved against `state`, as event IDs (keys without an event are skipped). */
export function selectAuthEvents(
  type: string, stateKey: string | undefined, sender: string, content: JsonObject,
  state: AuthStateLookup, rules: RoomVersionRules,
): string[] {
  const ids: string[] = [];
  for (const [t, k] of authEventKeys(type, stateKey, sender, content, rules)) {
    const ev = state(t, k);
    if (ev && !ids.includes(ev.eventId)) ids.push(ev.eventId);
  }
  return ids;
}
