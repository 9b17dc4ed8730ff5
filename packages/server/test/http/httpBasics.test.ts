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
