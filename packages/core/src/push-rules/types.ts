// Push rule wire types (client-server-api/modules/push.md "Push Rules";
// data/api/client-server/definitions/push_rule.yaml, push_condition.yaml,
// push_ruleset.yaml). Wire names keep the spec's snake_case.

/** The five kinds, in the order they are checked (push.md "Push Rules"). */
export const PUSH_RULE_KINDS = ['override', 'content', 'room', 'sender', 'underride'] as const;
export type PushRuleKind = (typeof PUSH_RULE_KINDS)[number];

export function isPushRuleKind(s: string): s is PushRuleKind {
  return (PUSH_RULE_KINDS as readonly string[]).includes(s);
}

/** A condition; unknown kinds are kept (they never match, push.md "Conditions"). */
export interface PushCondition {
  kind: string;
  key?: string;
  pattern?: string;
  is?: string;
  value?: string | number | boolean | null;
  [extra: string]: unknown;
}

/** `"notify"` or `{ set_tweak, value? }`; other shapes pass through untouched. */
export type PushAction = string | { [key: string]: unknown };

export interface PushRule {
  rule_id: string;
  default: boolean;
  enabled: boolean;
  actions: PushAction[];
  /** override / underride only. */
  conditions?: PushCondition[];
  /** content only. */
  pattern?: string;
}

export type PushRuleset = Record<PushRuleKind, PushRule[]>;

/** The `m.push_rules` account data content and GET /pushrules/ body. */
export interface PushRulesContent {
  global: PushRuleset;
}
