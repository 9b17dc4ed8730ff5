// Profiles (client-server-api "Profiles"; profile.yaml). Only displayname and
// avatar_url are stored. Changes fire AccountHooks.onProfileChanged (rooms send
// new m.room.member events).
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { splitUserId } from '../../users/userIds.js';
import type { Profile } from '../../users/AccountService.js';
import type { AccountsApiDeps } from './AccountsApiDeps.js';

const FIELDS = ['displayname', 'avatar_url'] as const;
type Field = (typeof FIELDS)[number];

export function registerProfileRoutes(router: Router, deps: AccountsApiDeps): void {
  const { accounts, config } = deps;

  const lookup = async (userId: string): Promise<Profile> => {
    const parts = splitUserId(userId);
    if (!parts) throw new MatrixError(400, 'M_INVALID_PARAM', 'Invalid user ID');
    if (parts.serverName !== config.server_name) {
      if (deps.remoteProfile) return deps.remoteProfile(userId);
      throw new MatrixError(404, 'M_NOT_FOUND', 'Profile not found');
    }
    return accounts.getProfile(userId);
  };

  router.route({
    method: 'GET',
    path: '/profile/:userId',
    auth: 'optional',
    handler: async (req) => {
      const p = await lookup(req.params.userId!);
      return { body: wireProfile(p) };
    },
  });

  router.route({
    method: 'GET',
    path: '/profile/:userId/:keyName',
    auth: 'optional',
    handler: async (req) => {
      const key = req.params.keyName!;
      const p = await lookup(req.params.userId!);
      const value = isField(key) ? p[key] : null;
      if (value === null) throw new MatrixError(404, 'M_NOT_FOUND', `No ${key} set`);
      return { body: { [key]: value } };
    },
  });

  const write = async (userId: string, requester: string, key: string, value: string | null) => {
    if (!isField(key)) throw new MatrixError(403, 'M_FORBIDDEN', 'Only displayname and avatar_url can be set on this server');
    if (userId !== requester) throw new MatrixError(403, 'M_FORBIDDEN', "Cannot change another user's profile");
    await accounts.setProfileField(userId, key, value);
  };

  router.route({
    method: 'PUT',
    path: '/profile/:userId/:keyName',
    auth: 'user',
    handler: async (req) => {
      const key = req.params.keyName!;
      if (!(key in req.body)) throw new MatrixError(400, 'M_MISSING_PARAM', `Missing parameter: ${key}`);
      const value = req.body[key];
      if (value !== null && typeof value !== 'string') throw new MatrixError(400, 'M_BAD_JSON', `${key} must be a string`);
      // NUL cannot be stored in a PostgreSQL text column (and has no place in a name or URL).
      if (value?.includes('\u0000')) throw new MatrixError(400, 'M_INVALID_PARAM', `${key} must not contain NUL`);
      await write(req.params.userId!, req.user.userId, key, value);
      return { body: {} };
    },
  });

  router.route({
    method: 'DELETE',
    path: '/profile/:userId/:keyName',
    auth: 'user',
    handler: async (req) => {
      await write(req.params.userId!, req.user.userId, req.params.keyName!, null);
      return { body: {} };
    },
  });
}

function isField(key: string): key is Field {
  return (FIELDS as readonly string[]).includes(key);
}

function wireProfile(p: Profile): Record<string, string> {
  const out: Record<string, string> = {};
  if (p.displayname !== null) out.displayname = p.displayname;
  if (p.avatar_url !== null) out.avatar_url = p.avatar_url;
  return out;
}
