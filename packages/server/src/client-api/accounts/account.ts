// Password change, deactivation, third-party identifiers (client-server-api
// "Account registration and management"; password_management.yaml,
// account_deactivation.yaml, administrative_contact.yaml).
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { optionalBoolean, requireString } from '../../http/validate.js';
import type { AccountsApiDeps } from './AccountsApiDeps.js';

const MAX_PASSWORD_LENGTH = 512;

export function registerAccountRoutes(router: Router, deps: AccountsApiDeps): void {
  const { accounts, uia } = deps;

  router.route({
    method: 'POST',
    path: '/account/password',
    // Spec: authentication is optional only for 3PID-based resets, which Weft does not offer.
    auth: 'user',
    rateLimit: 'login',
    handler: async (req) => {
      const newPassword = requireString(req.body, 'new_password');
      if (newPassword === '' || newPassword.length > MAX_PASSWORD_LENGTH) throw new MatrixError(400, 'M_WEAK_PASSWORD', 'Password must be 1–512 characters');
      const logoutDevices = optionalBoolean(req.body, 'logout_devices') ?? true;
      await uia.check(req.body, { operation: 'account_password', flows: [['m.login.password']], userId: req.user.userId });
      await accounts.changePassword(req.user.userId, newPassword, { logoutDevices, keepDeviceId: req.user.deviceId });
      return { body: {} };
    },
  });

  router.route({
    method: 'POST',
    path: '/account/deactivate',
    auth: 'user',
    rateLimit: 'login',
    handler: async (req) => {
      // `erase` is accepted: the profile is always cleared; Weft keeps no other
      // per-user data that erasure would hide from new room members.
      optionalBoolean(req.body, 'erase');
      await uia.check(req.body, { operation: 'account_deactivate', flows: [['m.login.password']], userId: req.user.userId });
      await accounts.deactivate(req.user.userId);
      // No third-party identifiers are ever bound, so there was nothing to unbind.
      return { body: { id_server_unbind_result: 'success' } };
    },
  });

  router.route({
    method: 'GET',
    path: '/account/3pid',
    auth: 'user',
    // Honest: Weft never binds third-party identifiers (m.3pid_changes is disabled).
    handler: () => ({ body: { threepids: [] } }),
  });
}
