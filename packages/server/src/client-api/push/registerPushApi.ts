// Push rule endpoints (client-server-api/modules/push.md "Push Rules: API";
// data/api/client-server/pushrules.yaml). Only the `global` scope exists; other
// scopes fall through to 404 M_UNRECOGNIZED. Pushers: pushersRoutes.ts. GET /notifications
// is not implemented (404 M_UNRECOGNIZED).
import type { Router } from '../../http/Router.js';
import { MatrixError } from '@weft/core';
import type { PushRulesService } from '../../push/PushRulesService.js';
import type { Pushers } from '../../push/Pushers.js';
import { registerPushersRoutes } from './pushersRoutes.js';
import { checkNewRuleId, parseActions, parseConditions, parseKind, parsePattern } from '../../push/pushRuleInput.js';

export interface PushApiDeps {
  pushRules: PushRulesService;
  pushers: Pushers;
}

export function registerPushApi(router: Router, deps: PushApiDeps): void {
  const { pushRules } = deps;
  const RULE = '/pushrules/global/:kind/:ruleId';

  router.route({
    method: 'GET', path: '/pushrules/', auth: 'user',
    handler: async (req) => ({ body: { global: await pushRules.ruleset(req.user.userId) } }),
  });
  router.route({
    method: 'GET', path: '/pushrules/global/', auth: 'user',
    handler: async (req) => ({ body: await pushRules.ruleset(req.user.userId) }),
  });

  router.route({
    method: 'GET', path: RULE, auth: 'user',
    handler: async (req) => ({ body: await pushRules.getRule(req.user.userId, parseKind(req.params.kind), req.params.ruleId) }),
  });
  router.route({
    method: 'PUT', path: RULE, auth: 'user',
    handler: async (req) => {
      const kind = parseKind(req.params.kind);
      const ruleId = req.params.ruleId;
      checkNewRuleId(ruleId);
      const actions = parseActions(req.body);
      const input = {
        actions,
        conditions: kind === 'override' || kind === 'underride' ? parseConditions(req.body) : undefined,
        pattern: kind === 'content' ? parsePattern(req.body) : undefined,
        before: nonEmpty(req.query.before),
        after: nonEmpty(req.query.after),
      };
      await pushRules.putRule(req.user.userId, kind, ruleId, input);
      return { body: {} };
    },
  });
  router.route({
    method: 'DELETE', path: RULE, auth: 'user',
    handler: async (req) => {
      await pushRules.deleteRule(req.user.userId, parseKind(req.params.kind), req.params.ruleId);
      return { body: {} };
    },
  });

  router.route({
    method: 'GET', path: `${RULE}/enabled`, auth: 'user',
    handler: async (req) => {
      const rule = await pushRules.getRule(req.user.userId, parseKind(req.params.kind), req.params.ruleId);
      return { body: { enabled: rule.enabled } };
    },
  });
  router.route({
    method: 'PUT', path: `${RULE}/enabled`, auth: 'user',
    handler: async (req) => {
      const kind = parseKind(req.params.kind);
      const enabled = req.body.enabled;
      if (enabled === undefined || enabled === null) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: enabled');
      if (typeof enabled !== 'boolean') throw new MatrixError(400, 'M_BAD_JSON', 'enabled must be a boolean');
      await pushRules.setEnabled(req.user.userId, kind, req.params.ruleId, enabled);
      return { body: {} };
    },
  });

  router.route({
    method: 'GET', path: `${RULE}/actions`, auth: 'user',
    handler: async (req) => {
      const rule = await pushRules.getRule(req.user.userId, parseKind(req.params.kind), req.params.ruleId);
      return { body: { actions: rule.actions } };
    },
  });
  router.route({
    method: 'PUT', path: `${RULE}/actions`, auth: 'user',
    handler: async (req) => {
      const kind = parseKind(req.params.kind);
      await pushRules.setActions(req.user.userId, kind, req.params.ruleId, parseActions(req.body));
      return { body: {} };
    },
  });

  registerPushersRoutes(router, deps.pushers);
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

