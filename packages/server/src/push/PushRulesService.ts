// A user's push rules (client-server-api/modules/push.md "Push Rules: API";
// data/api/client-server/pushrules.yaml). The effective ruleset is stored as the
// user's global account data `m.push_rules` (push.md "Push Rules: Events": "When
// a user changes their push rules a m.push_rules event is sent to all clients in
// the account_data section of their next /sync"), written through the sync area's
// AccountDataService so each change takes a stream position and wakes /sync.
// Reads recover the user's own part (extractUserPushRules) and merge it with the
// current server defaults, so newer default rules reach existing users.
import {
  MatrixError, extractUserPushRules, mergePushRules, type PushAction, type PushRule, type PushRuleKind, type PushRuleset,
  type UserPushRules,
} from '@weft/core';

export const PUSH_RULES_TYPE = 'm.push_rules';

/** The slice of the sync area's AccountDataService used here (global account data: roomId ''). */
export interface PushRulesAccountData {
  /** Throws 404 M_NOT_FOUND when absent. */
  get(userId: string, roomId: string, type: string): Promise<Record<string, unknown>>;
  put(userId: string, roomId: string, type: string, content: Record<string, unknown>): Promise<void>;
}

export interface PutRuleInput {
  actions: PushAction[];
  conditions?: PushRule['conditions'];
  pattern?: string;
  before?: string;
  after?: string;
}

const notFound = () => new MatrixError(404, 'M_NOT_FOUND', 'The push rule was not found.');
const CACHE_MAX = 10_000;

export class PushRulesService {
  /** Parsed user parts by user ID (this process is the only writer). */
  private readonly cache = new Map<string, UserPushRules>();
  /** Merged rulesets by user ID; a new object after every change (callers may compare identity). */
  private readonly merged = new Map<string, PushRuleset>();
  /** Bumped on every change, so a load that raced a write never caches the old rules. */
  private readonly generation = new Map<string, number>();
  /** Per-user write queue: read-modify-write must not interleave. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly accountData: PushRulesAccountData) {}

  /** The full ruleset (GET /pushrules/ → {global: this}). Shared: do not mutate. */
  async ruleset(userId: string): Promise<PushRuleset> {
    const hit = this.merged.get(userId);
    if (hit) return hit;
    const gen = this.generation.get(userId);
    const rs = mergePushRules(userId, await this.userRules(userId));
    if (this.generation.get(userId) !== gen) return rs;
    if (this.merged.size >= CACHE_MAX) this.merged.clear();
    this.merged.set(userId, rs);
    return rs;
  }

  /** One rule of the effective ruleset, or 404. */
  async getRule(userId: string, kind: PushRuleKind, ruleId: string): Promise<PushRule> {
    const rule = (await this.ruleset(userId))[kind].find((r) => r.rule_id === ruleId);
    if (!rule) throw notFound();
    return rule;
  }

  /** PUT /pushrules/global/{kind}/{ruleId}: create or update a user-defined rule (ID already validated). */
  async putRule(userId: string, kind: PushRuleKind, ruleId: string, input: PutRuleInput): Promise<void> {
    await this.modify(userId, (u) => {
      const list = u.rules[kind];
      const idx = list.findIndex((r) => r.rule_id === ruleId);
      const existing = idx >= 0 ? list[idx] : undefined;
      // "When creating push rules, they MUST be enabled by default"; an update keeps the enabled flag.
      const rule: PushRule = { rule_id: ruleId, default: false, enabled: existing?.enabled ?? true, actions: input.actions };
      if (kind === 'override' || kind === 'underride') rule.conditions = input.conditions ?? [];
      if (kind === 'content') rule.pattern = input.pattern;
      const anchor = input.before ?? input.after;
      if (anchor === undefined) {
        if (existing) list[idx] = rule;
        else list.unshift(rule); // "the most important user defined rule among rules of the same kind"
        return;
      }
      if (anchor.startsWith('.')) {
        throw new MatrixError(400, 'M_UNKNOWN', `Cannot add a rule relative to the server-default rule ${anchor}`);
      }
      const rest = list.filter((r) => r.rule_id !== ruleId);
      const at = rest.findIndex((r) => r.rule_id === anchor);
      if (at < 0) throw new MatrixError(400, 'M_UNKNOWN', `before/after rule not found: ${anchor}`);
      // Both given: "the next most important rule with respect to the rule identified by before".
      rest.splice(input.before !== undefined ? at : at + 1, 0, rule);
      u.rules[kind] = rest;
    });
  }

