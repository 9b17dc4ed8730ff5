// OpenID (client-server openid.yaml; server-server openid.yaml): a token for a
// third-party service, exchanged at /_matrix/federation/v1/openid/userinfo.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer } from '../harness.js';

const USERINFO = '/_matrix/federation/v1/openid/userinfo';

for (const engine of engines()) {
  describe(`OpenID tokens (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({
        engine,
        config: { listeners: [{ port: 0, bind_addresses: ['127.0.0.1'], type: 'http', resources: [{ names: ['client', 'openid'] }] }] },
      });
    });
    after(() => hs.close());

    it('a user gets a token that the userinfo endpoint exchanges for their user ID', async () => {
      const alice = await hs.register('alice');
      const res = await hs.request('POST', `/_matrix/client/v3/user/${encodeURIComponent(alice.userId)}/openid/request_token`, {}, alice.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.token_type, 'Bearer');
      assert.equal(res.body.matrix_server_name, hs.serverName);
      assert.equal(res.body.expires_in, 3600);
      const info = await hs.request('GET', `${USERINFO}?access_token=${encodeURIComponent(res.body.access_token)}`);
      assert.equal(info.status, 200);
      assert.deepEqual(info.body, { sub: alice.userId });
      // It is not an access token.
      assert.equal((await hs.request('GET', '/_matrix/client/v3/account/whoami', undefined, res.body.access_token)).status, 401);
    });

    it('unknown or missing tokens → 401; a token for someone else → 403', async () => {
      const bad = await hs.request('GET', `${USERINFO}?access_token=nope`);
      assert.equal(bad.status, 401);
      assert.equal(bad.body.errcode, 'M_UNKNOWN_TOKEN');
      assert.equal((await hs.request('GET', USERINFO)).status, 401);
      const bob = await hs.register('bob');
      const other = await hs.request('POST', `/_matrix/client/v3/user/${encodeURIComponent(`@alice:${hs.serverName}`)}/openid/request_token`, {}, bob.accessToken);
      assert.equal(other.status, 403);
    });
  });
}

describe('OpenID userinfo is served only where a listener has the federation or openid resource', () => {
  let hs: TestServer;
  before(async () => {
    hs = await startTestServer({});
  });
  after(() => hs.close());

  it('a client-only listener → 404 M_UNRECOGNIZED', async () => {
    const res = await hs.request('GET', `${USERINFO}?access_token=x`);
    assert.equal(res.status, 404);
    assert.equal(res.body.errcode, 'M_UNRECOGNIZED');
  });
});
