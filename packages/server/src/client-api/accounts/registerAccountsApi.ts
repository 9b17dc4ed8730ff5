// Every accounts endpoint: registration, login and sessions, devices, account
// management, profiles, and the Synapse-compatible admin endpoints.
import type { Router } from '../../http/Router.js';
import { registerAdminApi } from '../../admin-api/index.js';
import type { AccountsApiDeps } from './AccountsApiDeps.js';
import { registerRegisterRoutes } from './register.js';
import { registerLoginRoutes } from './login.js';
import { registerSessionRoutes } from './session.js';
import { registerDeviceRoutes } from './devices.js';
import { registerAccountRoutes } from './account.js';
import { registerProfileRoutes } from './profile.js';

export function registerAccountsApi(router: Router, deps: AccountsApiDeps): void {
  registerRegisterRoutes(router, deps);
  registerLoginRoutes(router, deps);
  registerSessionRoutes(router, deps);
  registerDeviceRoutes(router, deps);
  registerAccountRoutes(router, deps);
  registerProfileRoutes(router, deps);
  registerAdminApi(router, {
    serverName: deps.config.server_name,
    registrationSharedSecret: deps.config.registration_shared_secret,
    accounts: deps.accounts,
    sessions: deps.sessions,
    registrationTokens: deps.registrationTokens,
  });
}
