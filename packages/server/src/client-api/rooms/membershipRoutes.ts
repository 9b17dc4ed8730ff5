// Membership endpoints. Spec: joining.yaml, inviting.yaml, leaving.yaml,
// kicking.yaml, banning.yaml, list_joined_rooms.yaml.
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { optionalString, requireString } from '../../http/validate.js';
import type { RoomsApiDeps } from './RoomsApiDeps.js';

export function registerMembershipRoutes(router: Router, deps: RoomsApiDeps): void {
  const { membership, rooms } = deps;

  router.route({
    method: 'POST',
    path: '/join/:roomIdOrAlias',
    auth: 'user',
    handler: async (req) => {
      const roomId = await membership.join(req.user.userId, idParam(req.params.roomIdOrAlias!, 'room ID or alias'), optionalString(req.body, 'reason'));
      return { body: { room_id: roomId } };
    },
  });

  router.route({
    method: 'POST',
    path: '/rooms/:roomId/join',
    auth: 'user',
    handler: async (req) => {
      const roomId = await membership.join(req.user.userId, roomIdParam(req.params.roomId!), optionalString(req.body, 'reason'));
      return { body: { room_id: roomId } };
    },
  });

  router.route({
    method: 'POST',
    path: '/rooms/:roomId/invite',
    auth: 'user',
    handler: async (req) => {
      const target = requireString(req.body, 'user_id');
      await membership.invite(req.user.userId, roomIdParam(req.params.roomId!), target, optionalString(req.body, 'reason'));
      return { body: {} };
    },
  });

  router.route({
    method: 'POST',
    path: '/rooms/:roomId/leave',
    auth: 'user',
    handler: async (req) => {
      await membership.leave(req.user.userId, roomIdParam(req.params.roomId!), optionalString(req.body, 'reason'));
      return { body: {} };
    },
  });

  router.route({
    method: 'POST',
    path: '/rooms/:roomId/forget',
    auth: 'user',
    handler: async (req) => {
      await membership.forget(req.user.userId, roomIdParam(req.params.roomId!));
      return { body: {} };
    },
  });

  for (const action of ['kick', 'ban', 'unban'] as const) {
    router.route({
      method: 'POST',
      path: `/rooms/:roomId/${action}`,
      auth: 'user',
      handler: async (req) => {
        const target = requireString(req.body, 'user_id');
        const reason = optionalString(req.body, 'reason');
        await membership[action](req.user.userId, roomIdParam(req.params.roomId!), target, reason);
        return { body: {} };
      },
    });
  }

  router.route({
    method: 'GET',
    path: '/joined_rooms',
    auth: 'user',
    handler: async (req) => ({ body: { joined_rooms: await rooms.joinedRooms(req.user.userId) } }),
  });
}

export function roomIdParam(roomId: string): string {
  if (!roomId.startsWith('!') || roomId.length > 255 || roomId.includes('\u0000')) throw new MatrixError(400, 'M_INVALID_PARAM', 'Invalid room ID');
  return roomId;
}

/** Identifiers from the path or body are compared with stored text: NUL can never match (and PostgreSQL refuses it). */
export function idParam(value: string, what: string): string {
  if (value.includes('\u0000') || value.length > 1000) throw new MatrixError(400, 'M_INVALID_PARAM', `Invalid ${what}`);
  return value;
}
