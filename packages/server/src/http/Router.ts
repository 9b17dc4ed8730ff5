// The route helper: every endpoint is declared once with `router.route({...})`
// and answers under each of its prefixes (by default /_matrix/client/v3 and
// /_matrix/client/r0). It authenticates, rate-limits and parses the body before
// the handler runs, and sends the handler's result; errors thrown anywhere go to
// the single error serialiser (errorResponse.ts). See ARCHITECTURE.md "HTTP".
import type { ServerResponse } from 'node:http';
import { MatrixError } from '@weft/core';
import { isObject, type JsonObject } from './validate.js';
import type { RateLimiter } from './RateLimiter.js';
import type { HttpApp, Reply, RequestContext } from './HttpApp.js';

export const CLIENT_V3 = '/_matrix/client/v3';
export const CLIENT_R0 = '/_matrix/client/r0';
export const CLIENT_V1 = '/_matrix/client/v1';
/** The seeds' original API (pre-r0); only a few endpoints are kept there. */
export const CLIENT_API_V1 = '/_matrix/client/api/v1';
/** Default prefixes for a client-server endpoint. */
export const CLIENT_PREFIXES: readonly string[] = [CLIENT_V3, CLIENT_R0];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type AuthMode = 'user' | 'optional' | 'none';

/** The authenticated caller (from the access token). */
export interface Requester {
  userId: string;
  deviceId: string;
  accessTokenId: number;
  isGuest: boolean;
}

/**
 * How the body is handed to the handler:
 * - 'object' (default): a JSON object; empty body → {}; invalid JSON → 400 M_NOT_JSON;
 *   other JSON values → 400 M_BAD_JSON. (GET bodies are never read: always {}.)
 * - 'json': any JSON value (undefined when empty).
 * - 'raw': the bytes as a Buffer (media upload).
 * - 'none': ignored.
 */
export type BodyMode = 'object' | 'json' | 'raw' | 'none';

export interface HandlerRequest<A extends AuthMode, B> {
  body: B;
  /** Path parameters, already URL-decoded. */
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  user: A extends 'user' ? Requester : Requester | undefined;
  /** The access token as presented (for logout of this exact token etc.). */
  accessToken: string | undefined;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  /** Aborted when the client goes away (long polls stop waiting). */
  signal: AbortSignal;
}

export interface HandlerResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

type BodyOf<M extends BodyMode> = M extends 'object' ? JsonObject : M extends 'raw' ? Buffer : unknown;

export interface RouteDef<A extends AuthMode, M extends BodyMode> {
  method: HttpMethod;
  /** Path below each prefix, ':name' for a parameter: '/rooms/:roomId/send/:eventType/:txnId'. */
  path: string;
  /** Defaults to CLIENT_PREFIXES. Use [''] for absolute paths. */
  prefixes?: readonly string[];
  auth: A;
  /** Rate-limit kind (a key of the limits given to the RateLimiter, e.g. 'message', 'login', 'registration'). Keyed by user when authenticated, else client IP. */
  rateLimit?: string;
  body?: M;
  /** Per-route body cap in bytes (defaults to max_request_body_size). */
  bodyLimit?: number;
  handler: (req: HandlerRequest<A, BodyOf<M>>) => Promise<HandlerResult> | HandlerResult;
}

/** A registered endpoint as seen from outside: full URL pattern (':name' parameters) and its settings. */
export interface RouteInfo {
  method: HttpMethod;
  url: string;
  auth: AuthMode;
  body: BodyMode;
  rateLimit: string | undefined;
  /** The route's own body cap, when it has one (else max_request_body_size). */
  bodyLimit: number | undefined;
}

/** Resolves an access token, or throws 401 M_UNKNOWN_TOKEN. */
export type Authenticate = (token: string, ip: string) => Promise<Requester>;

export class Router {
  private readonly registered: RouteInfo[] = [];

  constructor(
    readonly app: HttpApp,
    private readonly deps: { authenticate: Authenticate; rateLimiter: RateLimiter },
  ) {}

  route<A extends AuthMode, M extends BodyMode = 'object'>(def: RouteDef<A, M>): void {
    const bodyMode: BodyMode = def.body ?? 'object';
    const run = (ctx: RequestContext) => this.run(def as unknown as RouteDef<AuthMode, BodyMode>, bodyMode, ctx);
    for (const prefix of def.prefixes ?? CLIENT_PREFIXES) {
      const url = prefix + def.path;
      this.registered.push({ method: def.method, url, auth: def.auth, body: bodyMode, rateLimit: def.rateLimit, bodyLimit: def.bodyLimit });
      this.app.route(def.method, url, run, def.bodyLimit);
    }
  }

