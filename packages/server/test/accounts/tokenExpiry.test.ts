// Refreshable access tokens expire: 401 M_UNKNOWN_TOKEN with soft_logout true,
// and /refresh brings the session back (client-server-api "Soft logout").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { engines, startTestServer, type TestServer } from '../harness.js';

const V3 = '/_matrix/client/v3';

for (const engine of engines()) {
  describe(`access token expiry (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine, config: { refreshable_access_token_lifetime: '300ms' } });
    });
    after(() => hs.close());

    it('an expired token is a soft logout; refresh recovers; plain tokens never expire', async () => {
      const plain = await hs.register('quinn', 'pw');
      const login = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', user: 'quinn', password: 'pw', refresh_token: true });
      assert.equal(login.body.expires_in_ms, 300);
      assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, login.body.access_token)).status, 200);
      await sleep(400);
      const expired = await hs.request('GET', `${V3}/account/whoami`, undefined, login.body.access_token);
      assert.deepEqual([expired.status, expired.body.errcode, expired.body.soft_logout], [401, 'M_UNKNOWN_TOKEN', true]);
      const refreshed = await hs.request('POST', `${V3}/refresh`, { refresh_token: login.body.refresh_token });
      assert.equal(refreshed.status, 200);
      const who = await hs.request('GET', `${V3}/account/whoami`, undefined, refreshed.body.access_token);
      assert.equal(who.body.device_id, login.body.device_id);
      assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, plain.accessToken)).status, 200);
    });
  });
}
