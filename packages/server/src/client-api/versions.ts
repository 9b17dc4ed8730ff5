// GET /_matrix/client/versions (client-server-api "API Standards"). Advertise
// only spec versions whose features clients will find working. Later areas may
// raise the list when they land (v1.11: authenticated media, client-api/media/).
import type { Router } from '../http/Router.js';

export const SUPPORTED_VERSIONS = [
  'r0.0.1', 'r0.1.0', 'r0.2.0', 'r0.3.0', 'r0.4.0', 'r0.5.0', 'r0.6.0', 'r0.6.1',
  'v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6', 'v1.7', 'v1.8', 'v1.9', 'v1.10', 'v1.11',
];

/** unstable_features: feature flag → enabled. Areas add theirs at wiring time. */
export const UNSTABLE_FEATURES: Record<string, boolean> = {};

export function registerVersionsRoutes(router: Router): void {
  router.route({
    method: 'GET',
    path: '/_matrix/client/versions',
    prefixes: [''],
    auth: 'none',
    handler: () => ({ body: { versions: SUPPORTED_VERSIONS, unstable_features: UNSTABLE_FEATURES } }),
  });
}
