// The list of every client-API route a running test server mounts, read from a
// Router (Router.routes()). main.ts keeps its routers private, so this builds a
// second Router on a throwaway HTTP app (never listening) and mounts the same client API on it
// with the running server's services: the set of routes is identical (it is
// what registerClientApi registers), and nothing here listens or handles.
import { createHttpApp } from '../../src/http/createHttpApp.js';
import { RateLimiter } from '../../src/http/RateLimiter.js';
import type { RouteInfo } from '../../src/http/Router.js';
import { registerClientApi } from '../../src/client-api/index.js';
import { UserInteractiveAuth } from '../../src/auth/uia.js';
import type { TestServer } from '../harness.js';
import { UserDirectory } from '../../src/users/UserDirectory.js';
import { MediaRepository } from '../../src/media/MediaRepository.js';
import { KyselyMediaStore } from '../../src/storage/kysely/KyselyMediaStore.js';
import { KyselyUserDirectoryStore } from '../../src/storage/kysely/KyselyUserDirectoryStore.js';

export async function clientRoutes(server: TestServer): Promise<RouteInfo[]> {
  const hs = server.hs;
  const { app, router } = createHttpApp({
    logger: hs.logger,
    maxRequestBodySize: hs.config.max_request_body_size,
    trustProxy: false,
    authenticate: (token, ip) => hs.sessions.authenticate(token, ip),
    rateLimiter: new RateLimiter({}),
  });
  registerClientApi(router, {
    accounts: {
      config: hs.config,
      accounts: hs.accounts,
      sessions: hs.sessions,
      uia: new UserInteractiveAuth({}),
      registrationTokens: hs.storage.registrationTokens,
    },
    rooms: { ...hs.rooms, serverName: hs.config.server_name },
    sync: hs.sync,
    e2ee: hs.e2ee,
    events: hs.events,
    push: hs.push,
    relations: hs.relations,
    media: {
      media: new MediaRepository({ store: new KyselyMediaStore(hs.storage.database.db), serverName: hs.config.server_name, storePath: hs.config.media_store_path, maxImagePixels: hs.config.max_image_pixels }),
      maxUploadSize: hs.config.max_upload_size,
    },
    users: { directory: new UserDirectory({ store: new KyselyUserDirectoryStore(hs.storage.database.db), serverName: hs.config.server_name }) },
  });
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
