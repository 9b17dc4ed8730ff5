// One listener's HTTP server on node:http: a segment tree of routes, body
// reading with a byte cap, CORS on every answer, OPTIONS/404/405, and the
// single error serialiser (errorResponse.ts). Replaces fastify (see
// ARCHITECTURE.md "HTTP"): Weft used none of its plugins, schemas or hooks,
// and its start-up modules (http2, https, ajv, light-my-request, …) and
// per-route objects cost ≈ 6 MB of an idle server's memory.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import { MatrixError } from '@weft/core';
import { errorResponse } from './errorResponse.js';

// client-server-api "Web Browser Clients": CORS headers on every response.
export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization',
};

/** Longest accepted path parameter (room and event IDs, aliases; URL-encoded). */
const MAX_PARAM_LENGTH = 4096;

/** What a route handler gets: the raw request and response, and what the app already parsed. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path parameters, URL-decoded. */
  params: Record<string, string>;
  /** Query parameters, decoded; a repeated key keeps its last value. */
  query: Record<string, string | undefined>;
  /** The body's bytes (undefined for GET and HEAD, whose bodies are never read). */
  body: Buffer | undefined;
  /** The client's address (the first X-Forwarded-For hop when the listener trusts a proxy). */
  ip: string;
}

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type RouteHandler = (ctx: RequestContext) => Promise<Reply> | Reply;

interface Route {
  handler: RouteHandler;
  bodyLimit: number;
  /** Parameter names, in path order. */
  paramNames: string[];
}

class RouteNode {
  readonly statics = new Map<string, RouteNode>();
  param: RouteNode | undefined;
  readonly methods = new Map<string, Route>();
}

export interface HttpAppOptions {
  logger: Logger;
  /** Default cap on request bodies, in bytes (routes may set their own). */
  bodyLimit: number;
  /** Take the client address from X-Forwarded-For (the listener sits behind a reverse proxy). */
  trustProxy: boolean;
}

export class HttpApp {
  readonly server: Server;
  private readonly root = new RouteNode();

  constructor(private readonly opts: HttpAppOptions) {
    this.server = createServer({ keepAliveTimeout: 72_000 }, (req, res) => {
      // handle() answers every error itself; should answering fail too, drop the connection
      // rather than leave an unhandled rejection (which would end the process).
      this.handle(req, res).catch(() => res.destroy());
    });
    this.server.on('clientError', onClientError);
  }

  /** Registers a handler for METHOD on a pattern like '/_matrix/client/v3/rooms/:roomId/state'. */
  route(method: string, pattern: string, handler: RouteHandler, bodyLimit?: number): void {
    let node = this.root;
    const paramNames: string[] = [];
    for (const seg of segmentsOf(pattern)) {
      if (seg.startsWith(':')) {
        paramNames.push(seg.slice(1));
        node = node.param ??= new RouteNode();
      } else {
        let next = node.statics.get(seg);
        if (next === undefined) node.statics.set(seg, (next = new RouteNode()));
        node = next;
      }
    }
    if (node.methods.has(method)) throw new Error(`route ${method} ${pattern} registered twice`);
    node.methods.set(method, { handler, bodyLimit: bodyLimit ?? this.opts.bodyLimit, paramNames });
  }

