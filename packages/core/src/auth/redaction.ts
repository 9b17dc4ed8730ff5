// Rule 11 of v1–v2: m.room.redaction. From v3 the auth rules treat redactions like any event
// and the receiving server checks them instead (rooms/fragments/v3-handling-redactions.md).
// Spec: rooms/fragments/v1-auth-rules.md rule 11.

import type { RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { ALLOW, deny, type AuthVerdict, type AuthStateLookup } from './AuthVerdict.js';
import { domainOf } from './authHelpers.js';
import { namedLevel, userPowerLevel } from './powerLevelValues.js';
import { topRule } from './ruleNumbers.js';

export function checkRedactionV1(event: RoomEvent, state: AuthStateLookup, rules: RoomVersionRules): AuthVerdict {
  const pl = state('m.room.power_levels', '');
  if (userPowerLevel(event.sender, state, rules) >= namedLevel(pl, 'redact', rules)) return ALLOW;
  // v1/v2 event IDs are `$local:domain`: the redacting and redacted events come from one server.
  const redactedDomain = event.redacts === undefined ? undefined : domainOf(event.redacts);
  if (redactedDomain !== undefined && redactedDomain === domainOf(event.eventId)) return ALLOW;
  return deny(topRule(rules, 'redaction', 3), 'redaction.notAllowed',
    'sender is below the redact level and the redacted event is from another server');
}
