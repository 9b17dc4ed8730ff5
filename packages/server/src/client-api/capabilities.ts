// GET /capabilities (client-server-api "Capabilities negotiation").
import type { Router } from '../http/Router.js';

/** Room versions this server can create and join. */
export const AVAILABLE_ROOM_VERSIONS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];

export function registerCapabilitiesRoutes(router: Router, deps: { defaultRoomVersion: string }): void {
  router.route({
    method: 'GET',
    path: '/capabilities',
    auth: 'user',
    handler: () => ({
      body: {
        capabilities: {
          'm.change_password': { enabled: true },
          'm.room_versions': {
            default: deps.defaultRoomVersion,
            available: Object.fromEntries(AVAILABLE_ROOM_VERSIONS.map((v) => [v, 'stable'])),
          },
          'm.set_displayname': { enabled: true },
          'm.set_avatar_url': { enabled: true },
          // No third-party identifiers: Weft does not verify e-mail or phone numbers.
          'm.3pid_changes': { enabled: false },
          'm.get_login_token': { enabled: false },
        },
      },
    }),
  });
}
