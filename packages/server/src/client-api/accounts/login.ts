// Login (client-server-api "Login"; data/api/client-server/login.yaml).
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { isObject, optionalBoolean, optionalString, type JsonObject } from '../../http/validate.js';
import type { AccountsApiDeps } from './AccountsApiDeps.js';
import { loginResponse } from './loginResponse.js';
import { resolveUserIdentifier } from './userIdentifier.js';

export function registerLoginRoutes(router: Router, deps: AccountsApiDeps): void {
  const { config, accounts, sessions } = deps;

  router.route({
    method: 'GET',
    path: '/login',
    auth: 'none',
    handler: () => ({ body: { flows: [{ type: 'm.login.password' }] } }),
  });

  router.route({
    method: 'POST',
    path: '/login',
    auth: 'none',
    rateLimit: 'login',
    handler: async (req) => {
      const body = req.body;
      const type = optionalString(body, 'type');
      if (type !== 'm.login.password') throw new MatrixError(400, 'M_UNKNOWN', `Unknown login type ${String(type)}`);
      const userId = loginUserId(body, config.server_name);
      const password = optionalString(body, 'password');
      if (password === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: password');

      const user = await accounts.getUser(userId);
      // Like Synapse: a deactivated account (whose password hash was removed) says so.
      if (user?.deactivated) throw new MatrixError(403, 'M_USER_DEACTIVATED', 'This account has been deactivated');
      if (!(await accounts.checkPassword(userId, password))) throw new MatrixError(403, 'M_FORBIDDEN', 'Invalid username or password');

      const session = await sessions.createSession(userId, {
        deviceId: optionalString(body, 'device_id'),
        displayName: optionalString(body, 'initial_device_display_name') ?? null,
        refreshable: optionalBoolean(body, 'refresh_token') ?? false,
      });
      return { body: loginResponse(userId, session, config.server_name) };
    },
  });
}

/** The user a login names: `identifier` (m.id.user), or the deprecated top-level `user`. */
function loginUserId(body: JsonObject, serverName: string): string {
  if (body.identifier !== undefined) {
    if (!isObject(body.identifier)) throw new MatrixError(400, 'M_BAD_JSON', 'identifier must be an object');
    return resolveUserIdentifier(body.identifier, serverName);
  }
  const user = optionalString(body, 'user');
  if (user !== undefined) return resolveUserIdentifier({ type: 'm.id.user', user }, serverName);
  if (body.medium !== undefined || body.address !== undefined) {
    throw new MatrixError(403, 'M_FORBIDDEN', 'Third-party identifiers are not supported on this server');
  }
  throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: identifier');
}
