// Account data, room tags and presence (modules account_data.md, tags.md,
// presence.md; account-data.yaml, tags.yaml, presence.yaml).
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { isPresenceState } from '../../sync/PresenceService.js';
import type { SyncApiDeps } from './SyncApiDeps.js';

function requireSelf(requester: string, userId: string | undefined, what: string): void {
  if (requester !== userId) throw new MatrixError(403, 'M_FORBIDDEN', `Cannot ${what} for other users.`);
}

function requireRoomId(roomId: string): void {
  if (!roomId.startsWith('!') || !roomId.includes(':')) throw new MatrixError(400, 'M_INVALID_PARAM', 'Invalid room ID');
}

export function registerUserDataRoutes(router: Router, deps: SyncApiDeps): void {
  const { accountData, presence } = deps;

  router.route({
    method: 'PUT',
    path: '/user/:userId/account_data/:type',
    auth: 'user',
    handler: async (req) => {
      requireSelf(req.user.userId, req.params.userId, 'add account data');
      await accountData.putFromClient(req.user.userId, '', req.params.type!, req.body);
      return { body: {} };
    },
  });
  router.route({
    method: 'GET',
    path: '/user/:userId/account_data/:type',
    auth: 'user',
    handler: async (req) => {
      requireSelf(req.user.userId, req.params.userId, 'get account data');
      return { body: await accountData.get(req.user.userId, '', req.params.type!) };
    },
  });
  router.route({
    method: 'PUT',
    path: '/user/:userId/rooms/:roomId/account_data/:type',
    auth: 'user',
    handler: async (req) => {
      requireSelf(req.user.userId, req.params.userId, 'add account data');
      requireRoomId(req.params.roomId!);
      await accountData.putFromClient(req.user.userId, req.params.roomId!, req.params.type!, req.body);
      return { body: {} };
    },
  });
  router.route({
    method: 'GET',
    path: '/user/:userId/rooms/:roomId/account_data/:type',
    auth: 'user',
    handler: async (req) => {
      requireSelf(req.user.userId, req.params.userId, 'get account data');
      requireRoomId(req.params.roomId!);
      return { body: await accountData.get(req.user.userId, req.params.roomId!, req.params.type!) };
    },
  });

  router.route({
    method: 'GET',
    path: '/user/:userId/rooms/:roomId/tags',
    auth: 'user',
    handler: async (req) => {
      requireSelf(req.user.userId, req.params.userId, 'get tags');
      return { body: { tags: await accountData.getTags(req.user.userId, req.params.roomId!) } };
    },
  });
  router.route({
    method: 'PUT',
    path: '/user/:userId/rooms/:roomId/tags/:tag',
    auth: 'user',
    handler: async (req) => {
      requireSelf(req.user.userId, req.params.userId, 'add tags');
      requireRoomId(req.params.roomId!);
      await accountData.setTag(req.user.userId, req.params.roomId!, req.params.tag!, req.body);
      return { body: {} };
    },
  });
  router.route({
    method: 'DELETE',
    path: '/user/:userId/rooms/:roomId/tags/:tag',
    auth: 'user',
    handler: async (req) => {
      requireSelf(req.user.userId, req.params.userId, 'remove tags');
      await accountData.deleteTag(req.user.userId, req.params.roomId!, req.params.tag!);
      return { body: {} };
    },
  });

  // Push rules: GET /pushrules/… are in client-api/push/registerPushApi.ts.

  router.route({
    method: 'PUT',
    path: '/presence/:userId/status',
    auth: 'user',
    handler: async (req) => {
      requireSelf(req.user.userId, req.params.userId, 'set presence');
      const state = req.body.presence;
      if (!isPresenceState(state)) throw new MatrixError(400, 'M_BAD_JSON', 'presence must be online, offline or unavailable');
      const msg = req.body.status_msg;
      if (msg !== undefined && msg !== null && typeof msg !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'status_msg must be a string');
      // NUL cannot be stored in a PostgreSQL text column.
      if (typeof msg === 'string' && msg.includes('\u0000')) throw new MatrixError(400, 'M_INVALID_PARAM', 'status_msg must not contain NUL');
      await presence.set(req.user.userId, state, msg ?? undefined);
      return { body: {} };
    },
  });
  router.route({
    method: 'GET',
    path: '/presence/:userId/status',
    auth: 'user',
    handler: async (req) => ({ body: await presence.get(req.params.userId!) }),
  });
}
