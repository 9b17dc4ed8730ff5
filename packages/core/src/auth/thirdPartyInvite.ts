// Third-party invites: the `signed` check of an invite (member rule "invite" 1.7) and the
// rule for m.room.third_party_invite events themselves.
// Spec: rooms/fragments/v1-auth-rules.md 5.3.1.7 and rule 7 (6 in v6–v11, 7 in v12).

import type { JsonObject, RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { verifyJsonSignature } from '../crypto/signJson.js';
import { ALLOW, deny, type AuthStateLookup, type AuthVerdict } from './AuthVerdict.js';
import { isObject } from './authHelpers.js';
import { namedLevel, userPowerLevel } from './powerLevelValues.js';
import { topRule } from './ruleNumbers.js';

/** The public keys of an m.room.third_party_invite: content.public_key and each
 *  content.public_keys[].public_key. */
export function thirdPartyInviteKeys(invite: RoomEvent): string[] {
  const keys: string[] = [];
  const single = invite.content.public_key;
  if (typeof single === 'string') keys.push(single);
  const list = invite.content.public_keys;
  if (Array.isArray(list)) {
    for (const k of list) if (isObject(k) && typeof k.public_key === 'string') keys.push(k.public_key);
  }
  return keys;
}

/** "If any signature in signed matches any public key in the m.room.third_party_invite event". */
export function checkThirdPartySigned(signed: JsonObject, invite: RoomEvent): boolean {
  const sigs = signed.signatures;
  if (!isObject(sigs)) return false;
  const keys = thirdPartyInviteKeys(invite);
  for (const [server, entry] of Object.entries(sigs)) {
    if (!isObject(entry)) continue;
    for (const keyId of Object.keys(entry)) {
      for (const key of keys) if (verifyJsonSignature(signed, server, keyId, key)) return true;
    }
  }
  return false;
}

export function checkThirdPartyInviteEvent(event: RoomEvent, state: AuthStateLookup, rules: RoomVersionRules): AuthVerdict {
  if (userPowerLevel(event.sender, state, rules) >= namedLevel(state('m.room.power_levels', ''), 'invite', rules)) {
    return ALLOW;
  }
  return deny(topRule(rules, 'thirdPartyInvite', 1), 'thirdPartyInvite.powerLevel', 'sender is below the invite level');
}
