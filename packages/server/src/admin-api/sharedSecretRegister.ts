// Synapse's shared-secret registration, /_synapse/admin/v1/register, compatible
// with Synapse's register_new_matrix_user tool (NOTSPEC: a Synapse admin API).
//   GET  → {nonce}            (single use, valid 60 s)
//   POST {nonce, username, password, admin, user_type?, displayname?, mac}
//        mac = hex HMAC-SHA1(registration_shared_secret,
//                nonce \0 username \0 password \0 "admin"|"notadmin" [\0 user_type])
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { MatrixError } from '@weft/core';
import type { Router } from '../http/Router.js';
import { optionalBoolean, optionalString, requireString } from '../http/validate.js';
import type { SessionService } from '../auth/SessionService.js';
import type { AccountService } from '../users/AccountService.js';
import { loginResponse } from '../client-api/accounts/loginResponse.js';

const NONCE_LIFETIME_MS = 60_000;
const MAX_NONCES = 10_000;

export function registerSharedSecretRoutes(
  router: Router,
  deps: { serverName: string; sharedSecret: string | null; accounts: AccountService; sessions: SessionService; now?: () => number },
): void {
  const now = deps.now ?? Date.now;
  const nonces = new Map<string, number>(); // nonce → expiry ms
  const disabled = () => new MatrixError(400, 'M_UNKNOWN', 'Shared secret registration is not enabled');

  router.route({
    method: 'GET',
    path: '/_synapse/admin/v1/register',
    prefixes: [''],
    auth: 'none',
    rateLimit: 'registration',
    handler: () => {
      if (!deps.sharedSecret) throw disabled();
      const t = now();
      for (const [n, exp] of nonces) if (exp <= t || nonces.size >= MAX_NONCES) nonces.delete(n);
      const nonce = randomBytes(16).toString('hex');
      nonces.set(nonce, t + NONCE_LIFETIME_MS);
      return { body: { nonce } };
    },
  });

  router.route({
    method: 'POST',
    path: '/_synapse/admin/v1/register',
    prefixes: [''],
    auth: 'none',
    rateLimit: 'registration',
    handler: async (req) => {
      if (!deps.sharedSecret) throw disabled();
      const body = req.body;
      const nonce = requireString(body, 'nonce');
      const expiry = nonces.get(nonce);
      nonces.delete(nonce); // single use, even when the MAC turns out wrong
      if (expiry === undefined || expiry <= now()) throw new MatrixError(400, 'M_UNKNOWN', 'unrecognised nonce');
      const username = requireString(body, 'username');
      const password = requireString(body, 'password');
      if (username.includes('\0') || password.includes('\0') || username.length > 512 || password.length > 512) {
        throw new MatrixError(400, 'M_INVALID_PARAM', 'Invalid username or password');
      }
      const admin = optionalBoolean(body, 'admin') ?? false;
      const userType = optionalString(body, 'user_type');
      const displayname = optionalString(body, 'displayname');
      const mac = requireString(body, 'mac');

      const hmac = createHmac('sha1', deps.sharedSecret);
      hmac.update(nonce).update('\0').update(username).update('\0').update(password).update('\0').update(admin ? 'admin' : 'notadmin');
      if (userType !== undefined) hmac.update('\0').update(userType);
      const want = Buffer.from(hmac.digest('hex'), 'utf8');
      const got = Buffer.from(mac, 'utf8');
      if (want.length !== got.length || !timingSafeEqual(want, got)) throw new MatrixError(403, 'M_FORBIDDEN', 'HMAC incorrect');

      const userId = await deps.accounts.register({ localpart: username.toLowerCase(), password, admin, userType: userType ?? null, displayname: displayname ?? null });
      const session = await deps.sessions.createSession(userId, {});
      return { body: loginResponse(userId, session, deps.serverName) };
    },
  });
}
