// POST /v3/search (search.yaml): server-side search of room events.
import type { Router } from '../../http/Router.js';
import type { RoomSearch } from '../../search/RoomSearch.js';

export interface SearchApiDeps {
  search: RoomSearch;
}

export function registerSearchApi(router: Router, deps: SearchApiDeps): void {
  router.route({
    method: 'POST',
    path: '/search',
    auth: 'user',
    handler: async (req) => ({
      body: await deps.search.search({ userId: req.user.userId, deviceId: req.user.deviceId }, req.body, req.query.next_batch),
    }),
  });
}
