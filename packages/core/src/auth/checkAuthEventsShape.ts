// Rule "Considering the event's auth_events" (rule 2; 3 in v12): the list itself.
// Spec: rooms/fragments/v1-auth-rules.md rule 2; rooms/v12.md rule 3.
// 2.3 (entries that were themselves rejected) is the caller's: it knows which events it rejected.

import type { RoomEvent } from '../events/types.js';
import { stateKeyOf } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { ALLOW, deny, type AuthVerdict } from './AuthVerdict.js';
import { authEventKeys } from './authEventsSelection.js';
import { authEventsRule } from './ruleNumbers.js';

/** Checks the auth_events list of `event` (the events it cites, in any order). */
export function checkAuthEventsShape(event: RoomEvent, authEvents: readonly RoomEvent[], rules: RoomVersionRules): AuthVerdict {
  // Rule 1 allows or rejects m.room.create before the auth_events rule is reached.
  if (event.type === 'm.room.create') return ALLOW;
  const seen = new Set<string>();
  for (const e of authEvents) {
    if (e.stateKey === undefined) continue; // not a state event: not selected (below)
    const key = stateKeyOf(e.type, e.stateKey);
    if (seen.has(key)) {
      return deny(authEventsRule(rules, 'duplicate'), 'authEvents.duplicate', `two auth events for (${e.type}, ${e.stateKey})`);
    }
    seen.add(key);
  }
  const allowed = new Set(
    authEventKeys(event.type, event.stateKey, event.sender, event.content, rules).map(([t, k]) => stateKeyOf(t, k)),
  );
  for (const e of authEvents) {
    if (e.stateKey === undefined || !allowed.has(stateKeyOf(e.type, e.stateKey))) {
      return deny(authEventsRule(rules, 'notSelected'), 'authEvents.notSelected',
        `auth event ${e.eventId} (${e.type}, ${e.stateKey ?? 'no state_key'}) is not one the selection algorithm picks`);
    }
  }
  if (!rules.createEventNotInAuthEvents && !authEvents.some((e) => e.type === 'm.room.create' && e.stateKey === '')) {
    return deny(authEventsRule(rules, 'noCreate'), 'authEvents.noCreate', 'no m.room.create among the auth events');
  }
  for (const e of authEvents) {
    if (e.roomId !== event.roomId) {
      return deny(authEventsRule(rules, 'roomId'), 'authEvents.roomId', `auth event ${e.eventId} is from another room`);
    }
  }
  return ALLOW;
}

/** An AuthStateLookup over a list of auth events (first match wins; run checkAuthEventsShape
 *  first to refuse duplicates). For v12, pass the room's create event as `create`. */
export function lookupFromAuthEvents(authEvents: readonly RoomEvent[], create?: RoomEvent) {
  const map = new Map<string, RoomEvent>();
  for (const e of authEvents) {
    if (e.stateKey === undefined) continue;
    const key = stateKeyOf(e.type, e.stateKey);
    if (!map.has(key)) map.set(key, e);
  }
  if (create && !map.has(stateKeyOf('m.room.create', ''))) map.set(stateKeyOf('m.room.create', ''), create);
  return (type: string, stateKey: string): RoomEvent | undefined => map.get(stateKeyOf(type, stateKey));
}
