// POST /createRoom. Spec: data/api/client-server/create_room.yaml.
import type { Router } from '../../http/Router.js';
import type { RoomsApiDeps } from './RoomsApiDeps.js';

export function registerCreateRoomRoutes(router: Router, deps: RoomsApiDeps): void {
  router.route({
    method: 'POST',
    path: '/createRoom',
    auth: 'user',
    handler: async (req) => ({ body: await deps.rooms.createRoom(req.user.userId, req.body) }),
  });
}
