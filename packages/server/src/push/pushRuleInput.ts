// Validation of client-supplied push rule parts (data/api/client-server/pushrules.yaml
// PUT /pushrules/global/{kind}/{ruleId}, …/actions; definitions/push_condition.yaml).
import { MatrixError, isPushRuleKind, stripHistoricalActions, type PushAction, type PushCondition, type PushRuleKind } from '@weft/core';
import { isObject, type JsonObject } from '../http/validate.js';

const badJson = (msg: string) => new MatrixError(400, 'M_BAD_JSON', msg);

/** The `kind` path parameter: one of the five kinds, else 400. */
export function parseKind(kind: string): PushRuleKind {
  if (!isPushRuleKind(kind)) throw new MatrixError(400, 'M_INVALID_PARAM', `Unknown push rule kind: ${kind}`);
  return kind;
}

/**
 * A rule ID a client may create: pushrules.yaml "If the string starts with a dot ('.'),
 * the request MUST be rejected as this is reserved for server-default rules. Slashes ('/')
 * and backslashes ('\') are also not allowed."
 */
export function checkNewRuleId(ruleId: string): void {
  if (ruleId === '') throw new MatrixError(400, 'M_INVALID_PARAM', 'Empty rule ID');
  if (ruleId.startsWith('.')) throw new MatrixError(400, 'M_INVALID_PARAM', "Rule IDs starting with '.' are reserved for server-default rules");
  if (ruleId.includes('/') || ruleId.includes('\\')) throw new MatrixError(400, 'M_INVALID_PARAM', 'Rule IDs may not contain slashes or backslashes');
}

const STRING_ACTIONS = new Set(['notify', 'dont_notify', 'coalesce']);

/**
 * `actions` (required): strings `notify` (and the historical `dont_notify` / `coalesce`,
 * which push.md "Historical Actions" says to strip) or `{set_tweak, value?}` objects.
 * Tweaks are passed through untouched ("Tweaks are passed transparently").
 */
export function parseActions(body: JsonObject): PushAction[] {
  const v = body.actions;
  if (v === undefined || v === null) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: actions');
  if (!Array.isArray(v)) throw badJson('actions must be an array');
  for (const a of v) {
    if (typeof a === 'string') {
      if (!STRING_ACTIONS.has(a)) throw badJson(`Unrecognised action: ${a}`);
    } else if (!isObject(a) || typeof a.set_tweak !== 'string') {
      throw badJson('Each action must be a string or an object with a set_tweak string');
    }
  }
  return stripHistoricalActions(v as PushAction[]);
}

/** `conditions` (override/underride; optional, default []): objects with a string `kind`. Unknown kinds are kept (they never match). */
export function parseConditions(body: JsonObject): PushCondition[] {
  const v = body.conditions;
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badJson('conditions must be an array');
  for (const c of v) {
    if (!isObject(c) || typeof c.kind !== 'string') throw badJson('Each condition must be an object with a string kind');
    for (const k of ['key', 'pattern', 'is'] as const) {
      if (c[k] !== undefined && typeof c[k] !== 'string') throw badJson(`condition ${k} must be a string`);
    }
  }
  return v as PushCondition[];
}

/** `pattern` (content rules; required). */
export function parsePattern(body: JsonObject): string {
  const v = body.pattern;
  if (v === undefined || v === null) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: pattern');
  if (typeof v !== 'string') throw badJson('pattern must be a string');
  return v;
}
