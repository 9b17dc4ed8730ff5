// POST /createRoom (create_room.yaml) and POST /rooms/{roomId}/upgrade (room_upgrades.yaml).
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { requireString, optionalStringArray } from '../../http/validate.js';
import type { RoomsApiDeps } from './RoomsApiDeps.js';

export function registerCreateRoomRoutes(router: Router, deps: RoomsApiDeps): void {
  router.route({
    method: 'POST',
    path: '/createRoom',
    auth: 'user',
    handler: async (req) => ({ body: await deps.rooms.createRoom(req.user.userId, req.body) }),
  });

  router.route({
    method: 'POST',
    path: '/rooms/:roomId/upgrade',
    auth: 'user',
    handler: async (req) => {
      const newVersion = requireString(req.body, 'new_version');
      const additionalCreators = optionalStringArray(req.body, 'additional_creators');
      for (const u of additionalCreators ?? []) {
        if (!/^@[^:\s\u0000]+:[^\s\u0000]+$/.test(u)) throw new MatrixError(400, 'M_INVALID_PARAM', `Invalid user ID ${JSON.stringify(u)} in additional_creators`);
      }
      return { body: await deps.upgrader.upgrade(req.user.userId, req.params.roomId!, newVersion, additionalCreators) };
    },
  });
}