  /** DELETE: user-defined rules only; server-default rules exist but cannot be removed (400). */
  async deleteRule(userId: string, kind: PushRuleKind, ruleId: string): Promise<void> {
    await this.modify(userId, (u, effective) => {
      const list = u.rules[kind];
      const idx = list.findIndex((r) => r.rule_id === ruleId);
      if (idx >= 0) {
        list.splice(idx, 1);
        return;
      }
      if (effective[kind].some((r) => r.rule_id === ruleId)) {
        // NOTSPEC: the spec does not say how to answer; the rule exists, so 404 would mislead.
        throw new MatrixError(400, 'M_INVALID_PARAM', 'Server-default push rules cannot be deleted');
      }
      throw notFound();
    });
  }

  async setEnabled(userId: string, kind: PushRuleKind, ruleId: string, enabled: boolean): Promise<void> {
    await this.modifyRule(userId, kind, ruleId, (change) => { change.enabled = enabled; });
  }

  /** PUT …/actions: "This can be used to change the actions of builtin rules." */
  async setActions(userId: string, kind: PushRuleKind, ruleId: string, actions: PushAction[]): Promise<void> {
    await this.modifyRule(userId, kind, ruleId, (change) => { change.actions = actions; });
  }

  private async modifyRule(
    userId: string, kind: PushRuleKind, ruleId: string, apply: (target: { enabled?: boolean; actions?: PushAction[] }) => void,
  ): Promise<void> {
    await this.modify(userId, (u, effective) => {
      const own = u.rules[kind].find((r) => r.rule_id === ruleId);
      if (own) {
        apply(own);
        return;
      }
      if (!ruleId.startsWith('.') || !effective[kind].some((r) => r.rule_id === ruleId)) throw notFound();
      const change = { ...u.defaults[kind][ruleId] };
      apply(change);
      u.defaults[kind][ruleId] = change;
    });
  }

  private async userRules(userId: string): Promise<UserPushRules> {
    const hit = this.cache.get(userId);
    if (hit) return hit;
    const gen = this.generation.get(userId);
    let stored: Record<string, unknown> | undefined;
    try {
      stored = await this.accountData.get(userId, '', PUSH_RULES_TYPE);
    } catch (err) {
      if (!(err instanceof MatrixError) || err.errcode !== 'M_NOT_FOUND') throw err;
    }
    const parsed = extractUserPushRules(userId, stored);
    if (this.generation.get(userId) !== gen) return parsed;
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(userId, parsed);
    return parsed;
  }

  /** Serialised per user: load, let `edit` change a copy (or throw), store the merged ruleset. */
  private modify(userId: string, edit: (u: UserPushRules, effective: PushRuleset) => void): Promise<void> {
    const prev = this.queues.get(userId) ?? Promise.resolve();
    const run = prev.catch(() => undefined).then(async () => {
      const current = await this.userRules(userId);
      const copy = structuredClone(current);
      edit(copy, mergePushRules(userId, current));
      const merged = mergePushRules(userId, copy);
      this.cache.delete(userId);
      this.merged.delete(userId);
      try {
        await this.accountData.put(userId, '', PUSH_RULES_TYPE, { global: merged });
      } finally {
        this.generation.set(userId, (this.generation.get(userId) ?? 0) + 1);
        this.cache.delete(userId);
        this.merged.delete(userId);
      }
    });
    this.queues.set(userId, run);
    void run.finally(() => { if (this.queues.get(userId) === run) this.queues.delete(userId); }).catch(() => undefined);
    return run;
  }
}
