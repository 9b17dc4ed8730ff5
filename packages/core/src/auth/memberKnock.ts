// membership = knock (v7+; knock_restricted join rule v10+).
// Spec: rooms/v7.md, rooms/fragments/v8-auth-rules.md 4.7, rooms/v10.md 4.7.1.

import type { RoomEvent } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { ALLOW, deny, type AuthStateLookup, type AuthVerdict } from './AuthVerdict.js';
import { joinRuleOf, membershipOf } from './authHelpers.js';
import { memberRule } from './ruleNumbers.js';

export function checkKnock(event: RoomEvent, target: string, state: AuthStateLookup, rules: RoomVersionRules): AuthVerdict {
  const r = (n: number) => memberRule(rules, 'knock', n);
  const rule = joinRuleOf(state);
  if (!(rule === 'knock' || (rules.knockRestricted && rule === 'knock_restricted'))) {
    return deny(r(1), 'member.knock.joinRule', `join rule ${rule ?? '(none)'} does not allow knocking`);
  }
  if (event.sender !== target) return deny(r(2), 'member.knock.notSelf', 'sender does not match state_key');
  const current = membershipOf(state, event.sender);
  if (current !== 'ban' && current !== 'invite' && current !== 'join') return ALLOW;
  return deny(r(4), 'member.knock.membership', `cannot knock while ${current}`);
}
