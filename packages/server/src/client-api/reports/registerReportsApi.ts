// Reporting content (report_content.yaml): POST /rooms/{roomId}/report/{eventId}
// (the reporter must be joined; the event must be in the room and not redacted),
// POST /rooms/{roomId}/report and POST /users/{userId}/report (local users; no
// federation yet). Reports are stored for the server's admins, listed by
// Synapse's admin API GET /_synapse/admin/v1/event_reports (events), and logged.
import { MatrixError } from '@weft/core';
import type { Logger } from 'pino';
import type { Router } from '../../http/Router.js';
import { queryInt, type JsonObject } from '../../http/validate.js';
import { requireAdmin } from '../../admin-api/requireAdmin.js';
import type { RoomStore } from '../../storage/ports/rooms.js';
import type { ContentReport, ReportStore } from '../../storage/ports/reports.js';
import type { RoomPipeline } from '../../rooms/RoomPipeline.js';
import type { AccountService } from '../../users/AccountService.js';

export interface ReportsApiDeps {
  store: ReportStore;
  rooms: Pick<RoomStore, 'getEvent' | 'getEvents' | 'getRoom'>;
  pipeline: Pick<RoomPipeline, 'roomState'>;
  accounts: Pick<AccountService, 'getUser'>;
  logger: Logger;
  now?: () => number;
}

const MAX_REASON = 4096;

export function registerReportsApi(router: Router, deps: ReportsApiDeps): void {
  const now = deps.now ?? Date.now;
  const store = async (r: Omit<ContentReport, 'id' | 'receivedTs'>) => {
    const id = await deps.store.add({ ...r, receivedTs: now() });
    deps.logger.warn({ report: { id, ...r } }, `content report: ${r.kind}`);
    return { body: {} };
  };

  router.route({
    method: 'POST',
    path: '/rooms/:roomId/report/:eventId',
    auth: 'user',
    handler: async (req) => {
      const reason = reasonOf(req.body, false);
      const { roomId, eventId } = req.params as { roomId: string; eventId: string };
      const notFound = new MatrixError(404, 'M_NOT_FOUND', 'The event was not found or you are not joined to the room.');
      const state = roomId.includes('\u0000') ? undefined : await deps.pipeline.roomState(roomId);
      if (!state || state.membershipOf(req.user.userId) !== 'join') throw notFound;
      const event = eventId.includes('\u0000') ? undefined : await deps.rooms.getEvent(eventId);
      if (!event || event.roomId !== roomId || event.redactedBy !== null) throw notFound;
      return store({ kind: 'event', roomId, eventId, targetUserId: event.sender, reporter: req.user.userId, reason });
    },
  });

  router.route({
    method: 'POST',
    path: '/rooms/:roomId/report',
    auth: 'user',
    handler: async (req) => {
      const reason = reasonOf(req.body, true);
      const roomId = req.params.roomId!;
      if (roomId.includes('\u0000') || !(await deps.rooms.getRoom(roomId))) throw new MatrixError(404, 'M_NOT_FOUND', 'The room was not found.');
      return store({ kind: 'room', roomId, eventId: null, targetUserId: null, reporter: req.user.userId, reason });
    },
  });

  router.route({
    method: 'POST',
    path: '/users/:userId/report',
    auth: 'user',
    handler: async (req) => {
      const reason = reasonOf(req.body, true);
      const userId = req.params.userId!;
      if (userId.includes('\u0000') || !(await deps.accounts.getUser(userId))) throw new MatrixError(404, 'M_NOT_FOUND', 'The user was not found.');
      return store({ kind: 'user', roomId: null, eventId: null, targetUserId: userId, reporter: req.user.userId, reason });
    },
  });

  // Synapse admin API (NOTSPEC): GET /_synapse/admin/v1/event_reports?from=&limit=&dir=b|f
  router.route({
    method: 'GET',
    path: '/event_reports',
    prefixes: ['/_synapse/admin/v1'],
    auth: 'user',
    body: 'none',
    handler: async (req) => {
      await requireAdmin(deps.accounts, req.user);
      const from = queryInt(req.query, 'from') ?? 0;
      const limit = Math.min(queryInt(req.query, 'limit') ?? 100, 1000);
      const dir = req.query.dir ?? 'b';
      if (dir !== 'b' && dir !== 'f') throw new MatrixError(400, 'M_INVALID_PARAM', 'dir must be b or f');
      const { reports, total } = await deps.store.list('event', { limit, offset: from, newestFirst: dir === 'b' });
      const events = new Map((await deps.rooms.getEvents(reports.map((r) => r.eventId!))).map((e) => [e.eventId, e]));
      const body: JsonObject = {
        event_reports: reports.map((r) => ({
          id: r.id, received_ts: r.receivedTs, room_id: r.roomId, event_id: r.eventId, user_id: r.reporter,
          reason: r.reason, sender: events.get(r.eventId!)?.sender ?? r.targetUserId,
        })),
        total,
      };
      if (from + reports.length < total) body.next_token = from + reports.length;
      return { body };
    },
  });
}

function reasonOf(body: JsonObject, required: boolean): string | null {
  const reason = body.reason;
  if (reason === undefined || reason === null) {
    if (required) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: reason');
    return null;
  }
  if (typeof reason !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'reason must be a string');
  if (reason.length > MAX_REASON || reason.includes('\u0000')) throw new MatrixError(400, 'M_INVALID_PARAM', `reason must be at most ${MAX_REASON} characters without NUL`);
  return reason;
}



