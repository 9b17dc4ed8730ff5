// MSC3814 dehydrated devices (unstable endpoints; see e2ee/DehydratedDeviceService.ts).
import type { Router } from '../../http/Router.js';
import { UNSTABLE_FEATURES } from '../versions.js';
import type { DehydratedDeviceService } from '../../e2ee/DehydratedDeviceService.js';

export const MSC3814_PREFIX = '/_matrix/client/unstable/org.matrix.msc3814.v1';

export function registerDehydratedDeviceRoutes(router: Router, dehydrated: DehydratedDeviceService): void {
  UNSTABLE_FEATURES['org.matrix.msc3814'] = true;
  const prefixes = [MSC3814_PREFIX];
  router.route({ method: 'PUT', path: '/dehydrated_device', prefixes, auth: 'user', handler: async (req) => ({ body: await dehydrated.put(req.user, req.body) }) });
  router.route({ method: 'GET', path: '/dehydrated_device', prefixes, auth: 'user', handler: async (req) => ({ body: await dehydrated.get(req.user.userId) }) });
  router.route({ method: 'DELETE', path: '/dehydrated_device', prefixes, auth: 'user', handler: async (req) => ({ body: await dehydrated.delete(req.user.userId) }) });
  router.route({
    method: 'POST', path: '/dehydrated_device/:deviceId/events', prefixes, auth: 'user',
    handler: async (req) => ({ body: await dehydrated.events(req.user.userId, req.params.deviceId!, req.body) }),
  });
}
