// The HTTP layer's contract: errors, 404/405, JSON handling, body cap, CORS, tokens.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer } from '../harness.js';

for (const engine of engines()) {
  describe(`http basics (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine, config: { max_request_body_size: 4096 } });
    });
    after(() => hs.close());

    it('unknown path → 404 M_UNRECOGNIZED', async () => {
      const res = await hs.request('GET', '/_matrix/client/v3/no/such/thing');
      assert.equal(res.status, 404);
      assert.equal(res.body.errcode, 'M_UNRECOGNIZED');
      assert.equal(typeof res.body.error, 'string');
    });

    it('known path, wrong method → 405 M_UNRECOGNIZED', async () => {
      const res = await hs.request('DELETE', '/_matrix/client/v3/login');
      assert.equal(res.status, 405);
      assert.equal(res.body.errcode, 'M_UNRECOGNIZED');
    });

    it('malformed JSON → 400 M_NOT_JSON', async () => {
      const res = await hs.request('POST', '/_matrix/client/v3/login', '{"type": ');
      assert.equal(res.status, 400);
      assert.equal(res.body.errcode, 'M_NOT_JSON');
    });

    it('JSON that is not an object → 400 M_BAD_JSON', async () => {
      const res = await hs.request('POST', '/_matrix/client/v3/login', '[1,2]');
      assert.equal(res.status, 400);
      assert.equal(res.body.errcode, 'M_BAD_JSON');
    });

    it('body without Content-Type is still parsed', async () => {
      const res = await fetch(`${hs.baseUrl}/_matrix/client/v3/login`, { method: 'POST', body: '{"type":"m.login.password"}' });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { errcode: string }).errcode, 'M_MISSING_PARAM');
    });

    it('oversized body → 413 M_TOO_LARGE', async () => {
      const res = await hs.request('POST', '/_matrix/client/v3/login', { type: 'm.login.password', pad: 'x'.repeat(10_000) });
      assert.equal(res.status, 413);
      assert.equal(res.body.errcode, 'M_TOO_LARGE');
    });

    it('CORS headers on every response, OPTIONS preflight on any path', async () => {
      const ok = await hs.request('GET', '/_matrix/client/versions');
      assert.equal(ok.headers.get('access-control-allow-origin'), '*');
      const missing = await hs.request('GET', '/nope');
      assert.equal(missing.headers.get('access-control-allow-origin'), '*');
      for (const path of ['/_matrix/client/v3/login', '/_matrix/client/v3/rooms/!x:y/send/m.room.message/1', '/anything']) {
        const pre = await hs.request('OPTIONS', path, undefined, undefined, { origin: 'https://app.element.io', 'access-control-request-method': 'POST' });
        assert.ok(pre.status === 200 || pre.status === 204, `OPTIONS ${path} → ${pre.status}`);
        assert.equal(pre.headers.get('access-control-allow-origin'), '*');
        assert.match(pre.headers.get('access-control-allow-methods') ?? '', /PUT/);
        assert.match(pre.headers.get('access-control-allow-headers') ?? '', /Authorization/);
      }
    });

    it('missing token → 401 M_MISSING_TOKEN; unknown → 401 M_UNKNOWN_TOKEN soft_logout false', async () => {
      const missing = await hs.request('GET', '/_matrix/client/v3/account/whoami');
      assert.equal(missing.status, 401);
      assert.equal(missing.body.errcode, 'M_MISSING_TOKEN');
      const unknown = await hs.request('GET', '/_matrix/client/v3/account/whoami', undefined, 'nope');
      assert.equal(unknown.status, 401);
      assert.equal(unknown.body.errcode, 'M_UNKNOWN_TOKEN');
      assert.equal(unknown.body.soft_logout, false);
    });

    it('access_token query parameter and the r0 prefix work', async () => {
      const u = await hs.register();
      const res = await hs.request('GET', `/_matrix/client/r0/account/whoami?access_token=${encodeURIComponent(u.accessToken)}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.user_id, u.userId);
    });

    it('/versions, /.well-known/matrix/client and /capabilities', async () => {
      const v = await hs.request('GET', '/_matrix/client/versions');
      assert.equal(v.status, 200);
      assert.ok(v.body.versions.includes('r0.6.1'));
      assert.ok(v.body.versions.includes('v1.1'));
      const wk = await hs.request('GET', '/.well-known/matrix/client');
      assert.equal(wk.status, 200);
      assert.match(wk.body['m.homeserver'].base_url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
      const u = await hs.register();
      const caps = await hs.request('GET', '/_matrix/client/v3/capabilities', undefined, u.accessToken);
      assert.equal(caps.status, 200);
      assert.equal(caps.body.capabilities['m.room_versions'].default, '11');
      assert.equal(caps.body.capabilities['m.room_versions'].available['12'], 'stable');
      assert.equal(caps.body.capabilities['m.change_password'].enabled, true);
      assert.equal(caps.body.capabilities['m.3pid_changes'].enabled, false);
    });
  });
}

