// GET /voip/turnServer (voip.yaml): coturn REST API credentials from the shared
// secret; fixed credentials otherwise; not served without turn_uris.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startTestServer, type TestServer } from '../harness.js';

const PATH = '/_matrix/client/v3/voip/turnServer';

describe('TURN credentials', () => {
  let secret: TestServer;
  let fixed: TestServer;
  let none: TestServer;
  before(async () => {
    const uris = ['turn:turn.example.com:3478?transport=udp'];
    secret = await startTestServer({ config: { turn_uris: uris, turn_shared_secret: 's3cret', turn_user_lifetime: '2h' } });
    fixed = await startTestServer({ config: { turn_uris: uris, turn_username: 'u', turn_password: 'p' } });
    none = await startTestServer({});
  });
  after(async () => {
    await Promise.all([secret.close(), fixed.close(), none.close()]);
  });

  it('shared secret: "<expiry>:<user>" and base64 HMAC-SHA1 of it, with the lifetime as ttl', async () => {
    const u = await secret.register();
    const res = await secret.request('GET', PATH, undefined, u.accessToken);
    assert.equal(res.status, 200);
    const [expiry, user] = [res.body.username.split(':')[0], res.body.username.slice(res.body.username.indexOf(':') + 1)];
    assert.equal(user, u.userId);
    assert.ok(Math.abs(Number(expiry) - (Date.now() / 1000 + 7200)) < 60);
    assert.equal(res.body.password, createHmac('sha1', 's3cret').update(res.body.username).digest('base64'));
    assert.deepEqual(res.body.uris, ['turn:turn.example.com:3478?transport=udp']);
    assert.equal(res.body.ttl, 7200);
    assert.equal((await secret.request('GET', PATH)).status, 401);
  });

  it('fixed credentials; and no TURN configured → 404 M_UNRECOGNIZED', async () => {
    const u = await fixed.register();
    const res = await fixed.request('GET', PATH, undefined, u.accessToken);
    assert.deepEqual([res.body.username, res.body.password, res.body.ttl], ['u', 'p', 3600]);
    const v = await none.register();
    const missing = await none.request('GET', PATH, undefined, v.accessToken);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.errcode, 'M_UNRECOGNIZED');
  });
});
