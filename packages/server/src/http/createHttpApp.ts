// Builds one fastify instance for a listener: body handling, CORS, OPTIONS,
// 404/405, and the error serialiser. Routes are added through a Router.
import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { errorResponse } from './errorResponse.js';
import { Router, type Authenticate } from './Router.js';
import type { RateLimiter } from './RateLimiter.js';

// client-server-api "Web Browser Clients": CORS headers on every response.
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization',
};

export interface HttpAppOptions {
  logger: Logger;
  maxRequestBodySize: number;
  trustProxy: boolean;
  authenticate: Authenticate;
  rateLimiter: RateLimiter;
}

export function createHttpApp(opts: HttpAppOptions): { app: FastifyInstance; router: Router } {
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.maxRequestBodySize,
    // Room and event IDs are long; aliases contain ':' and '#' (URL-encoded).
    routerOptions: { maxParamLength: 4096, ignoreTrailingSlash: true },
    trustProxy: opts.trustProxy,
    return503OnClosing: false,
    forceCloseConnections: true,
    // Requests Node's HTTP parser refuses (headers/URL over the size limit, garbage)
    // never reach fastify: answer them as Matrix errors with CORS too.
    clientErrorHandler: (err, socket) => {
      if ((err as { code?: string }).code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
      const code = (err as { code?: string }).code;
      const [status, reason, errcode, message] =
        code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'M_TOO_LARGE', 'Request headers or URL too large']
        : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'M_UNKNOWN', 'Request timed out']
        : [400, 'Bad Request', 'M_UNKNOWN', 'Malformed HTTP request'];
      const body = JSON.stringify({ errcode, error: message });
      const cors = Object.entries(CORS_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('');
      socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${cors}Connection: close\r\n\r\n${body}`);
      socket.destroy();
    },
    // Errors the router raises before any hook runs (undecodable %-escapes in the path,
    // a path parameter over maxParamLength) still get CORS and a Matrix error body.
    frameworkErrors: (err, _req, reply) => {
      const res = errorResponse(err);
      const r = reply as unknown as FastifyReply;
      void r.headers(CORS_HEADERS).code(res.status).type('application/json').send(JSON.stringify(res.body));
    },
    // Routes declare no JSON schemas (handlers validate with http/validate.ts), so
    // skip loading ajv and fast-json-stringify: ~100 modules less at start-up.
    schemaController: {
      compilersFactory: {
        buildValidator: () => () => {
          throw new Error('route schemas are not used in Weft');
        },
        buildSerializer: () => () => {
          throw new Error('route schemas are not used in Weft');
        },
      },
    },
  }) as unknown as FastifyInstance;
  const router = new Router(app, { authenticate: opts.authenticate, rateLimiter: opts.rateLimiter });

  // Bodies are taken as bytes whatever the Content-Type (clients are careless
  // about it); the Router parses JSON per route so errors are Matrix errors.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(CORS_HEADERS);
    done();
  });

  app.setNotFoundHandler((req, reply) => {
    // "Servers MUST expect that clients will approach them with OPTIONS
    // requests ... MUST NOT perform any logic defined for the endpoints."
    if (req.method === 'OPTIONS') return reply.code(204).send();
    const path = req.url.split('?')[0]!;
    const methods = router.methodsFor(path);
    if (methods.length > 0) {
      return reply.code(405).header('allow', [...new Set(methods)].join(', ')).send({ errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
    }
    return reply.code(404).send({ errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
  });

  app.setErrorHandler((err, req, reply) => {
    const res = errorResponse(err);
    if (res.logId) req.log.error({ err, logId: res.logId, method: req.method, url: req.url }, 'unexpected error');
    if (!reply.sent) reply.code(res.status).type('application/json').send(JSON.stringify(res.body));
  });

  return { app, router };
}
