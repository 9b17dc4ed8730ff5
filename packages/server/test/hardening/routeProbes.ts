// The per-route probe batteries of the hardening suite (routes.test.ts runs them
// on each engine). Each battery sends one family of bad input to every route
// and records every answer that breaks the error contract or the status the
// spec gives for that input (client-server-api "API Standards": errors,
// "Client Authentication", "Rate limiting"; issue 3 point 8).
import type { RouteInfo } from '../../src/http/Router.js';
import { fillPath, paramNames } from './routeCatalogue.js';
import { Findings, probe, type ProbeRequest, type ProbeResponse } from './probe.js';
import { endsSession, isMembership, type World } from './world.js';

/** Sends one probe for `route` as its usual caller, with path values overridden. */
export async function send(
  world: World,
  route: RouteInfo,
  opts: { body?: ProbeRequest['body']; token?: string | null; query?: string; params?: Record<string, string>; raw?: ReadonlySet<string>; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ req: ProbeRequest; res: ProbeResponse }> {
  let token: string | undefined;
  const params = { ...world.params };
  if (opts.token === null) token = undefined;
  else if (opts.token !== undefined) token = opts.token;
  else if (route.auth === 'none') token = undefined;
  else if (endsSession(route)) {
    // A throwaway user (logout/all and deactivation end every session of the user),
    // replaced only after a probe succeeded.
    let s = spares.get(world);
    if (!s) {
      const u = await world.server.register();
      spares.set(world, (s = { token: u.accessToken, deviceId: u.deviceId }));
    }
    token = s.token;
    params.deviceId = s.deviceId;
  } else if (isMembership(route)) {
    token = world.bob.accessToken;
    params.userId = world.bob.userId;
  } else token = world.alice.accessToken;
  Object.assign(params, opts.params);
  for (const name of paramNames(route.url)) params[name] ??= 'fuzz';
  const path = fillPath(route.url, params, opts.raw) + (opts.query ? `?${opts.query}` : '');
  const req: ProbeRequest = { method: route.method, path, body: opts.body, token, headers: opts.headers, timeoutMs: opts.timeoutMs };
  const res = await probe(world.server.baseUrl, req);
  if (endsSession(route) && res.status < 400) spares.delete(world);
  return { req, res };
}

/** Per world: a throwaway user's session for probes that may end it. */
const spares = new WeakMap<World, { token: string; deviceId: string }>();

export const takesBody = (r: RouteInfo): boolean => r.method !== 'GET' && (r.body === 'object' || r.body === 'json');

/** 401 M_MISSING_TOKEN without a token, 401 M_UNKNOWN_TOKEN with a bad one. */
export async function authBattery(world: World, f: Findings): Promise<void> {
  for (const route of world.routes) {
    if (route.auth !== 'user') continue;
    let x = await send(world, route, { token: null });
    f.check(x.req, x.res, { status: 401, errcode: 'M_MISSING_TOKEN' });
    x = await send(world, route, { token: 'syt_not_a_real_token' });
    f.check(x.req, x.res, { status: 401, errcode: 'M_UNKNOWN_TOKEN' });
    if (x.res.json?.errcode === 'M_UNKNOWN_TOKEN' && typeof x.res.json.soft_logout !== 'boolean') f.add(x.req, x.res, 'M_UNKNOWN_TOKEN without soft_logout');
    x = await send(world, route, { token: null, headers: { authorization: 'Basic Zm9vOmJhcg==' } });
    f.check(x.req, x.res, { status: 401, errcode: ['M_MISSING_TOKEN', 'M_UNKNOWN_TOKEN'] });
    x = await send(world, route, { token: null, query: 'access_token=%00%ff' });
    f.check(x.req, x.res, { status: 401, errcode: ['M_UNKNOWN_TOKEN', 'M_MISSING_TOKEN'] });
  }
}

const MALFORMED: readonly string[] = ['{', '{"a":', '{"a" 1}', "{'a': 1}", 'nul', '{"a":1}}', '\u0000', '{"a":NaN}', '{"a":01}', '{"a":"\\x"}'];
const NOT_OBJECTS: readonly string[] = ['[]', '[{}]', '"a string"', '42', '-1.5e3', 'null', 'true'];

/** Malformed JSON → 400 M_NOT_JSON; valid JSON that is not an object → 400 M_BAD_JSON (or M_NOT_JSON). */
export async function jsonBattery(world: World, f: Findings): Promise<void> {
  for (const route of world.routes) {
    if (!takesBody(route)) continue;
    for (const body of MALFORMED) {
      const x = await send(world, route, { body });
      f.check(x.req, x.res, { status: 400, errcode: 'M_NOT_JSON' });
    }
    // Invalid UTF-8 inside a JSON string: either rejected or decoded with U+FFFD; never a 500.
    let x = await send(world, route, { body: Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]) });
    f.check(x.req, x.res);
    if (route.body !== 'object') continue;
    for (const body of NOT_OBJECTS) {
      x = await send(world, route, { body });
      f.check(x.req, x.res, { status: 400, errcode: ['M_BAD_JSON', 'M_NOT_JSON'] });
    }
  }
}

const deep = (n: number): string => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const deepArray = (n: number): string => '['.repeat(n) + ']'.repeat(n);

