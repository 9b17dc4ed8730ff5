// GET /v3/voip/turnServer (voip.yaml): TURN credentials for WebRTC calls. With
// turn_shared_secret they follow coturn's TURN REST API (username
// "<expiry seconds>:<user ID>", password base64(HMAC-SHA1(secret, username))),
// as Synapse issues them; otherwise the configured fixed credentials. Registered
// only when turn_uris are configured: without TURN servers the endpoint stays
// 404 M_UNRECOGNIZED rather than answering with nothing to use.
import { createHmac } from 'node:crypto';
import { MatrixError } from '@weft/core';
import type { Router } from '../../http/Router.js';

export interface VoipApiDeps {
  uris: string[];
  sharedSecret: string | null;
  username: string | null;
  password: string | null;
  lifetimeMs: number;
  allowGuests: boolean;
  now?: () => number;
}

export function registerVoipApi(router: Router, deps: VoipApiDeps): void {
  if (deps.uris.length === 0) return;
  const now = deps.now ?? Date.now;
  router.route({
    method: 'GET',
    path: '/voip/turnServer',
    auth: 'user',
    handler: (req) => {
      if (req.user.isGuest && !deps.allowGuests) throw new MatrixError(403, 'M_FORBIDDEN', 'Guests may not use the TURN servers');
      const ttl = Math.floor(deps.lifetimeMs / 1000);
      if (deps.sharedSecret !== null) {
        const username = `${Math.floor(now() / 1000) + ttl}:${req.user.userId}`;
        const password = createHmac('sha1', deps.sharedSecret).update(username).digest('base64');
        return { body: { username, password, uris: deps.uris, ttl } };
      }
      return { body: { username: deps.username, password: deps.password, uris: deps.uris, ttl } };
    },
  });
}