describe('rate limiting', () => {
  let hs: TestServer;
  before(async () => {
    hs = await startTestServer({ config: { rc_login: { per_second: 0.1, burst_count: 2 } } });
  });
  after(() => hs.close());

  it('429 M_LIMIT_EXCEEDED with retry_after_ms once the burst is spent', async () => {
    const body = { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'nobody' }, password: 'x' };
    const statuses = [];
    let last;
    for (let i = 0; i < 3; i++) {
      last = await hs.request('POST', '/_matrix/client/v3/login', body);
      statuses.push(last.status);
    }
    assert.deepEqual(statuses, [403, 403, 429]);
    assert.equal(last!.body.errcode, 'M_LIMIT_EXCEEDED');
    assert.ok(last!.body.retry_after_ms > 0);
  });
});

// The HTTP layer itself (http/HttpApp.ts): routing, decoding and the client address.
describe('http routing and decoding', () => {
  let hs: TestServer;
  before(async () => {
    hs = await startTestServer({
      config: { listeners: [{ port: 0, bind_addresses: ['127.0.0.1'], type: 'http', x_forwarded: true, resources: [{ names: ['client'] }] }] },
    });
  });
  after(() => hs.close());

  it('a trailing slash is ignored; HEAD answers like GET without a body', async () => {
    assert.equal((await hs.request('GET', '/_matrix/client/versions/')).status, 200);
    const head = await fetch(`${hs.baseUrl}/_matrix/client/versions`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('access-control-allow-origin'), '*');
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  it('path parameters are percent-decoded after matching (an encoded "/" stays inside its parameter)', async () => {
    const u = await hs.register();
    const room = await hs.request('POST', '/_matrix/client/v3/createRoom', {}, u.accessToken);
    const alias = '#with/slash:weft.test';
    const put = await hs.request('PUT', `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`, { room_id: room.body.room_id }, u.accessToken);
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const got = await hs.request('GET', `/_matrix/client/v3/directory/room/${encodeURIComponent(alias)}`);
    assert.equal(got.status, 200);
    assert.equal(got.body.room_id, room.body.room_id);
    // A static segment wins over a parameter, but the router backtracks when the static branch has no route.
    const joined = await hs.request('GET', '/_matrix/client/v3/joined_rooms', undefined, u.accessToken);
    assert.deepEqual(joined.body.joined_rooms, [room.body.room_id]);
  });

  it('a malformed %-escape → 400 M_UNRECOGNIZED; a parameter over 4096 bytes → 414 M_TOO_LARGE; both with CORS', async () => {
    const bad = await hs.request('GET', '/_matrix/client/v3/directory/room/%E0%A4%A');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errcode, 'M_UNRECOGNIZED');
    assert.equal(bad.headers.get('access-control-allow-origin'), '*');
    const long = await hs.request('GET', `/_matrix/client/v3/directory/room/${'a'.repeat(5000)}`);
    assert.equal(long.status, 414);
    assert.equal(long.body.errcode, 'M_TOO_LARGE');
    assert.equal((await hs.request('GET', '/_matrix/client/versions')).status, 200);
  });

  it('query strings: "+" is a space, a repeated key keeps its last value, a bad escape is taken as written', async () => {
    const u = await hs.register();
    const who = await hs.request('GET', `/_matrix/client/v3/account/whoami?access_token=wrong&access_token=${encodeURIComponent(u.accessToken)}&x=%ZZ`);
    assert.equal(who.status, 200);
    assert.equal(who.body.user_id, u.userId);
    const room = await hs.request('POST', '/_matrix/client/v3/createRoom', {}, u.accessToken);
    const send = await hs.request('PUT', `/_matrix/client/v3/rooms/${encodeURIComponent(room.body.room_id)}/send/m.room.message/t1`, { msgtype: 'm.text', body: 'hi' }, u.accessToken);
    assert.equal(send.status, 200);
    const filter = JSON.stringify({ types: ['m.room.message'] }).replace(/ /g, '+');
    const msgs = await hs.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(room.body.room_id)}/messages?dir=b&filter=${encodeURIComponent(filter).replace(/%2B/g, '+')}`, undefined, u.accessToken);
    assert.equal(msgs.status, 200, JSON.stringify(msgs.body));
    assert.deepEqual(msgs.body.chunk.map((e: { type: string }) => e.type), ['m.room.message']);
  });

  it('behind a trusted proxy (x_forwarded) the client address is the first X-Forwarded-For hop', async () => {
    const u = await hs.register();
    const res = await fetch(`${hs.baseUrl}/_matrix/client/v3/devices`, { headers: { authorization: `Bearer ${u.accessToken}`, 'x-forwarded-for': '203.0.113.7, 10.0.0.1' } });
    assert.equal(res.status, 200);
    const { devices } = (await res.json()) as { devices: { device_id: string; last_seen_ip?: string }[] };
    assert.equal(devices.find((d) => d.device_id === u.deviceId)?.last_seen_ip, '203.0.113.7');
  });
});
