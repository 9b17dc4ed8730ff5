// Honest surfaces and the HTTP envelope (issue 3 point 8; client-server-api
// "API Standards", "Web Browser Clients", "Capabilities negotiation"):
// unknown paths 404 M_UNRECOGNIZED, wrong methods 405 M_UNRECOGNIZED, OPTIONS
// preflight with CORS on every route, CORS on error answers too, and endpoints
// Element calls that Weft does not implement answer 404 M_UNRECOGNIZED (never a
// made-up success).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer } from '../harness.js';
import type { HttpMethod } from '../../src/http/Router.js';
import { Findings, probe } from './probe.js';
import { buildWorld, type World } from './world.js';
import { fillPath } from './routeCatalogue.js';

const METHODS: HttpMethod[] = ['GET', 'PUT', 'POST', 'DELETE'];

function patternRe(url: string): RegExp {
  return new RegExp('^' + url.split('/').map((s) => (s.startsWith(':') ? '[^/]+' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/') + '/?$');
}

/**
 * Endpoints Element Web / matrix-js-sdk call that Weft has no route for (yet). Each must
 * answer 404 M_UNRECOGNIZED so clients fall back instead of trusting an invented answer.
 * When an area implements one, its route exists and the test skips it (see `implemented`).
 */
export const ELEMENT_CALLS: readonly [HttpMethod, string][] = [
  ['GET', '/_matrix/client/v3/thirdparty/protocols'],
  ['GET', '/_matrix/client/v3/voip/turnServer'],
  ['POST', '/_matrix/client/v3/user_directory/search'],
  ['GET', '/_matrix/client/v1/rooms/{roomId}/relations/{eventId}'],
  ['GET', '/_matrix/client/v1/rooms/{roomId}/threads'],
  ['GET', '/_matrix/client/v1/rooms/{roomId}/hierarchy'],
  ['POST', '/_matrix/client/v1/login/get_token'],
  ['GET', '/_matrix/client/v1/media/config'],
  ['GET', '/_matrix/media/v3/config'],
  ['POST', '/_matrix/media/v3/upload'],
  ['GET', '/_matrix/client/v1/media/preview_url'],
  ['GET', '/_matrix/client/v3/notifications'],
  ['GET', '/_matrix/client/v3/account/3pid'],
  ['POST', '/_matrix/client/v3/account/3pid/email/requestToken'],
  ['GET', '/_matrix/client/v3/pushers'],
  ['POST', '/_matrix/client/v3/pushers/set'],
  ['PUT', '/_matrix/client/v3/pushrules/global/override/x.fuzz'],
  ['POST', '/_matrix/client/v3/search'],
  ['POST', '/_matrix/client/v3/rooms/{roomId}/report/{eventId}'],
  ['POST', '/_matrix/client/v3/rooms/{roomId}/upgrade'],
  ['POST', '/_matrix/client/v3/knock/{roomId}'],
  ['GET', '/_matrix/client/v3/login/sso/redirect'],
  ['POST', '/_matrix/client/v3/user/{userId}/openid/request_token'],
  ['GET', '/_matrix/client/v3/rooms/{roomId}/initialSync'],
  ['GET', '/_matrix/client/v3/events'],
  ['GET', '/_matrix/client/unstable/org.matrix.msc2666/user/mutual_rooms'],
  ['GET', '/_matrix/client/v3/room_keys/keys'],
  ['GET', '/_matrix/client/v1/auth_metadata'],
  ['GET', '/.well-known/matrix/support'],
];

for (const engine of engines()) {
  describe(`hardening: honest surfaces and the HTTP envelope (${engine})`, () => {
    let server: TestServer;
    let world: World;
    before(async () => {
      server = await startTestServer({ engine });
      world = await buildWorld(server);
    });
    after(() => server.close());

    it('unknown paths → 404 M_UNRECOGNIZED with CORS', async () => {
      const f = new Findings();
      for (const path of ['/nope', '/_matrix/client/v3/nope', '/_matrix/client/v3/rooms', '/_matrix/client/v3/rooms/!a:b/nope', '/_matrix/client/v4/sync', '/_matrix/federation/v1/version', '/_matrix/client/r0/createRoom/x', '/_matrix/client/v3/sync/x', '/_matrix/client/v3/rooms/%21a%3Ab/send']) {
        for (const method of METHODS) {
          const req = { method, path, token: world.alice.accessToken };
          const res = await probe(server.baseUrl, req);
          f.check(req, res, { status: [404, 405], errcode: 'M_UNRECOGNIZED' });
          if (res.headers.get('access-control-allow-origin') !== '*') f.add(req, res, 'no CORS header');
        }
      }
      assert.equal(f.items.length, 0, f.report());
    });

    it('every route, with a method it does not have → 405 M_UNRECOGNIZED', async () => {
      const f = new Findings();
      let checked = 0;
      for (const route of world.routes) {
        const path = fillPath(route.url, new Proxy(world.params, { get: (t, k: string) => t[k] ?? 'fuzz' }));
        for (const method of METHODS) {
          if (world.routes.some((r) => r.method === method && patternRe(r.url).test(decodeURIComponent(path)))) continue;
          if (world.routes.some((r) => r.method === method && patternRe(r.url).test(path))) continue;
          checked++;
          const req = { method, path, token: world.alice.accessToken, body: method === 'GET' ? undefined : {} };
          const res = await probe(server.baseUrl, req);
          f.check(req, res, { status: 405, errcode: 'M_UNRECOGNIZED' });
        }
      }
      assert.ok(checked > 50, `only ${checked} method/path pairs checked`);
      assert.equal(f.items.length, 0, f.report());
    });

    it('OPTIONS preflight on every route → 2xx with the CORS headers, no auth needed', async () => {
      const f = new Findings();
      for (const route of world.routes) {
        const path = fillPath(route.url, new Proxy(world.params, { get: (t, k: string) => t[k] ?? 'fuzz' }));
        const req = { method: 'OPTIONS', path, headers: { origin: 'https://app.element.io', 'access-control-request-method': route.method, 'access-control-request-headers': 'authorization, content-type' } };
        const res = await probe(server.baseUrl, req);
        if (res.status !== 200 && res.status !== 204) f.add(req, res, 'preflight not 2xx');
        if (res.headers.get('access-control-allow-origin') !== '*') f.add(req, res, 'no Access-Control-Allow-Origin: *');
        for (const m of [route.method, 'OPTIONS']) if (!(res.headers.get('access-control-allow-methods') ?? '').includes(m)) f.add(req, res, `Allow-Methods lacks ${m}`);
        for (const h of ['Authorization', 'Content-Type', 'X-Requested-With']) if (!(res.headers.get('access-control-allow-headers') ?? '').toLowerCase().includes(h.toLowerCase())) f.add(req, res, `Allow-Headers lacks ${h}`);
      }
      assert.equal(f.items.length, 0, f.report());
    });

    it('CORS headers on error answers (401, 400, framework errors)', async () => {
      for (const [method, path] of [['GET', '/_matrix/client/v3/sync'], ['GET', '/_matrix/client/v3/rooms/%ff/state'], ['GET', `/_matrix/client/v3/profile/${'a'.repeat(5000)}`]] as const) {
        const res = await probe(server.baseUrl, { method, path });
        assert.ok(res.status >= 400 && res.status < 500, `${path} → ${res.status}`);
        assert.equal(res.headers.get('access-control-allow-origin'), '*', `${method} ${path.slice(0, 60)} → ${res.status} without CORS`);
        assert.match(res.json?.errcode ?? '', /^M_/);
      }
    });

    it('headers or URL over the HTTP parser limit → 431 M_TOO_LARGE with CORS; the server keeps answering', async () => {
      for (const req of [
        { method: 'GET', path: `/_matrix/client/v3/sync?x=${'a'.repeat(100_000)}`, token: world.alice.accessToken },
        { method: 'GET', path: '/_matrix/client/v3/sync', token: world.alice.accessToken, headers: { 'x-big': 'a'.repeat(20_000) } },
      ]) {
        const res = await probe(server.baseUrl, req);
        assert.equal(res.status, 431, res.text);
        assert.equal(res.json?.errcode, 'M_TOO_LARGE');
        assert.equal(typeof res.json?.error, 'string');
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
      }
      assert.equal((await probe(server.baseUrl, { method: 'GET', path: '/_matrix/client/versions' })).status, 200);
    });

    it('/versions and /capabilities advertise only what is served', async () => {
      const versions = await probe(server.baseUrl, { method: 'GET', path: '/_matrix/client/versions' });
      assert.equal(versions.status, 200);
      assert.ok(Array.isArray(versions.json.versions) && versions.json.versions.includes('v1.1'));
      // v1.11 is authenticated media (/_matrix/client/v1/media/*): only when those routes exist.
      const hasMedia = world.routes.some((r) => r.url.startsWith('/_matrix/client/v1/media/'));
      if (!hasMedia) assert.ok(!versions.json.versions.some((v: string) => /^v1\.(1[1-9]|[2-9]\d)$/.test(v)), `advertises ${versions.json.versions.join(',')} without authenticated media`);
      for (const [flag, on] of Object.entries(versions.json.unstable_features ?? {})) assert.equal(typeof on, 'boolean', flag);

      const caps = await probe(server.baseUrl, { method: 'GET', path: '/_matrix/client/v3/capabilities', token: world.alice.accessToken });
      assert.equal(caps.status, 200);
      const c = caps.json.capabilities;
      const has = (method: HttpMethod, url: string) => world.routes.some((r) => r.method === method && r.url === url);
      assert.equal(c['m.change_password'].enabled, has('POST', '/_matrix/client/v3/account/password'));
      assert.equal(c['m.set_displayname'].enabled, has('PUT', '/_matrix/client/v3/profile/:userId/:keyName'));
      assert.equal(c['m.3pid_changes']?.enabled ?? true, has('POST', '/_matrix/client/v3/account/3pid/add'));
      assert.equal(c['m.get_login_token']?.enabled ?? false, has('POST', '/_matrix/client/v1/login/get_token'));
      // Every advertised room version can really be created.
      for (const v of Object.keys(c['m.room_versions'].available)) {
        const res = await probe(server.baseUrl, { method: 'POST', path: '/_matrix/client/v3/createRoom', token: world.alice.accessToken, body: { room_version: v } });
        assert.equal(res.status, 200, `room version ${v}: ${res.text}`);
      }
      const bad = await probe(server.baseUrl, { method: 'POST', path: '/_matrix/client/v3/createRoom', token: world.alice.accessToken, body: { room_version: '999' } });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.errcode, 'M_UNSUPPORTED_ROOM_VERSION');
    });

    it('endpoints Element calls that are not implemented → 404 M_UNRECOGNIZED (never an invented success)', async (t) => {
      const f = new Findings();
      const missing: string[] = [];
      for (const [method, tpl] of ELEMENT_CALLS) {
        const path = tpl.replace('{roomId}', encodeURIComponent(world.roomId)).replace('{eventId}', encodeURIComponent(world.eventId)).replace('{userId}', encodeURIComponent(world.alice.userId));
        const implemented = world.routes.some((r) => r.method === method && patternRe(r.url).test(decodeURIComponent(path)));
        const req = { method, path, token: world.alice.accessToken, body: method === 'GET' ? undefined : {} };
        const res = await probe(server.baseUrl, req);
        if (implemented) {
          f.check(req, res);
          continue;
        }
        missing.push(`${method} ${tpl}`);
        f.check(req, res, { status: 404, errcode: 'M_UNRECOGNIZED' });
      }
      t.diagnostic(`not implemented: ${missing.join('; ')}`);
      assert.equal(f.items.length, 0, f.report());
    });
  });
}
