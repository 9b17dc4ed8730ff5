// logout, logout/all, whoami, refresh (client-server-api "Client Authentication").
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { optionalString } from '../../http/validate.js';
import type { AccountsApiDeps } from './AccountsApiDeps.js';

export function registerSessionRoutes(router: Router, deps: AccountsApiDeps): void {
  const { sessions } = deps;

  router.route({
    method: 'POST',
    path: '/logout',
    auth: 'user',
    handler: async (req) => {
      await sessions.logout(req.user);
      return { body: {} };
    },
  });

  router.route({
    method: 'POST',
    path: '/logout/all',
    auth: 'user',
    handler: async (req) => {
      await sessions.logoutAll(req.user.userId);
      return { body: {} };
    },
  });

  router.route({
    method: 'GET',
    path: '/account/whoami',
    auth: 'user',
    handler: (req) => ({ body: { user_id: req.user.userId, device_id: req.user.deviceId, is_guest: req.user.isGuest } }),
  });

  router.route({
    method: 'POST',
    path: '/refresh',
    auth: 'none',
    rateLimit: 'login',
    handler: async (req) => {
      const refreshToken = optionalString(req.body, 'refresh_token');
      if (!refreshToken) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: refresh_token');
      const s = await sessions.refresh(refreshToken);
      return { body: { access_token: s.accessToken, refresh_token: s.refreshToken, expires_in_ms: s.expiresInMs } };
    },
  });
}