  /** Every registered endpoint, one entry per prefix (read-only; tests enumerate routes with it). */
  routes(): RouteInfo[] {
    return this.registered.map((r) => ({ ...r }));
  }

  private async run(def: RouteDef<AuthMode, BodyMode>, bodyMode: BodyMode, ctx: RequestContext): Promise<Reply> {
    const { query, ip } = ctx;
    const token = extractAccessToken(ctx.req.headers.authorization, query.access_token);
    let user: Requester | undefined;
    if (def.auth !== 'none' && token !== undefined) user = await this.deps.authenticate(token, ip);
    if (def.auth === 'user' && user === undefined) throw new MatrixError(401, 'M_MISSING_TOKEN', 'Missing access token');

    if (def.rateLimit) this.deps.rateLimiter.take(def.rateLimit, user?.userId ?? ip);

    const body = parseBody(ctx.body, bodyMode);
    const handlerRequest = new RouterRequest(body, ctx.params, query, user, token, ip, ctx.req.headers, ctx.res) as unknown as HandlerRequest<AuthMode, never>;
    const result = await def.handler(handlerRequest);
    return { status: result.status ?? 200, body: result.body ?? {}, headers: result.headers };
  }
}

/**
 * The request handed to a handler. A class (one shape, methods on the
 * prototype) rather than an object literal with a per-request getter closure:
 * the abort signal (client went away) is made only for handlers that read it —
 * long-polls do; an AbortController and a close listener per send showed up in
 * send-path profiles.
 */
class RouterRequest {
  private ac: AbortController | undefined;

  constructor(
    readonly body: unknown,
    readonly params: Record<string, string>,
    readonly query: Record<string, string | undefined>,
    readonly user: Requester | undefined,
    readonly accessToken: string | undefined,
    readonly ip: string,
    readonly headers: Record<string, string | string[] | undefined>,
    private readonly res: ServerResponse,
  ) {}

  get signal(): AbortSignal {
    if (this.ac === undefined) {
      const controller = (this.ac = new AbortController());
      const res = this.res;
      res.once('close', () => {
        if (!res.writableFinished) controller.abort();
      });
    }
    return this.ac.signal;
  }
}

/**
 * Spec "Client Authentication": the token comes from `Authorization: Bearer`
 * or, deprecated but still used by older clients (and the seeds' API), the
 * `access_token` query parameter.
 */
export function extractAccessToken(authorization: string | undefined, queryToken: string | undefined): string | undefined {
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (m) return m[1];
    throw new MatrixError(401, 'M_MISSING_TOKEN', 'Invalid Authorization header', { soft_logout: false });
  }
  return queryToken === '' ? undefined : queryToken;
}

function parseBody(raw: Buffer | undefined, mode: BodyMode): unknown {
  if (mode === 'raw') return raw ?? Buffer.alloc(0);
  const text = raw === undefined || raw.length === 0 ? '' : raw.toString('utf8');
  if (text.trim() === '') return mode === 'object' ? {} : undefined;
  if (mode === 'none') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MatrixError(400, 'M_NOT_JSON', 'Content not JSON.');
  }
  if (mode === 'object' && !isObject(value)) throw new MatrixError(400, 'M_BAD_JSON', 'Body must be a JSON object');
  const problem = jsonShapeProblem(value, MAX_JSON_DEPTH);
  if (problem) throw new MatrixError(400, 'M_BAD_JSON', problem);
  return value;
}

/** Deepest nesting of objects/arrays accepted in a request body. */
export const MAX_JSON_DEPTH = 256;

/**
 * NOTSPEC guards on any JSON body (iterative: no recursion on client input):
 * - nesting deeper than `max`: JSON.parse accepts any depth, but handlers that stringify or
 *   walk the value recursively (canonical JSON, storage) overflow the stack at a few thousand;
 * - NUL in an object key: keys are identifiers (user/device/key IDs, event types) that end up
 *   in text columns, and PostgreSQL text cannot hold U+0000.
 */
function jsonShapeProblem(value: unknown, max: number): string | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > max) return `JSON nested deeper than ${max} levels`;
    if (!Array.isArray(v)) for (const k of Object.keys(v)) if (k.includes('\u0000')) return 'Object keys must not contain NUL';
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return undefined;
}
