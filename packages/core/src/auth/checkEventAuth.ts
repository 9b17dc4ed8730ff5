// The authorization rules, in the order of the room version's rule list.
// Spec: content/server-server-api.md "Authorization rules"; rooms/fragments/v1-auth-rules.md,
// v3-auth-rules.md, v8-auth-rules.md; rooms/v6.md, v7.md, v10.md, v11.md, v12.md.
// The auth_events list rules (duplicates, selection, v12 create not listed, room IDs) are in
// checkAuthEventsShape(); rejected auth events are the caller's business.
// Signatures: the caller has verified every signature on the event ("signed by the sender's
// server" is its job); rules that need a given server's signature check it is present.

import type { RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { checkAliases } from './aliases.js';
import { ALLOW, deny, type AuthStateLookup, type AuthVerdict } from './AuthVerdict.js';
import { domainOf, membershipOf } from './authHelpers.js';
import { checkCreate } from './create.js';
import { checkMember } from './member.js';
import { checkPowerLevels } from './powerLevels.js';
import { requiredPowerLevelForEvent, userPowerLevel } from './powerLevelValues.js';
import { checkRedactionV1 } from './redaction.js';
import { authEventsRule, topRule } from './ruleNumbers.js';
import { checkThirdPartyInviteEvent } from './thirdPartyInvite.js';

/** The authorization rules for `event` against `authState` (its auth events, or a state map). */
export function checkEventAuth(event: RoomEvent, authState: AuthStateLookup, rules: RoomVersionRules): AuthVerdict {
  if (event.type === 'm.room.create') return checkCreate(event, rules);

  const create = authState('m.room.create', '');
  if (rules.roomIdFromCreateEvent) {
    // v12 rule 2: the room ID is the create event's ID with `!` for `$`. The caller only
    // makes accepted create events reachable.
    if (!create || create.type !== 'm.room.create' || event.roomId !== `!${create.eventId.slice(1)}`) {
      return deny(topRule(rules, 'roomId'), 'roomId.create', 'room_id is not the ID of the create event');
    }
  } else if (!create) {
    return deny(authEventsRule(rules, 'noCreate'), 'authEvents.noCreate', 'no m.room.create event');
  }

  if (create.content['m.federate'] === false && domainOf(event.sender) !== domainOf(create.sender)) {
    return deny(topRule(rules, 'federate'), 'federate', 'room is not federated and sender is from another server');
  }

  if (rules.specialCaseAliasesAuth && event.type === 'm.room.aliases') return checkAliases(event, rules);
  if (event.type === 'm.room.member') return checkMember(event, create, authState, rules);

  if (membershipOf(authState, event.sender) !== 'join') {
    return deny(topRule(rules, 'senderJoined'), 'sender.notJoined', 'sender is not joined');
  }
  if (event.type === 'm.room.third_party_invite') return checkThirdPartyInviteEvent(event, authState, rules);

  const senderLevel = userPowerLevel(event.sender, authState, rules);
  if (requiredPowerLevelForEvent(event.type, event.stateKey !== undefined, authState, rules) > senderLevel) {
    return deny(topRule(rules, 'requiredPowerLevel'), 'powerLevel.required', `sender is below the level for ${event.type}`);
  }
  if (event.stateKey !== undefined && event.stateKey.startsWith('@') && event.stateKey !== event.sender) {
    return deny(topRule(rules, 'stateKeyUserId'), 'stateKey.userId', 'state_key is a user ID other than the sender');
  }
  if (event.type === 'm.room.power_levels') return checkPowerLevels(event, create, authState, rules);
  if (rules.redactionAuthRule && event.type === 'm.room.redaction') return checkRedactionV1(event, authState, rules);
  return ALLOW;
}
