// Event read endpoints, each under v3 and r0. Spec: rooms.yaml (event, state,
// members, joined_members), room_state.yaml (GET), event_context.yaml,
// message_pagination.yaml. History visibility applies on every one of them
// (visibility/HistoryVisibilityService.ts).
import { MatrixError } from '@weft/core';
import { CLIENT_V1, type Router } from '../../http/Router.js';
import { roomIdParam } from '../rooms/membershipRoutes.js';
import type { RoomEventsReader } from './RoomEventsReader.js';
import { filterParam, intParam, membershipParam, tokenParam } from './queryParams.js';

export interface EventsApiDeps {
  reader: RoomEventsReader;
}

/** Default and cap of /messages' limit (the spec asks for a server maximum). */
export const MESSAGES_DEFAULT_LIMIT = 10;
export const MESSAGES_MAX_LIMIT = 1000;
/** /context: "Defaults to 10"; capped like Synapse's 100. */
export const CONTEXT_MAX_LIMIT = 100;

export function registerEventsApi(router: Router, deps: EventsApiDeps): void {
  const { reader } = deps;
  const viewer = (u: { userId: string; deviceId: string }) => ({ userId: u.userId, deviceId: u.deviceId });

  router.route({
    method: 'GET',
    path: '/rooms/:roomId/event/:eventId',
    auth: 'user',
    handler: async (req) => ({ body: await reader.getEvent(viewer(req.user), roomIdParam(req.params.roomId!), req.params.eventId!) }),
  });

  router.route({
    method: 'GET',
    path: '/rooms/:roomId/state',
    auth: 'user',
    handler: async (req) => ({ body: await reader.state(viewer(req.user), roomIdParam(req.params.roomId!)) }),
  });

  const getState = async (user: { userId: string; deviceId: string }, roomId: string, type: string, stateKey: string, format: string | undefined) => {
    if (format !== undefined && format !== 'content' && format !== 'event') {
      throw new MatrixError(400, 'M_INVALID_PARAM', "format must be 'content' or 'event'");
    }
    const ev = await reader.stateEvent(viewer(user), roomIdParam(roomId), type, stateKey);
    return { body: format === 'event' ? ev : ev.content };
  };
  router.route({
    method: 'GET',
    path: '/rooms/:roomId/state/:eventType/:stateKey',
    auth: 'user',
    handler: (req) => getState(req.user, req.params.roomId!, req.params.eventType!, req.params.stateKey!, req.query.format),
  });
  // An empty state_key: "the trailing slash on this endpoint is optional".
  router.route({
    method: 'GET',
    path: '/rooms/:roomId/state/:eventType',
    auth: 'user',
    handler: (req) => getState(req.user, req.params.roomId!, req.params.eventType!, '', req.query.format),
  });

  router.route({
    method: 'GET',
    path: '/rooms/:roomId/members',
    auth: 'user',
    handler: async (req) => {
      const at = tokenParam(req.query, 'at');
      const membership = membershipParam(req.query, 'membership');
      const notMembership = membershipParam(req.query, 'not_membership');
      const chunk = await reader.members(viewer(req.user), roomIdParam(req.params.roomId!), {
        ...(at !== undefined ? { at } : {}),
        ...(membership !== undefined ? { membership } : {}),
        ...(notMembership !== undefined ? { notMembership } : {}),
      });
      return { body: { chunk } };
    },
  });

  router.route({
    method: 'GET',
    path: '/rooms/:roomId/joined_members',
    auth: 'user',
    handler: async (req) => ({ body: { joined: await reader.joinedMembers(viewer(req.user), roomIdParam(req.params.roomId!)) } }),
  });

  router.route({
    method: 'GET',
    path: '/rooms/:roomId/context/:eventId',
    auth: 'user',
    handler: async (req) => {
      const limit = Math.min(intParam(req.query, 'limit') ?? 10, CONTEXT_MAX_LIMIT);
      const filter = filterParam(req.query);
      return { body: await reader.context(viewer(req.user), roomIdParam(req.params.roomId!), req.params.eventId!, limit, filter) };
    },
  });

  router.route({
    method: 'GET',
    path: '/rooms/:roomId/timestamp_to_event',
    prefixes: [CLIENT_V1],
    auth: 'user',
    handler: async (req) => {
      const roomId = roomIdParam(req.params.roomId!);
      const ts = intParam(req.query, 'ts');
      if (ts === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'ts is required');
      const dir = req.query.dir;
      if (dir !== 'b' && dir !== 'f') throw new MatrixError(400, 'M_INVALID_PARAM', "dir must be 'b' or 'f'");
      return { body: await reader.eventByTimestamp(viewer(req.user), roomId, ts, dir) };
    },
  });

  router.route({
    method: 'GET',
    path: '/rooms/:roomId/messages',
    auth: 'user',
    handler: async (req) => {
      const roomId = roomIdParam(req.params.roomId!);
      // NOTSPEC: `dir` is required; without it Synapse pages forwards, so do we.
      const dirRaw = req.query.dir ?? 'f';
      if (dirRaw !== 'b' && dirRaw !== 'f') throw new MatrixError(400, 'M_INVALID_PARAM', "dir must be 'b' or 'f'");
      const fromToken = req.query.from === '' ? undefined : req.query.from;
      const from = fromToken !== undefined ? { token: fromToken, pos: tokenParam(req.query, 'from')! } : undefined;
      const to = tokenParam(req.query, 'to');
      const filter = filterParam(req.query);
      const limit = Math.min(intParam(req.query, 'limit') ?? filter?.limit ?? MESSAGES_DEFAULT_LIMIT, MESSAGES_MAX_LIMIT);
      return {
        body: await reader.messages(viewer(req.user), roomId, {
          dir: dirRaw, limit,
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(filter !== undefined ? { filter } : {}),
        }),
      };
    },
  });
}
