// POST /v3/user/{userId}/openid/request_token (client-server openid.yaml) and
// GET /_matrix/federation/v1/openid/userinfo (server-server openid.yaml; mounted on
// listeners with the `federation` or `openid` resource, as Synapse does).
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import type { OpenIdTokens } from '../../openid/OpenIdTokens.js';

export function registerOpenIdTokenRoute(router: Router, tokens: OpenIdTokens): void {
  router.route({
    method: 'POST',
    path: '/user/:userId/openid/request_token',
    auth: 'user',
    handler: async (req) => {
      if (req.params.userId !== req.user.userId) throw new MatrixError(403, 'M_FORBIDDEN', 'You may only request OpenID tokens for yourself');
      return { body: await tokens.issue(req.user.userId) };
    },
  });
}

export function registerOpenIdUserinfoRoute(router: Router, tokens: OpenIdTokens): void {
  router.route({
    method: 'GET',
    path: '/openid/userinfo',
    prefixes: ['/_matrix/federation/v1'],
    auth: 'none',
    body: 'none',
    handler: async (req) => {
      const token = req.query.access_token;
      if (token === undefined) throw new MatrixError(401, 'M_MISSING_TOKEN', 'Missing access_token');
      return { body: { sub: await tokens.userOf(token) } };
    },
  });
}
