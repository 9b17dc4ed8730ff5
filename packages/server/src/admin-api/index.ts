// Synapse-compatible admin endpoints (served on the client listener, as Synapse does).
import type { Router } from '../http/Router.js';
import type { SessionService } from '../auth/SessionService.js';
import type { AccountService } from '../users/AccountService.js';
import type { RegistrationTokenStore } from '../storage/ports/accounts.js';
import { registerSharedSecretRoutes } from './sharedSecretRegister.js';
import { registerRegistrationTokenAdminRoutes } from './registrationTokens.js';

export interface AdminApiDeps {
  serverName: string;
  registrationSharedSecret: string | null;
  accounts: AccountService;
  sessions: SessionService;
  registrationTokens: RegistrationTokenStore;
}

export function registerAdminApi(router: Router, deps: AdminApiDeps): void {
  registerSharedSecretRoutes(router, { serverName: deps.serverName, sharedSecret: deps.registrationSharedSecret, accounts: deps.accounts, sessions: deps.sessions });
  registerRegistrationTokenAdminRoutes(router, { store: deps.registrationTokens, accounts: deps.accounts });
}
