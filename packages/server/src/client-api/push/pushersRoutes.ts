// GET /v3/pushers and POST /v3/pushers/set (pusher.yaml).
import type { Router } from '../../http/Router.js';
import type { Pushers } from '../../push/Pushers.js';

export function registerPushersRoutes(router: Router, pushers: Pushers): void {
  router.route({
    method: 'GET',
    path: '/pushers',
    auth: 'user',
    handler: (req) => ({ body: { pushers: pushers.list(req.user.userId) } }),
  });
  router.route({
    method: 'POST',
    path: '/pushers/set',
    auth: 'user',
    handler: async (req) => {
      await pushers.set(req.user.userId, req.user.deviceId, req.body);
      return { body: {} };
    },
  });
}
