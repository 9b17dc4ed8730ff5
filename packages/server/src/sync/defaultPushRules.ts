// The server-default push rules for the m.push_rules account data of an initial
// /sync when the user never changed their rules (client-server-api/modules/push.md
// "Predefined Rules"). The rules live in @weft/core (push-rules/); the push area
// (push/PushRulesService.ts) stores m.push_rules once the user changes them.
import { defaultPushRuleset, type PushRulesContent } from '@weft/core';

export function defaultPushRules(userId: string): PushRulesContent {
  return { global: defaultPushRuleset(userId) };
}
