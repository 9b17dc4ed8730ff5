// membership = invite, with or without third_party_invite.
// Spec: rooms/fragments/v1-auth-rules.md 5.3 (4.4 in v8-auth-rules.md).

import type { RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { ALLOW, deny, type AuthStateLookup, type AuthVerdict } from './AuthVerdict.js';
import { membershipOf, isObject } from './authHelpers.js';
import { namedLevel, userPowerLevel } from './powerLevelValues.js';
import { memberRule } from './ruleNumbers.js';
import { checkThirdPartySigned } from './thirdPartyInvite.js';

export function checkInvite(event: RoomEvent, target: string, state: AuthStateLookup, rules: RoomVersionRules): AuthVerdict {
  const r = (...sub: number[]) => memberRule(rules, 'invite', ...sub);
  if (Object.hasOwn(event.content, 'third_party_invite')) {
    if (membershipOf(state, target) === 'ban') return deny(r(1, 1), 'member.invite.3pid.banned', 'target is banned');
    const tpi = event.content.third_party_invite;
    const signed = isObject(tpi) ? tpi.signed : undefined;
    if (!isObject(signed)) return deny(r(1, 2), 'member.invite.3pid.noSigned', 'third_party_invite has no signed');
    const { mxid, token } = signed;
    if (typeof mxid !== 'string' || typeof token !== 'string') {
      return deny(r(1, 3), 'member.invite.3pid.signedFields', 'signed lacks mxid or token');
    }
    if (mxid !== target) return deny(r(1, 4), 'member.invite.3pid.mxid', 'signed.mxid does not match state_key');
    const invite = state('m.room.third_party_invite', token);
    if (!invite) return deny(r(1, 5), 'member.invite.3pid.noInvite', 'no m.room.third_party_invite for the token');
    if (invite.sender !== event.sender) {
      return deny(r(1, 6), 'member.invite.3pid.sender', 'sender differs from the third party invite sender');
    }
    if (checkThirdPartySigned(signed, invite)) return ALLOW;
    return deny(r(1, 8), 'member.invite.3pid.signature', 'no signature in signed matches the invite public keys');
  }
  if (membershipOf(state, event.sender) !== 'join') {
    return deny(r(2), 'member.invite.senderNotJoined', 'sender is not joined');
  }
  const targetMembership = membershipOf(state, target);
  if (targetMembership === 'join' || targetMembership === 'ban') {
    return deny(r(3), 'member.invite.target', `target is already ${targetMembership}`);
  }
  if (userPowerLevel(event.sender, state, rules) >= namedLevel(state('m.room.power_levels', ''), 'invite', rules)) {
    return ALLOW;
  }
  return deny(r(5), 'member.invite.powerLevel', 'sender is below the invite level');
}
