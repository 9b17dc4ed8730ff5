// Rule "If type is m.room.member" (rule 4 in v6–v11, 5 in v1–v5 and v12): shape checks,
// join_authorised_via_users_server signature (v8+), then one function per membership.
// Spec: rooms/fragments/v1-auth-rules.md, v3-auth-rules.md, v8-auth-rules.md, rooms/v7.md,
// v10.md, v11.md, v12.md.

import type { RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { deny, type AuthStateLookup, type AuthVerdict } from './AuthVerdict.js';
import { domainOf, isSignedBy } from './authHelpers.js';
import { checkBan, checkLeave } from './memberLeaveBan.js';
import { checkInvite } from './memberInvite.js';
import { checkJoin } from './memberJoin.js';
import { checkKnock } from './memberKnock.js';
import { memberRule } from './ruleNumbers.js';

export function checkMember(
  event: RoomEvent, create: RoomEvent, state: AuthStateLookup, rules: RoomVersionRules,
): AuthVerdict {
  if (event.stateKey === undefined || !Object.hasOwn(event.content, 'membership')) {
    return deny(memberRule(rules, 'shape'), 'member.shape', 'member event without state_key or membership');
  }
  const target = event.stateKey;
  if (rules.restrictedJoins && Object.hasOwn(event.content, 'join_authorised_via_users_server')) {
    // "validly signed by the homeserver of the user ID denoted by the key": the caller has
    // verified every signature present, so this checks that one from that server is present.
    const via = event.content.join_authorised_via_users_server;
    const server = typeof via === 'string' ? domainOf(via) : undefined;
    if (server === undefined || !isSignedBy(event, server)) {
      return deny(memberRule(rules, 'authorisedVia', 1), 'member.authorisedVia.signature',
        'not signed by the server of join_authorised_via_users_server');
    }
  }
  switch (event.content.membership) {
    case 'join': return checkJoin(event, target, create, state, rules);
    case 'invite': return checkInvite(event, target, state, rules);
    case 'leave': return checkLeave(event, target, state, rules);
    case 'ban': return checkBan(event, target, state, rules);
    case 'knock':
      if (rules.knocking) return checkKnock(event, target, state, rules);
      break;
  }
  return deny(memberRule(rules, 'unknown'), 'member.unknown', 'unknown membership');
}
