// membership = leave (leaving, rejecting, rescinding, kicking, unbanning) and ban.
// Spec: rooms/fragments/v1-auth-rules.md 5.4 and 5.5; rooms/v7.md (leaving a knock).

import type { RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { ALLOW, deny, type AuthStateLookup, type AuthVerdict } from './AuthVerdict.js';
import { membershipOf } from './authHelpers.js';
import { namedLevel, userPowerLevel } from './powerLevelValues.js';
import { memberRule } from './ruleNumbers.js';

export function checkLeave(event: RoomEvent, target: string, state: AuthStateLookup, rules: RoomVersionRules): AuthVerdict {
  const r = (n: number) => memberRule(rules, 'leave', n);
  const senderMembership = membershipOf(state, event.sender);
  if (event.sender === target) {
    const ok = senderMembership === 'invite' || senderMembership === 'join'
      || (rules.knocking && senderMembership === 'knock');
    return ok ? ALLOW : deny(r(1), 'member.leave.self', `cannot leave from ${senderMembership ?? 'no membership'}`);
  }
  if (senderMembership !== 'join') return deny(r(2), 'member.leave.senderNotJoined', 'sender is not joined');
  const pl = state('m.room.power_levels', '');
  const senderLevel = userPowerLevel(event.sender, state, rules);
  if (membershipOf(state, target) === 'ban' && senderLevel < namedLevel(pl, 'ban', rules)) {
    return deny(r(3), 'member.leave.unban', 'sender is below the ban level and the target is banned');
  }
  if (senderLevel >= namedLevel(pl, 'kick', rules) && userPowerLevel(target, state, rules) < senderLevel) return ALLOW;
  return deny(r(5), 'member.leave.kick', 'sender is below the kick level or not above the target');
}

export function checkBan(event: RoomEvent, target: string, state: AuthStateLookup, rules: RoomVersionRules): AuthVerdict {
  const r = (n: number) => memberRule(rules, 'ban', n);
  if (membershipOf(state, event.sender) !== 'join') return deny(r(1), 'member.ban.senderNotJoined', 'sender is not joined');
  const senderLevel = userPowerLevel(event.sender, state, rules);
  if (senderLevel >= namedLevel(state('m.room.power_levels', ''), 'ban', rules)
    && userPowerLevel(target, state, rules) < senderLevel) return ALLOW;
  return deny(r(3), 'member.ban.powerLevel', 'sender is below the ban level or not above the target');
}
