// Device management (client-server-api "Device management";
// data/api/client-server/device_management.yaml). Deleting a device removes its
// tokens (storage) and fires SessionHooks.onDevicesDeleted (E2EE, device lists).
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { isObject, optionalStringArray } from '../../http/validate.js';
import type { DeviceRecord } from '../../storage/ports/accounts.js';
import type { AccountsApiDeps } from './AccountsApiDeps.js';

const MAX_DISPLAY_NAME = 100;

export function registerDeviceRoutes(router: Router, deps: AccountsApiDeps): void {
  const { sessions, uia } = deps;
  const devices = sessions;

  router.route({
    method: 'GET',
    path: '/devices',
    auth: 'user',
    handler: async (req) => ({ body: { devices: (await devices.listDevices(req.user.userId)).map(toWire) } }),
  });

  router.route({
    method: 'GET',
    path: '/devices/:deviceId',
    auth: 'user',
    handler: async (req) => {
      const d = await devices.getDevice(req.user.userId, req.params.deviceId!);
      if (!d) throw new MatrixError(404, 'M_NOT_FOUND', 'No such device');
      return { body: toWire(d) };
    },
  });

  router.route({
    method: 'PUT',
    path: '/devices/:deviceId',
    auth: 'user',
    handler: async (req) => {
      const name = req.body.display_name;
      if (name !== undefined && name !== null && typeof name !== 'string') throw new MatrixError(400, 'M_BAD_JSON', 'display_name must be a string');
      if (typeof name === 'string' && name.length > MAX_DISPLAY_NAME) throw new MatrixError(400, 'M_TOO_LARGE', `display_name is longer than ${MAX_DISPLAY_NAME} characters`);
      // NUL cannot be stored in a PostgreSQL text column.
      if (typeof name === 'string' && name.includes('\u0000')) throw new MatrixError(400, 'M_INVALID_PARAM', 'display_name must not contain NUL');
      const deviceId = req.params.deviceId!;
      if (!(await devices.getDevice(req.user.userId, deviceId))) throw new MatrixError(404, 'M_NOT_FOUND', 'No such device');
      if (name !== undefined) await devices.setDeviceDisplayName(req.user.userId, deviceId, name);
      return { body: {} };
    },
  });

  router.route({
    method: 'DELETE',
    path: '/devices/:deviceId',
    auth: 'user',
    handler: async (req) => {
      const deviceId = req.params.deviceId!;
      if (!(await devices.getDevice(req.user.userId, deviceId))) throw new MatrixError(404, 'M_NOT_FOUND', 'No such device');
      await uia.check(req.body, { operation: `delete_device:${deviceId}`, flows: [['m.login.password']], userId: req.user.userId });
      await sessions.deleteDevices(req.user.userId, [deviceId]);
      return { body: {} };
    },
  });

  router.route({
    method: 'POST',
    path: '/delete_devices',
    auth: 'user',
    handler: async (req) => {
      const ids = optionalStringArray(req.body, 'devices');
      if (ids === undefined) throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: devices');
      if (req.body.auth !== undefined && req.body.auth !== null && !isObject(req.body.auth)) throw new MatrixError(400, 'M_BAD_JSON', 'auth must be an object');
      await uia.check(req.body, { operation: 'delete_devices', flows: [['m.login.password']], userId: req.user.userId });
      // Unknown IDs are ignored (the spec lists no error for them).
      await sessions.deleteDevices(req.user.userId, [...new Set(ids)]);
      return { body: {} };
    },
  });
}

// NOTSPEC: unknown values are sent as null rather than left out (the spec marks them optional).
// Synapse does the same, and Debian's matrix-nio 0.20 validates /devices against a schema that
// requires all four keys (nullable): without them nio reports DevicesError.
function toWire(d: DeviceRecord): Record<string, unknown> {
  return {
    device_id: d.deviceId,
    display_name: d.displayName,
    last_seen_ip: d.lastSeenIp,
    last_seen_ts: d.lastSeenTs,
  };
}
