// Push rule evaluation (push.md "Push Rules"): kinds in the order override,
// content, room, sender, underride; within a kind, list order; disabled rules
// never match; the first matching rule's actions apply. Historical actions
// `dont_notify` and `coalesce` are stripped ("Historical Actions").
import { conditionMatches, type PushEvaluationContext, type PushEvent } from './conditions.js';
import { globMatches } from './glob.js';
import { PUSH_RULE_KINDS, type PushAction, type PushRule, type PushRuleKind, type PushRuleset } from './types.js';

export interface PushRuleMatch {
  kind: PushRuleKind;
  rule: PushRule;
  /** The rule's actions without historical ones. */
  actions: PushAction[];
}

const HISTORICAL = new Set(['dont_notify', 'coalesce']);

export function stripHistoricalActions(actions: readonly PushAction[]): PushAction[] {
  return actions.filter((a) => !(typeof a === 'string' && HISTORICAL.has(a)));
}

function ruleMatches(kind: PushRuleKind, rule: PushRule, event: PushEvent, ctx: PushEvaluationContext): boolean {
  switch (kind) {
    case 'override':
    case 'underride':
      return (rule.conditions ?? []).every((c) => conditionMatches(c, event, ctx));
    case 'content': {
      // "must match any substring of the content.body property which starts and ends at a word boundary".
      const body = (event.content as Record<string, unknown> | undefined)?.body;
      return typeof rule.pattern === 'string' && typeof body === 'string' && globMatches(rule.pattern, body, true);
    }
    case 'room':
      return event.room_id === rule.rule_id;
    case 'sender':
      return event.sender === rule.rule_id;
  }
}

/** The highest-priority enabled rule matching the event, or null if none does. */
export function findMatchingPushRule(ruleset: PushRuleset, event: PushEvent, ctx: PushEvaluationContext = {}): PushRuleMatch | null {
  for (const kind of PUSH_RULE_KINDS) {
    for (const rule of ruleset[kind] ?? []) {
      if (!rule.enabled) continue;
      if (ruleMatches(kind, rule, event, ctx)) return { kind, rule, actions: stripHistoricalActions(rule.actions) };
    }
  }
  return null;
}

/** The actions for an event: those of the first matching rule, [] when no rule matches (no notification). */
export function evaluatePushRules(ruleset: PushRuleset, event: PushEvent, ctx: PushEvaluationContext = {}): PushAction[] {
  return findMatchingPushRule(ruleset, event, ctx)?.actions ?? [];
}

/** Whether the actions notify (the `notify` action). */
export function actionsNotify(actions: readonly PushAction[]): boolean {
  return actions.includes('notify');
}

/**
 * The `highlight` tweak: true when given with no value, else its value; false when absent
 * (push.md "Actions"). Non-boolean values count as false.
 */
export function actionsHighlight(actions: readonly PushAction[]): boolean {
  for (const a of actions) {
    if (typeof a === 'object' && a !== null && a.set_tweak === 'highlight') return !('value' in a) || a.value === true;
  }
  return false;
}

/** The `sound` tweak's value, if any. */
export function actionsSound(actions: readonly PushAction[]): string | undefined {
  for (const a of actions) {
    if (typeof a === 'object' && a !== null && a.set_tweak === 'sound' && typeof a.value === 'string') return a.value;
  }
  return undefined;
}
