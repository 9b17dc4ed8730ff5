// Registration (client-server-api "Account registration and management";
// data/api/client-server/registration.yaml, registration_tokens.yaml).
import { MatrixError } from '@weft/core';
import { CLIENT_V1, type Router } from '../../http/Router.js';
import { optionalBoolean, optionalString, type JsonObject } from '../../http/validate.js';
import type { StageHandler } from '../../auth/uia.js';
import type { RegistrationTokenStore } from '../../storage/ports/accounts.js';
import type { AccountsApiDeps } from './AccountsApiDeps.js';
import { loginResponse } from './loginResponse.js';

const MAX_PASSWORD_LENGTH = 512;

export function registerRegisterRoutes(router: Router, deps: AccountsApiDeps): void {
  const { config, accounts, sessions, uia, registrationTokens } = deps;

  router.route({
    method: 'POST',
    path: '/register',
    auth: 'none',
    rateLimit: 'registration',
    handler: async (req) => {
      const kind = req.query.kind ?? 'user';
      if (kind === 'guest') {
        // Guest access is not implemented; the spec's answer for a server without it.
        throw new MatrixError(403, 'M_GUEST_ACCESS_FORBIDDEN', 'Guest access is disabled');
      }
      if (kind !== 'user') throw new MatrixError(400, 'M_INVALID_PARAM', 'kind must be "user" or "guest"');
      if (!config.enable_registration) throw new MatrixError(403, 'M_FORBIDDEN', 'Registration has been disabled');

      // Validate what we can before any auth round trip, as Synapse does, so the
      // client learns about a taken or invalid username up front.
      const body = req.body;
      const username = optionalString(body, 'username');
      const password = optionalString(body, 'password');
      if (username !== undefined) await accounts.checkAvailable(username.toLowerCase());
      if (password !== undefined && password.length > MAX_PASSWORD_LENGTH) throw new MatrixError(400, 'M_INVALID_PARAM', 'Password too long');

      const { auth: _auth, ...params } = body;
      const done = await uia.check(body, {
        operation: 'register',
        flows: config.registration_requires_token ? [['m.login.registration_token']] : [['m.login.dummy']],
        request: params,
      });
      // Fields of this request win over those remembered from the first one.
      const merged: JsonObject = { ...done.request, ...params };
      const token = done.data.registrationToken as string | undefined;
      let userId: string;
      try {
        const finalPassword = optionalString(merged, 'password');
        if (!finalPassword) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: password');
        const localpart = optionalString(merged, 'username');
        userId = await accounts.register({ localpart: localpart?.toLowerCase(), password: finalPassword });
      } catch (err) {
        if (token !== undefined) await registrationTokens.release(token);
        throw err;
      }
      if (token !== undefined) await registrationTokens.complete(token);

      if (optionalBoolean(merged, 'inhibit_login')) return { body: { user_id: userId, home_server: config.server_name } };
      const session = await sessions.createSession(userId, {
        deviceId: optionalString(merged, 'device_id'),
        displayName: optionalString(merged, 'initial_device_display_name') ?? null,
        refreshable: optionalBoolean(merged, 'refresh_token') ?? false,
      });
      return { body: loginResponse(userId, session, config.server_name) };
    },
  });

  router.route({
    method: 'GET',
    path: '/register/available',
    auth: 'none',
    rateLimit: 'registration',
    handler: async (req) => {
      const username = req.query.username;
      if (!username) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: username');
      await accounts.checkAvailable(username.toLowerCase());
      return { body: { available: true } };
    },
  });

  router.route({
    method: 'GET',
    path: '/register/m.login.registration_token/validity',
    prefixes: [CLIENT_V1],
    auth: 'none',
    rateLimit: 'registration',
    handler: async (req) => {
      const token = req.query.token;
      if (token === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: token');
      const t = await registrationTokens.get(token);
      const valid =
        t !== undefined &&
        (t.expiryTime === null || t.expiryTime > Date.now()) &&
        (t.usesAllowed === null || t.pending + t.completed < t.usesAllowed);
      return { body: { valid } };
    },
  });
}

/**
 * The m.login.registration_token stage: reserves one use of the token
 * (pending+1) for this UIA session; registration completes it, an abandoned
 * session releases it (see main.ts wiring of uia.onSessionExpired).
 */
export function registrationTokenStage(store: RegistrationTokenStore, now: () => number = Date.now): StageHandler {
  return async (auth, ctx) => {
    const token = auth.token;
    if (typeof token !== 'string' || token === '') throw new MatrixError(401, 'M_MISSING_PARAM', 'Missing registration token');
    if (!(await store.reserve(token, now()))) throw new MatrixError(401, 'M_FORBIDDEN', 'Invalid registration token');
    ctx.session.data.registrationToken = token;
  };
}
