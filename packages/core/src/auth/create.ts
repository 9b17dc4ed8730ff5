// Rule 1: m.room.create. Spec: rooms/fragments/v1-auth-rules.md rule 1; rooms/v11.md (no
// `creator` needed); rooms/v12.md (no room_id; additional_creators must be user IDs).

import type { RoomEvent } from '../events/types.js';
import { roomVersionRules } from '../room-versions/RoomVersionRules.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { ALLOW, deny, type AuthVerdict } from './AuthVerdict.js';
import { domainOf, isValidUserId } from './authHelpers.js';
import { createRule } from './ruleNumbers.js';

export function checkCreate(event: RoomEvent, rules: RoomVersionRules): AuthVerdict {
  if (event.prevEventIds.length > 0) {
    return deny(createRule(rules, 'prevEvents'), 'create.prevEvents', 'm.room.create has prev_events');
  }
  if (rules.roomIdFromCreateEvent) {
    // The room ID is derived from this event's ID, so the event cannot carry one.
    if (event.pdu.room_id !== undefined) {
      return deny(createRule(rules, 'roomId'), 'create.roomId', 'm.room.create has a room_id');
    }
  } else if (domainOf(event.roomId) === undefined || domainOf(event.roomId) !== domainOf(event.sender)) {
    return deny(createRule(rules, 'roomId'), 'create.roomId', 'room_id domain differs from the sender domain');
  }
  const version = event.content.room_version;
  if (version !== undefined && (typeof version !== 'string' || roomVersionRules(version) === undefined)) {
    return deny(createRule(rules, 'roomVersion'), 'create.roomVersion', 'content.room_version is not a known version');
  }
  if (!rules.createEventHasNoCreator && !Object.hasOwn(event.content, 'creator')) {
    return deny(createRule(rules, 'creator'), 'create.creator', 'content has no creator');
  }
  if (rules.privilegedCreators) {
    const extra = event.content.additional_creators;
    if (extra !== undefined && !(Array.isArray(extra) && extra.every(isValidUserId))) {
      return deny(createRule(rules, 'additionalCreators'), 'create.additionalCreators',
        'content.additional_creators is not an array of user IDs');
    }
  }
  return ALLOW;
}
