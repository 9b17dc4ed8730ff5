// Registers every rooms endpoint (create, membership, send/state/redact, directory).
import type { Router } from '../../http/Router.js';
import { registerCreateRoomRoutes } from './createRoomRoutes.js';
import { registerDirectoryRoutes } from './directoryRoutes.js';
import { registerMembershipRoutes } from './membershipRoutes.js';
import type { RoomsApiDeps } from './RoomsApiDeps.js';
import { registerSendRoutes } from './sendRoutes.js';

export function registerRoomsApi(router: Router, deps: RoomsApiDeps & { serverName: string }): void {
  registerCreateRoomRoutes(router, deps);
  registerMembershipRoutes(router, deps);
  registerSendRoutes(router, deps);
  registerDirectoryRoutes(router, deps, deps.serverName);
}
