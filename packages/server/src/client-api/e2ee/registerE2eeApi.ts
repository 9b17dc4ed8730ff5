// E2EE endpoints (data/api/client-server/keys.yaml, cross_signing.yaml,
// to_device.yaml, key_backup.yaml).
import type { Router } from '../../http/Router.js';
import { parseSyncToken } from '../../streams/tokens.js';
import type { E2eeArea } from '../../e2ee/createE2eeArea.js';
import { MatrixError } from '@weft/core';
import { registerDehydratedDeviceRoutes } from './dehydratedDeviceRoutes.js';

export type E2eeApiDeps = Pick<E2eeArea, 'keys' | 'crossSigning' | 'toDevice' | 'backup' | 'deviceLists' | 'dehydrated'>;

export function registerE2eeApi(router: Router, deps: E2eeApiDeps): void {
  const { keys, crossSigning, toDevice, backup, deviceLists } = deps;
  registerDehydratedDeviceRoutes(router, deps.dehydrated);

  router.route({ method: 'POST', path: '/keys/upload', auth: 'user', handler: async (req) => ({ body: await keys.upload(req.user, req.body) }) });
  // Deprecated path form with the device ID (r0); the device must be the caller's.
  router.route({
    method: 'POST', path: '/keys/upload/:deviceId', auth: 'user',
    handler: async (req) => {
      if (req.params.deviceId !== req.user.deviceId) throw new MatrixError(400, 'M_INVALID_PARAM', 'Can only upload keys for the device of the access token');
      return { body: await keys.upload(req.user, req.body) };
    },
  });
  router.route({ method: 'POST', path: '/keys/query', auth: 'user', handler: async (req) => ({ body: await keys.query(req.user, req.body) }) });
  router.route({ method: 'POST', path: '/keys/claim', auth: 'user', handler: async (req) => ({ body: await keys.claim(req.body) }) });
  router.route({
    method: 'GET', path: '/keys/changes', auth: 'user',
    handler: async (req) => {
      const from = req.query.from;
      const to = req.query.to;
      if (from === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing from parameter');
      if (to === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing to parameter');
      return { body: await deviceLists.changesBetween(req.user.userId, parseSyncToken(from).stream, parseSyncToken(to).stream) };
    },
  });

  router.route({
    method: 'POST', path: '/keys/device_signing/upload', auth: 'user',
    handler: async (req) => {
      await crossSigning.uploadSigningKeys(req.user, req.body);
      return { body: {} };
    },
  });
  router.route({ method: 'POST', path: '/keys/signatures/upload', auth: 'user', handler: async (req) => ({ body: await crossSigning.uploadSignatures(req.user, req.body) }) });

  router.route({
    method: 'PUT', path: '/sendToDevice/:eventType/:txnId', auth: 'user', rateLimit: 'message',
    handler: async (req) => {
      await toDevice.send(req.user, req.params.eventType!, req.params.txnId!, req.body);
      return { body: {} };
    },
  });

  router.route({ method: 'POST', path: '/room_keys/version', auth: 'user', handler: async (req) => ({ body: { version: await backup.createVersion(req.user.userId, req.body) } }) });
  router.route({ method: 'GET', path: '/room_keys/version', auth: 'user', handler: async (req) => ({ body: await backup.getVersion(req.user.userId) }) });
  router.route({ method: 'GET', path: '/room_keys/version/:version', auth: 'user', handler: async (req) => ({ body: await backup.getVersion(req.user.userId, req.params.version!) }) });
  router.route({
    method: 'PUT', path: '/room_keys/version/:version', auth: 'user',
    handler: async (req) => {
      await backup.updateVersion(req.user.userId, req.params.version!, req.body);
      return { body: {} };
    },
  });
  router.route({
    method: 'DELETE', path: '/room_keys/version/:version', auth: 'user',
    handler: async (req) => {
      await backup.deleteVersion(req.user.userId, req.params.version!);
      return { body: {} };
    },
  });

  const keyPaths = ['/room_keys/keys', '/room_keys/keys/:roomId', '/room_keys/keys/:roomId/:sessionId'];
  for (const path of keyPaths) {
    router.route({
      method: 'PUT', path, auth: 'user',
      handler: async (req) => ({ body: await backup.putKeys(req.user.userId, req.query.version, req.params.roomId, req.params.sessionId, req.body) }),
    });
    router.route({
      method: 'GET', path, auth: 'user',
      handler: async (req) => ({ body: await backup.getKeys(req.user.userId, req.query.version, req.params.roomId, req.params.sessionId) }),
    });
    router.route({
      method: 'DELETE', path, auth: 'user',
      handler: async (req) => ({ body: await backup.deleteKeys(req.user.userId, req.query.version, req.params.roomId, req.params.sessionId) }),
    });
  }
}
