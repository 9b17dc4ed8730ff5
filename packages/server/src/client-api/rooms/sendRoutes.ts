// Sending events. Spec: room_send.yaml, room_state.yaml (PUT), redaction.yaml;
// and the seeds' original API, kept verbatim: POST
// /_matrix/client/api/v1/rooms/{roomId}/send/{eventType}?access_token=… with
// any JSON content returns {"event_id"} (also accepted under r0/v3).
import { CLIENT_API_V1, CLIENT_PREFIXES, type Router } from '../../http/Router.js';
import { optionalString } from '../../http/validate.js';
import type { JsonObject } from '@weft/core';
import { idParam, roomIdParam } from './membershipRoutes.js';
import type { RoomsApiDeps } from './RoomsApiDeps.js';

export function registerSendRoutes(router: Router, deps: RoomsApiDeps): void {
  const { rooms } = deps;

  router.route({
    method: 'PUT',
    path: '/rooms/:roomId/send/:eventType/:txnId',
    auth: 'user',
    rateLimit: 'message',
    handler: async (req) => {
      const r = await rooms.sendMessage(
        req.user.userId, req.user.deviceId, roomIdParam(req.params.roomId!), req.params.eventType!, req.body as JsonObject, req.params.txnId!,
      );
      return { body: { event_id: r.eventId } };
    },
  });

  // NOTSPEC (pre-r0, still served by Synapse): POST without a transaction ID.
  router.route({
    method: 'POST',
    path: '/rooms/:roomId/send/:eventType',
    prefixes: [CLIENT_API_V1, ...CLIENT_PREFIXES],
    auth: 'user',
    rateLimit: 'message',
    handler: async (req) => {
      const r = await rooms.sendMessage(req.user.userId, req.user.deviceId, roomIdParam(req.params.roomId!), req.params.eventType!, req.body as JsonObject);
      return { body: { event_id: r.eventId } };
    },
  });

  const putState = async (user: { userId: string }, roomId: string, type: string, stateKey: string, body: JsonObject) => {
    const r = await rooms.sendState(user.userId, roomIdParam(roomId), type, stateKey, body);
    return { body: { event_id: r.eventId } };
  };
  router.route({
    method: 'PUT',
    path: '/rooms/:roomId/state/:eventType/:stateKey',
    auth: 'user',
    rateLimit: 'message',
    handler: (req) => putState(req.user, req.params.roomId!, req.params.eventType!, req.params.stateKey!, req.body as JsonObject),
  });
  // An empty state_key: the path without it (with or without the trailing slash).
  router.route({
    method: 'PUT',
    path: '/rooms/:roomId/state/:eventType',
    auth: 'user',
    rateLimit: 'message',
    handler: (req) => putState(req.user, req.params.roomId!, req.params.eventType!, '', req.body as JsonObject),
  });

  router.route({
    method: 'PUT',
    path: '/rooms/:roomId/redact/:eventId/:txnId',
    auth: 'user',
    rateLimit: 'message',
    handler: async (req) => {
      const r = await rooms.redact(
        req.user.userId, req.user.deviceId, roomIdParam(req.params.roomId!), idParam(req.params.eventId!, 'event ID'), req.params.txnId!, optionalString(req.body, 'reason'),
      );
      return { body: { event_id: r.eventId } };
    },
  });
}