/** Objects full of garbage: every route must answer < 500 with a proper error (or succeed). */
export const GARBAGE_BODIES: readonly (string | object)[] = [
  { a: 'x'.repeat(200_000) },
  { '': null, ['\u0000']: '\u0000', ['x'.repeat(5000)]: 1 },
  '{"body":"\\ud800","msgtype":"\\udfff","type":"\\ud800\\udc00x\\udbff"}',
  '{"\\ud800":"lone surrogate key"}',
  { body: '\u0000nul\u0000', msgtype: 'm.text', displayname: '\u0000', type: '\u202e\u0000' },
  { body: 'e\u0301\u200d\ufeff\uffff\u{10ffff}', msgtype: '\u{1f600}', name: '\ufffe' },
  '{"n":1e400,"m":-1e400,"f":1.5,"big":9007199254740993,"neg0":-0}',
  '{"a":1,"a":"duplicate key"}',
  deep(5_000),
  deep(250),
  deepArray(100_000),
  { auth: 'x', type: ['m.login.password'], identifier: 7, user: {}, password: [], device_id: { a: 1 } },
  { room_version: 12, preset: {}, visibility: 'sideways', invite: 'not-a-list', initial_state: [{}, 1, 'x'], power_level_content_override: [] },
  { filter: 'x', timeline: [], room: { timeline: { limit: 'many' }, rooms: 'all' }, event_fields: [1] },
  { device_keys: 'x', one_time_keys: [], fallback_keys: 1, messages: { '@a:b': 'x' }, timeout: 'soon' },
  { msgtype: 'm.text', body: 'ok', 'm.relates_to': 'x', reason: 42, membership: 'join' },
];

/** Garbage object bodies to every route that takes one. */
export async function garbageBattery(world: World, f: Findings): Promise<void> {
  for (const route of world.routes) {
    if (!takesBody(route)) continue;
    for (const body of GARBAGE_BODIES) {
      const x = await send(world, route, { body });
      f.check(x.req, x.res);
    }
  }
}

/** Query parameters of the wrong type, to every route. */
export const BAD_QUERIES: readonly string[] = [
  'limit=abc', 'limit=-1', 'limit=1e309', 'limit=99999999999999999999', 'limit=', 'limit=1.5', 'limit=0x10',
  'from=garbage', 'from=t-1', 'from=s99999999999999999999_0', 'to=%00', 'since=garbage', 'since=s-1_-1', 'since=t1',
  'timeout=-5', 'timeout=abc', 'timeout=1e309', 'dir=x', 'dir=', 'filter={bad', 'filter=%7B%22room%22%3A1%7D', 'filter=123456789',
  'full_state=maybe', 'set_presence=sideways', 'at=garbage', 'membership=x', 'not_membership=%00', 'ts=abc', 'ts=-1',
  'server=%00', 'via=a&via=', 'kind=x', 'access_token=', 'limit=1&limit=abc', 'user_id=%00', 'include_all_networks=x',
];

export async function queryBattery(world: World, f: Findings): Promise<void> {
  for (const route of world.routes) {
    for (const query of BAD_QUERIES) {
      const x = await send(world, route, { query, timeoutMs: 15_000, body: takesBody(route) ? {} : undefined });
      f.check(x.req, x.res);
    }
  }
}

/** Path parameter values that are garbage (sent raw, i.e. as they appear in the URL). */
export const BAD_PATH_VALUES: readonly string[] = [
  'x', '%20', '%00', '%ff', '%ED%A0%80', '%C0%AF', '%E2%80%AE', '%F0%9F%98%80', '%2F', '..', '%2E%2E', '%25', '%',
  '!', '!%3A', '!nope%3Aweft.test', '%24nope%3Aweft.test', '%40nope%3Aweft.test', '%23nope%3Aweft.test', '%23%3A', '@', '%40',
  '!x%3A' + 'a'.repeat(300), 'a'.repeat(4000), 'a'.repeat(5000), '%40a%3A' + 'b'.repeat(1000), '%5Cu0000', 'null', '-1', '1e309',
];

export async function pathBattery(world: World, f: Findings): Promise<void> {
  for (const route of world.routes) {
    const names = paramNames(route.url);
    for (const name of names) {
      for (const value of BAD_PATH_VALUES) {
        const x = await send(world, route, { params: { [name]: value }, raw: new Set([name]), body: takesBody(route) ? {} : undefined });
        f.check(x.req, x.res);
      }
    }
  }
}

/** A body over the request cap → 413 M_TOO_LARGE (cap read from the running config). */
export async function oversizeBattery(world: World, f: Findings): Promise<void> {
  const cap = world.server.hs.config.max_request_body_size;
  for (const route of world.routes) {
    if (route.method === 'GET' || route.body === 'none') continue;
    // Routes with their own cap (media upload: max_upload_size) are probed just over it.
    const body = JSON.stringify({ pad: 'x'.repeat((route.bodyLimit ?? cap) + 16) });
    const x = await send(world, route, { body });
    f.check(x.req, x.res, { status: 413, errcode: 'M_TOO_LARGE' });
  }
}

/** The server still answers /versions. */
export async function stillAlive(world: World): Promise<boolean> {
  const res = await probe(world.server.baseUrl, { method: 'GET', path: '/_matrix/client/versions', timeoutMs: 5000 });
  return res.status === 200 && Array.isArray(res.json?.versions);
}
