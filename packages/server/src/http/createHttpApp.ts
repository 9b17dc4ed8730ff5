// Builds one listener's HTTP app (HttpApp: node:http, CORS, OPTIONS, 404/405, the
// error serialiser) and the Router through which the API areas add their routes.
import type { Logger } from 'pino';
import { HttpApp } from './HttpApp.js';
import { Router, type Authenticate } from './Router.js';
import type { RateLimiter } from './RateLimiter.js';

export interface HttpAppOptions {
  logger: Logger;
  maxRequestBodySize: number;
  trustProxy: boolean;
  authenticate: Authenticate;
  rateLimiter: RateLimiter;
}

export function createHttpApp(opts: HttpAppOptions): { app: HttpApp; router: Router } {
  const app = new HttpApp({ logger: opts.logger, bodyLimit: opts.maxRequestBodySize, trustProxy: opts.trustProxy });
  const router = new Router(app, { authenticate: opts.authenticate, rateLimiter: opts.rateLimiter });
  return { app, router };
}
