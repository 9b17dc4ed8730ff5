// Room aliases and the published room directory. Spec: directory.yaml,
// list_public_rooms.yaml.
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { isObject, optionalString, queryInt } from '../../http/validate.js';
import { idParam, roomIdParam } from './membershipRoutes.js';
import type { RoomsApiDeps } from './RoomsApiDeps.js';

export function registerDirectoryRoutes(router: Router, deps: RoomsApiDeps, serverName: string): void {
  const { directory } = deps;

  router.route({
    method: 'PUT',
    path: '/directory/room/:roomAlias',
    auth: 'user',
    handler: async (req) => {
      const roomId = req.body['room_id'];
      await directory.setAlias(req.user.userId, req.params.roomAlias!, typeof roomId === 'string' ? idParam(roomId, 'room ID') : roomId);
      return { body: {} };
    },
  });
  router.route({
    method: 'GET',
    path: '/directory/room/:roomAlias',
    auth: 'optional',
    handler: async (req) => ({ body: await directory.getAlias(req.params.roomAlias!) }),
  });
  router.route({
    method: 'DELETE',
    path: '/directory/room/:roomAlias',
    auth: 'user',
    handler: async (req) => {
      await directory.deleteAlias(req.user.userId, req.params.roomAlias!);
      return { body: {} };
    },
  });
  router.route({
    method: 'GET',
    path: '/rooms/:roomId/aliases',
    auth: 'user',
    handler: async (req) => ({ body: { aliases: await directory.roomAliases(req.user.userId, roomIdParam(req.params.roomId!)) } }),
  });

  router.route({
    method: 'GET',
    path: '/directory/list/room/:roomId',
    auth: 'none',
    handler: async (req) => ({ body: { visibility: await directory.visibility(roomIdParam(req.params.roomId!)) } }),
  });
  router.route({
    method: 'PUT',
    path: '/directory/list/room/:roomId',
    auth: 'user',
    handler: async (req) => {
      await directory.setVisibility(req.user.userId, roomIdParam(req.params.roomId!), req.body['visibility'] ?? 'public');
      return { body: {} };
    },
  });

  const checkServer = (server: string | undefined) => {
    // NOTSPEC (no federation yet): only this server's directory can be listed.
    if (server !== undefined && server !== serverName) throw new MatrixError(404, 'M_NOT_FOUND', `Cannot list the directory of ${server}`);
  };
  router.route({
    method: 'GET',
    path: '/publicRooms',
    auth: 'optional',
    handler: async (req) => {
      checkServer(req.query.server);
      const limit = queryInt(req.query, 'limit');
      return { body: await directory.publicRooms({ ...(limit !== undefined ? { limit } : {}), ...(req.query.since ? { since: req.query.since } : {}) }) };
    },
  });
  router.route({
    method: 'POST',
    path: '/publicRooms',
    auth: 'user',
    handler: async (req) => {
      checkServer(req.query.server);
      const b = req.body;
      const limit = b['limit'];
      if (limit !== undefined && limit !== null && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0)) {
        throw new MatrixError(400, 'M_BAD_JSON', 'limit must be a non-negative integer');
      }
      const since = optionalString(b, 'since');
      const filter = b['filter'];
      if (filter !== undefined && filter !== null && !isObject(filter)) throw new MatrixError(400, 'M_BAD_JSON', 'filter must be an object');
      const term = isObject(filter) ? optionalString(filter, 'generic_search_term') : undefined;
      const roomTypes = isObject(filter) ? filter['room_types'] : undefined;
      if (roomTypes !== undefined && roomTypes !== null && (!Array.isArray(roomTypes) || !roomTypes.every((t) => t === null || typeof t === 'string'))) {
        throw new MatrixError(400, 'M_BAD_JSON', 'filter.room_types must be a list of strings or null');
      }
      return {
        body: await directory.publicRooms({
          ...(typeof limit === 'number' ? { limit } : {}),
          ...(since ? { since } : {}),
          ...(term ? { searchTerm: term } : {}),
          ...(Array.isArray(roomTypes) ? { roomTypes: roomTypes as (string | null)[] } : {}),
        }),
      };
    },
  });
}
