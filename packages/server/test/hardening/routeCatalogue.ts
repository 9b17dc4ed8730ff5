// The list of every client-API route a running test server mounts, read from a
// Router (Router.routes()). main.ts keeps its routers private, so this builds a
// second Router on a throwaway HTTP app (never listening) and mounts the same
// client API on it (Homeserver.clientApi, the running server's services): the
// set of routes is identical, and nothing here listens or handles.
import { createHttpApp } from '../../src/http/createHttpApp.js';
import { RateLimiter } from '../../src/http/RateLimiter.js';
import type { RouteInfo } from '../../src/http/Router.js';
import { registerClientApi } from '../../src/client-api/index.js';
import type { TestServer } from '../harness.js';

export async function clientRoutes(server: TestServer): Promise<RouteInfo[]> {
  const hs = server.hs;
  const { app, router } = createHttpApp({
    logger: hs.logger,
    maxRequestBodySize: hs.config.max_request_body_size,
    trustProxy: false,
    authenticate: (token, ip) => hs.sessions.authenticate(token, ip),
    rateLimiter: new RateLimiter({}),
  });
  registerClientApi(router, hs.clientApi);
  await app.close();
  return router.routes();
}

/** Path parameter names of a URL pattern (':name' segments), in order. */
export function paramNames(url: string): string[] {
  return url.split('/').filter((s) => s.startsWith(':')).map((s) => s.slice(1));
}

/** Fills a URL pattern's parameters (values are percent-encoded unless `raw`). */
export function fillPath(url: string, values: Record<string, string>, raw: ReadonlySet<string> = new Set()): string {
  return url
    .split('/')
    .map((seg) => {
      if (!seg.startsWith(':')) return seg;
      const name = seg.slice(1);
      const v = values[name];
      if (v === undefined) throw new Error(`no value for :${name} in ${url}`);
      return raw.has(name) ? v : encodeURIComponent(v);
    })
    .join('/');
}