  listen(host: string, port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /** Stops listening and closes every connection, idle or not (long polls end with it). */
  close(): Promise<void> {
    if (!this.server.listening) return Promise.resolve();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const method = req.method ?? 'GET';
      // "Servers MUST expect that clients will approach them with OPTIONS requests ...
      // MUST NOT perform any logic defined for the endpoints."
      if (method === 'OPTIONS') return send(res, 204, undefined);

      const segments = segmentsOf(path);
      const values: string[] = [];
      const routeMethod = method === 'HEAD' ? 'GET' : method;
      const node = findNode(this.root, segments, 0, values, routeMethod);
      const route = node?.methods.get(routeMethod);
      if (route === undefined) {
        const methods = new Set<string>();
        collectMethods(this.root, segments, 0, methods);
        if (methods.size > 0) return send(res, 405, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' }, { allow: [...methods].join(', ') });
        return send(res, 404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
      }

      const params: Record<string, string> = {};
      for (let i = 0; i < values.length; i++) {
        const raw = values[i]!;
        if (raw.length > MAX_PARAM_LENGTH) throw new MatrixError(414, 'M_TOO_LARGE', 'Path parameter too long');
        params[route.paramNames[i]!] = decodePathSegment(raw);
      }
      const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(req, route.bodyLimit);
      const ctx: RequestContext = { req, res, params, query: q < 0 ? {} : parseQuery(url.slice(q + 1)), body, ip: this.clientIp(req) };
      const reply = await route.handler(ctx);
      send(res, reply.status, reply.body, reply.headers);
    } catch (err) {
      this.fail(req, res, err);
    }
  }

  private fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    const { status, body, logId } = errorResponse(err);
    if (logId) this.opts.logger.error({ err, logId, method: req.method, url: req.url }, 'unexpected error');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A body left unread (refused as too large) is not drained: the connection closes instead.
    if (!req.complete) res.setHeader('connection', 'close');
    send(res, status, body);
  }

  private clientIp(req: IncomingMessage): string {
    if (this.opts.trustProxy) {
      const xff = req.headers['x-forwarded-for'];
      const first = (Array.isArray(xff) ? xff[0] : xff)?.split(',')[0]?.trim();
      if (first) return first;
    }
    return req.socket.remoteAddress ?? '';
  }
}

/** Writes a whole answer: JSON for objects, bytes or text as they are, CORS always. */
function send(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  let payload: string | Buffer | undefined;
  let type: string | undefined;
  if (body === undefined && status === 204) payload = undefined;
  else if (Buffer.isBuffer(body)) (payload = body), (type = 'application/octet-stream');
  else if (typeof body === 'string') (payload = body), (type = 'text/plain; charset=utf-8');
  else (payload = JSON.stringify(body ?? {})), (type = 'application/json');
  const out: Record<string, string | number> = { ...CORS_HEADERS };
  if (type !== undefined) out['content-type'] = type;
  if (headers) for (const k in headers) out[k.toLowerCase()] = headers[k]!;
  if (payload !== undefined) out['content-length'] = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  res.writeHead(status, out);
  res.end(payload);
}

function segmentsOf(path: string): string[] {
  // Trailing slashes are ignored ('/sync/' is '/sync').
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return trimmed.split('/');
}

/** Depth-first: a static segment wins over a parameter, with backtracking. */
function findNode(node: RouteNode, segments: string[], i: number, values: string[], method: string): RouteNode | undefined {
  if (i === segments.length) return node.methods.has(method) ? node : undefined;
  const seg = segments[i]!;
  const s = node.statics.get(seg);
  if (s !== undefined) {
    const found = findNode(s, segments, i + 1, values, method);
    if (found) return found;
  }
  if (node.param !== undefined && seg !== '') {
    values.push(seg);
    const found = findNode(node.param, segments, i + 1, values, method);
    if (found) return found;
    values.pop();
  }
  return undefined;
}

/** Every method registered for any route matching the path (to answer 405 rather than 404). */
function collectMethods(node: RouteNode, segments: string[], i: number, out: Set<string>): void {
  if (i === segments.length) {
    for (const m of node.methods.keys()) out.add(m);
    return;
  }
  const seg = segments[i]!;
  const s = node.statics.get(seg);
  if (s !== undefined) collectMethods(s, segments, i + 1, out);
  if (node.param !== undefined && seg !== '') collectMethods(node.param, segments, i + 1, out);
}

function decodePathSegment(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new MatrixError(400, 'M_UNRECOGNIZED', 'Malformed URL');
  }
}

/** application/x-www-form-urlencoded decoding, lenient: a malformed escape is kept as written. */
export function parseQuery(qs: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (qs === '') return out;
  for (const pair of qs.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeQueryPart(eq < 0 ? pair : pair.slice(0, eq));
    if (key === '__proto__') continue;
    out[key] = eq < 0 ? '' : decodeQueryPart(pair.slice(eq + 1));
  }
  return out;
}

function decodeQueryPart(s: string): string {
  const plain = s.includes('+') ? s.replace(/\+/g, ' ') : s;
  if (!plain.includes('%')) return plain;
  try {
    return decodeURIComponent(plain);
  } catch {
    return plain;
  }
}

/** The body's bytes, refused with 413 M_TOO_LARGE past `limit` (by Content-Length up front, or while reading). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.reject(new MatrixError(413, 'M_TOO_LARGE', 'Request body too large'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.pause();
        reject(new MatrixError(413, 'M_TOO_LARGE', 'Request body too large'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => {
      cleanup();
      reject(new MatrixError(400, 'M_UNKNOWN', 'Request aborted'));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * Requests Node's HTTP parser refuses (headers or URL over the size limit, garbage)
 * never reach a route: answer them as Matrix errors, with CORS too.
 */
function onClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const [status, reason, errcode, message] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large', 'M_TOO_LARGE', 'Request headers or URL too large']
    : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout', 'M_UNKNOWN', 'Request timed out']
    : [400, 'Bad Request', 'M_UNKNOWN', 'Malformed HTTP request'];
  const body = JSON.stringify({ errcode, error: message });
  const cors = Object.entries(CORS_HEADERS).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${cors}Connection: close\r\n\r\n${body}`);
}
