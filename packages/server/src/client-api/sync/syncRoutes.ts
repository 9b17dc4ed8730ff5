// GET /sync and the filter endpoints (client-server-api "Syncing", "Filtering").
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { queryInt } from '../../http/validate.js';
import { parseSyncToken } from '../../streams/tokens.js';
import { isPresenceState } from '../../sync/PresenceService.js';
import type { SyncApiDeps } from './SyncApiDeps.js';

/** Long-polls are capped at 5 minutes (the spec sets no maximum; clients use about 30 s). */
const MAX_TIMEOUT_MS = 5 * 60_000;

function queryBool(v: string | undefined, key: string): boolean {
  if (v === undefined || v === 'false') return false;
  if (v === 'true') return true;
  throw new MatrixError(400, 'M_INVALID_PARAM', `${key} must be true or false`);
}

export function registerSyncRoutes(router: Router, deps: SyncApiDeps): void {
  router.route({
    method: 'GET',
    path: '/sync',
    auth: 'user',
    handler: async (req) => {
      const q = req.query;
      const since = q.since === undefined || q.since === '' ? null : parseSyncToken(q.since);
      const setPresence = q.set_presence;
      if (setPresence !== undefined && !isPresenceState(setPresence)) {
        throw new MatrixError(400, 'M_INVALID_PARAM', 'set_presence must be online, offline or unavailable');
      }
      const filter = await deps.filters.resolve(req.user.userId, q.filter);
      const body = await deps.sync.sync({
        userId: req.user.userId,
        deviceId: req.user.deviceId,
        since,
        filter,
        fullState: queryBool(q.full_state, 'full_state'),
        timeoutMs: Math.min(queryInt(q, 'timeout') ?? 0, MAX_TIMEOUT_MS),
        setPresence,
        signal: req.signal,
      });
      return { body };
    },
  });

  router.route({
    method: 'POST',
    path: '/user/:userId/filter',
    auth: 'user',
    handler: async (req) => {
      if (req.params.userId !== req.user.userId) throw new MatrixError(403, 'M_FORBIDDEN', 'Cannot create filters for other users');
      return { body: { filter_id: await deps.filters.create(req.user.userId, req.body) } };
    },
  });

  router.route({
    method: 'GET',
    path: '/user/:userId/filter/:filterId',
    auth: 'user',
    handler: async (req) => {
      if (req.params.userId !== req.user.userId) throw new MatrixError(403, 'M_FORBIDDEN', 'Cannot read filters of other users');
      return { body: await deps.filters.get(req.user.userId, req.params.filterId!) };
    },
  });
}
