// GET /.well-known/matrix/client (client-server-api "Server Discovery").
import type { Router } from '../http/Router.js';

export function registerWellKnownRoutes(router: Router, deps: { publicBaseUrl: string | null }): void {
  router.route({
    method: 'GET',
    path: '/.well-known/matrix/client',
    prefixes: [''],
    auth: 'none',
    handler: (req) => {
      // NOTSPEC: without public_baseurl we answer with the address the client
      // used, so a local server (http://localhost:8008) is discoverable as-is.
      const host = typeof req.headers.host === 'string' ? req.headers.host : '127.0.0.1';
      const baseUrl = deps.publicBaseUrl ?? `http://${host}/`;
      return { body: { 'm.homeserver': { base_url: baseUrl } } };
    },
  });
}
