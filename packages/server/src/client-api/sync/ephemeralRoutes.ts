// Typing, receipts and read markers (modules typing_notifications.md,
// receipts.md, read_markers.md).
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import type { SyncApiDeps } from './SyncApiDeps.js';

export function registerEphemeralRoutes(router: Router, deps: SyncApiDeps): void {
  router.route({
    method: 'PUT',
    path: '/rooms/:roomId/typing/:userId',
    auth: 'user',
    handler: async (req) => {
      const { roomId, userId } = req.params as { roomId: string; userId: string };
      if (userId !== req.user.userId) throw new MatrixError(403, 'M_FORBIDDEN', 'Cannot set typing for other users');
      const typing = req.body.typing;
      if (typeof typing !== 'boolean') throw new MatrixError(400, 'M_BAD_JSON', 'typing must be a boolean');
      const timeout = req.body.timeout;
      if (timeout !== undefined && (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0)) {
        throw new MatrixError(400, 'M_BAD_JSON', 'timeout must be a non-negative integer');
      }
      const roomNid = await deps.reads.roomNid(roomId);
      const member = roomNid === undefined ? undefined : await deps.reads.membershipAt(roomNid, userId, Number.MAX_SAFE_INTEGER);
      if (member?.membership !== 'join') throw new MatrixError(403, 'M_FORBIDDEN', 'You are not joined to this room');
      deps.typing.setTyping(roomId, userId, typing, timeout);
      return { body: {} };
    },
  });

  router.route({
    method: 'POST',
    path: '/rooms/:roomId/receipt/:receiptType/:eventId',
    auth: 'user',
    handler: async (req) => {
      const { roomId, receiptType, eventId } = req.params as { roomId: string; receiptType: string; eventId: string };
      await deps.receipts.postReceipt(req.user.userId, roomId, receiptType, eventId, req.body.thread_id);
      return { body: {} };
    },
  });

  router.route({
    method: 'POST',
    path: '/rooms/:roomId/read_markers',
    auth: 'user',
    handler: async (req) => {
      await deps.receipts.postReadMarkers(req.user.userId, req.params.roomId!, req.body);
      return { body: {} };
    },
  });
}
