// POST /v3/user_directory/search (users.yaml).
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';
import { requireString } from '../../http/validate.js';
import type { UserDirectory } from '../../users/UserDirectory.js';

export interface UserDirectoryApiDeps {
  directory: UserDirectory;
}

/** Results per search when the client asks for more (Synapse serves at most this many too). */
const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 10;

export function registerUserDirectoryApi(router: Router, deps: UserDirectoryApiDeps): void {
  router.route({
    method: 'POST',
    path: '/user_directory/search',
    auth: 'user',
    handler: async (req) => {
      const searchTerm = requireString(req.body, 'search_term');
      const rawLimit = req.body.limit;
      if (rawLimit !== undefined && (typeof rawLimit !== 'number' || !Number.isInteger(rawLimit) || rawLimit < 0)) {
        throw new MatrixError(400, 'M_BAD_JSON', 'limit must be a non-negative integer');
      }
      const limit = Math.min(rawLimit ?? DEFAULT_LIMIT, MAX_LIMIT);
      return { body: await deps.directory.search(req.user.userId, searchTerm, limit) };
    },
  });
}
