// Rule 4 of v1–v5: m.room.aliases (removed in v6, where aliases events are ordinary state).
// Spec: rooms/fragments/v1-auth-rules.md and v3-auth-rules.md rule 4.

import type { RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { ALLOW, deny, type AuthVerdict } from './AuthVerdict.js';
import { domainOf } from './authHelpers.js';
import { topRule } from './ruleNumbers.js';

export function checkAliases(event: RoomEvent, rules: RoomVersionRules): AuthVerdict {
  if (event.stateKey === undefined) {
    return deny(topRule(rules, 'aliases', 1), 'aliases.noStateKey', 'm.room.aliases without state_key');
  }
  if (domainOf(event.sender) !== event.stateKey) {
    return deny(topRule(rules, 'aliases', 2), 'aliases.domain', "state_key is not the sender's domain");
  }
  return ALLOW;
}
