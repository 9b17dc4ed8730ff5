// Synapse's registration token admin API (NOTSPEC: Synapse admin API), so an
// admin can create the tokens that registration_requires_token asks for:
//   GET    /_synapse/admin/v1/registration_tokens[?valid=true|false]
//   POST   /_synapse/admin/v1/registration_tokens/new {token?, uses_allowed?, expiry_time?, length?}
//   GET|PUT|DELETE /_synapse/admin/v1/registration_tokens/{token}
import { randomBytes } from 'node:crypto';
import { MatrixError } from '@weft/core';
import type { Router } from '../http/Router.js';
import type { RegistrationTokenRecord, RegistrationTokenStore } from '../storage/ports/accounts.js';
import type { AccountService } from '../users/AccountService.js';
import { requireAdmin } from './requireAdmin.js';

const PREFIX = ['/_synapse/admin/v1'];
const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-';

export function registerRegistrationTokenAdminRoutes(router: Router, deps: { store: RegistrationTokenStore; accounts: AccountService }): void {
  const { store } = deps;

  router.route({
    method: 'GET',
    path: '/registration_tokens',
    prefixes: PREFIX,
    auth: 'user',
    handler: async (req) => {
      await requireAdmin(deps.accounts, req.user);
      let tokens = await store.list();
      if (req.query.valid !== undefined) {
        const want = req.query.valid === 'true';
        tokens = tokens.filter((t) => isValid(t) === want);
      }
      return { body: { registration_tokens: tokens.map(toWire) } };
    },
  });

  router.route({
    method: 'POST',
    path: '/registration_tokens/new',
    prefixes: PREFIX,
    auth: 'user',
    handler: async (req) => {
      await requireAdmin(deps.accounts, req.user);
      const b = req.body;
      const usesAllowed = optInt(b.uses_allowed, 'uses_allowed');
      const expiryTime = optInt(b.expiry_time, 'expiry_time');
      if (expiryTime !== null && expiryTime < Date.now()) throw new MatrixError(400, 'M_INVALID_PARAM', 'expiry_time must not be in the past');
      let token: string;
      if (b.token !== undefined) {
        if (typeof b.token !== 'string' || !/^[A-Za-z0-9._~-]{1,64}$/.test(b.token)) throw new MatrixError(400, 'M_INVALID_PARAM', 'token must be 1-64 of [A-Za-z0-9._~-]');
        token = b.token;
        if (!(await store.create({ token, usesAllowed, expiryTime }))) throw new MatrixError(400, 'M_INVALID_PARAM', 'Token already exists');
      } else {
        const length = optInt(b.length, 'length') ?? 16;
        if (length < 1 || length > 64) throw new MatrixError(400, 'M_INVALID_PARAM', 'length must be 1-64');
        do token = Array.from(randomBytes(length), (x) => TOKEN_CHARS[x % TOKEN_CHARS.length]).join('');
        while (!(await store.create({ token, usesAllowed, expiryTime })));
      }
      return { body: toWire((await store.get(token))!) };
    },
  });

  router.route({
    method: 'GET',
    path: '/registration_tokens/:token',
    prefixes: PREFIX,
    auth: 'user',
    handler: async (req) => {
      await requireAdmin(deps.accounts, req.user);
      const t = await store.get(req.params.token!);
      if (!t) throw new MatrixError(404, 'M_NOT_FOUND', 'No such registration token');
      return { body: toWire(t) };
    },
  });

  router.route({
    method: 'DELETE',
    path: '/registration_tokens/:token',
    prefixes: PREFIX,
    auth: 'user',
    handler: async (req) => {
      await requireAdmin(deps.accounts, req.user);
      if (!(await store.delete(req.params.token!))) throw new MatrixError(404, 'M_NOT_FOUND', 'No such registration token');
      return { body: {} };
    },
  });
}

function optInt(v: unknown, name: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new MatrixError(400, 'M_INVALID_PARAM', `${name} must be a non-negative integer`);
  return v;
}

function isValid(t: RegistrationTokenRecord): boolean {
  return (t.expiryTime === null || t.expiryTime > Date.now()) && (t.usesAllowed === null || t.pending + t.completed < t.usesAllowed);
}

function toWire(t: RegistrationTokenRecord): Record<string, unknown> {
  return { token: t.token, uses_allowed: t.usesAllowed, pending: t.pending, completed: t.completed, expiry_time: t.expiryTime };
}
