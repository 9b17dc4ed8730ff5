// Registers every client-server endpoint on a listener's Router. Each area adds
// one line (and one field of ClientApiDeps), nothing else.
import type { Router } from '../http/Router.js';
import type { AccountsApiDeps } from './accounts/AccountsApiDeps.js';
import { registerVersionsRoutes } from './versions.js';
import { registerWellKnownRoutes } from './wellKnown.js';
import { registerCapabilitiesRoutes } from './capabilities.js';
import { registerAccountsApi } from './accounts/registerAccountsApi.js';
import { registerRoomsApi } from './rooms/registerRoomsApi.js';
import type { RoomsApiDeps } from './rooms/RoomsApiDeps.js';
import { registerSyncApi, type SyncApiDeps } from './sync/registerSyncApi.js';
import { registerE2eeApi, type E2eeApiDeps } from './e2ee/registerE2eeApi.js';
import { registerEventsApi, type EventsApiDeps } from './events/registerEventsApi.js';
import { registerPushApi, type PushApiDeps } from './push/registerPushApi.js';
import { registerRelationsApi, type RelationsApiDeps } from './relations/registerRelationsApi.js';
import { registerUserDirectoryApi, type UserDirectoryApiDeps } from './users/registerUserDirectoryApi.js';
import { registerMediaApi, type MediaApiDeps } from './media/registerMediaApi.js';
import { registerSearchApi, type SearchApiDeps } from './search/registerSearchApi.js';
import { registerVoipApi, type VoipApiDeps } from './voip/registerVoipApi.js';
import { registerReportsApi, type ReportsApiDeps } from './reports/registerReportsApi.js';
import { registerOpenIdTokenRoute } from './openid/registerOpenIdApi.js';
import type { OpenIdTokens } from '../openid/OpenIdTokens.js';

export interface ClientApiDeps {
  accounts: AccountsApiDeps;
  rooms: RoomsApiDeps & { serverName: string };
  sync: SyncApiDeps;
  e2ee: E2eeApiDeps;
  events: EventsApiDeps;
  push: PushApiDeps;
  relations: RelationsApiDeps;
  users: UserDirectoryApiDeps;
  media: MediaApiDeps;
  search: SearchApiDeps;
  voip: VoipApiDeps;
  reports: ReportsApiDeps;
  openid: OpenIdTokens;
}

export function registerClientApi(router: Router, deps: ClientApiDeps): void {
  registerVersionsRoutes(router);
  registerWellKnownRoutes(router, { publicBaseUrl: deps.accounts.config.public_baseurl });
  registerCapabilitiesRoutes(router, { defaultRoomVersion: deps.accounts.config.default_room_version });
  registerAccountsApi(router, deps.accounts);
  registerRoomsApi(router, deps.rooms);
  registerSyncApi(router, deps.sync);
  registerE2eeApi(router, deps.e2ee);
  registerEventsApi(router, deps.events);
  registerPushApi(router, deps.push);
  registerRelationsApi(router, deps.relations);
  registerUserDirectoryApi(router, deps.users);
  registerMediaApi(router, deps.media);
  registerSearchApi(router, deps.search);
  registerVoipApi(router, deps.voip);
  registerReportsApi(router, deps.reports);
  registerOpenIdTokenRoute(router, deps.openid);
}
