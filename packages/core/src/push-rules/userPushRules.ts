// A user's own push settings and their merge with the server-default rules
// (push.md "Predefined Rules": server-default rules "operate at a lower priority
// than user-defined rules, except for the .m.rule.master rule"). Keeping only
// the user's part means a newer server's defaults apply to existing users.
import { defaultMasterRule, defaultOverrideRules, defaultPushRuleset, defaultUnderrideRules } from './defaultPushRules.js';
import { PUSH_RULE_KINDS, type PushAction, type PushRule, type PushRuleKind, type PushRuleset } from './types.js';

/** The user's changes to one server-default rule. */
export interface DefaultRuleChange {
  enabled?: boolean;
  actions?: PushAction[];
}

export interface UserPushRules {
  /** User-defined rules per kind, most important first. */
  rules: Record<PushRuleKind, PushRule[]>;
  /** Changes to server-default rules, by kind then rule_id. */
  defaults: Record<PushRuleKind, Record<string, DefaultRuleChange>>;
}

export function emptyUserPushRules(): UserPushRules {
  return {
    rules: { override: [], content: [], room: [], sender: [], underride: [] },
    defaults: { override: {}, content: {}, room: {}, sender: {}, underride: {} },
  };
}

function applyChange(rule: PushRule, change: DefaultRuleChange | undefined): PushRule {
  if (!change) return rule;
  return { ...rule, enabled: change.enabled ?? rule.enabled, actions: change.actions ?? rule.actions };
}

/** The effective ruleset: .m.rule.master, user overrides, default overrides; user then default rules in other kinds. */
export function mergePushRules(userId: string, user: UserPushRules): PushRuleset {
  const d = user.defaults;
  const own = (k: PushRuleKind) => user.rules[k].map((r) => ({ ...r, default: false }));
  const defs = (k: PushRuleKind, rules: PushRule[]) => rules.map((r) => applyChange(r, d[k][r.rule_id]));
  return {
    override: [...defs('override', [defaultMasterRule()]), ...own('override'), ...defs('override', defaultOverrideRules(userId))],
    content: own('content'),
    room: own('room'),
    sender: own('sender'),
    underride: [...own('underride'), ...defs('underride', defaultUnderrideRules())],
  };
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Recovers the user's part from a stored full ruleset (the m.push_rules account data):
 * rules whose ID starts with "." are server-default (only differences from the current
 * defaults are kept; unknown ones are dropped), the rest are the user's, in order.
 * Malformed entries are skipped.
 */
export function extractUserPushRules(userId: string, stored: unknown): UserPushRules {
  const out = emptyUserPushRules();
  const global = (stored as { global?: unknown } | null | undefined)?.global;
  if (typeof global !== 'object' || global === null) return out;
  const defaults = defaultPushRuleset(userId);
  for (const kind of PUSH_RULE_KINDS) {
    const list = (global as Record<string, unknown>)[kind];
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      if (typeof raw !== 'object' || raw === null) continue;
      const r = raw as Record<string, unknown>;
      if (typeof r.rule_id !== 'string' || !Array.isArray(r.actions)) continue;
      const enabled = r.enabled !== false;
      if (r.rule_id.startsWith('.')) {
        const base = defaults[kind].find((x) => x.rule_id === r.rule_id);
        if (!base) continue;
        const change: DefaultRuleChange = {};
        if (enabled !== base.enabled) change.enabled = enabled;
        if (!sameJson(r.actions, base.actions)) change.actions = r.actions as PushAction[];
        if (change.enabled !== undefined || change.actions !== undefined) out.defaults[kind][r.rule_id] = change;
        continue;
      }
      const rule: PushRule = { rule_id: r.rule_id, default: false, enabled, actions: r.actions as PushAction[] };
      if (kind === 'override' || kind === 'underride') rule.conditions = Array.isArray(r.conditions) ? (r.conditions as PushRule['conditions']) : [];
      if (kind === 'content') {
        if (typeof r.pattern !== 'string') continue;
        rule.pattern = r.pattern;
      }
      out.rules[kind].push(rule);
    }
  }
  return out;
}
