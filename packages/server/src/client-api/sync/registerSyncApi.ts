// Every endpoint of the sync area (one call from client-api/index.ts).
import type { Router } from '../../http/Router.js';
import { registerEphemeralRoutes } from './ephemeralRoutes.js';
import { registerSyncRoutes } from './syncRoutes.js';
import { registerUserDataRoutes } from './userDataRoutes.js';
import type { SyncApiDeps } from './SyncApiDeps.js';

export type { SyncApiDeps };

export function registerSyncApi(router: Router, deps: SyncApiDeps): void {
  registerSyncRoutes(router, deps);
  registerEphemeralRoutes(router, deps);
  registerUserDataRoutes(router, deps);
}
