// membership = join. Spec: rooms/fragments/v1-auth-rules.md 5.2; v8-auth-rules.md 4.3
// (restricted); rooms/v7.md (knock join rule), v10.md (knock_restricted), v11.md (creator is
// the create event's sender).

import type { RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { ALLOW, deny, type AuthStateLookup, type AuthVerdict } from './AuthVerdict.js';
import { firstJoinCreator, joinRuleOf, membershipOf } from './authHelpers.js';
import { namedLevel, userPowerLevel } from './powerLevelValues.js';
import { joinRule } from './ruleNumbers.js';

export function checkJoin(
  event: RoomEvent, target: string, create: RoomEvent, state: AuthStateLookup, rules: RoomVersionRules,
): AuthVerdict {
  // 1. The creator's own first join, right after the create event.
  if (event.prevEventIds.length === 1 && event.prevEventIds[0] === create.eventId
    && target === firstJoinCreator(create, rules)) return ALLOW;
  if (event.sender !== target) {
    return deny(joinRule(rules, 'notSelf'), 'member.join.notSelf', 'sender does not match state_key');
  }
  const current = membershipOf(state, event.sender);
  if (current === 'ban') return deny(joinRule(rules, 'banned'), 'member.join.banned', 'sender is banned');
  const rule = joinRuleOf(state);
  const invitedOrJoined = current === 'invite' || current === 'join';
  if (rule === 'invite' || (rules.knocking && rule === 'knock')) {
    if (invitedOrJoined) return ALLOW;
  } else if (rules.restrictedJoins && (rule === 'restricted' || (rules.knockRestricted && rule === 'knock_restricted'))) {
    if (invitedOrJoined) return ALLOW;
    const via = event.content.join_authorised_via_users_server;
    if (typeof via !== 'string' || membershipOf(state, via) !== 'join'
      || userPowerLevel(via, state, rules) < namedLevel(state('m.room.power_levels', ''), 'invite', rules)) {
      return deny(joinRule(rules, 'restricted', 2), 'member.join.restricted',
        'join_authorised_via_users_server is not a joined member able to invite');
    }
    return ALLOW;
  } else if (rule === 'public') {
    return ALLOW;
  }
  return deny(joinRule(rules, 'otherwise'), 'member.join.otherwise',
    `join rule ${rule ?? '(none)'} does not let ${current ?? 'non-member'} join`);
}
