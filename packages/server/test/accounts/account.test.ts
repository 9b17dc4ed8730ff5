// Password change, deactivation, 3pids, profiles.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer } from '../harness.js';

const V3 = '/_matrix/client/v3';

for (const engine of engines()) {
  describe(`account management (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    const login = (user: string, password: string) => hs.request('POST', `${V3}/login`, { type: 'm.login.password', user, password });
    const pwAuth = (user: string, password: string, session?: string) => ({ type: 'm.login.password', identifier: { type: 'm.id.user', user }, password, session });

    it('password change: UIA, other devices logged out by default, new password works', async () => {
      const u = await hs.register('lara', 'old');
      const other = (await login('lara', 'old')).body;
      const first = await hs.request('POST', `${V3}/account/password`, { new_password: 'new' }, u.accessToken);
      assert.equal(first.status, 401);
      const ok = await hs.request('POST', `${V3}/account/password`, { new_password: 'new', auth: pwAuth('lara', 'old', first.body.session) }, u.accessToken);
      assert.deepEqual([ok.status, ok.body], [200, {}]);
      assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, u.accessToken)).status, 200);
      assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, other.access_token)).status, 401);
      assert.equal((await login('lara', 'old')).status, 403);
      assert.equal((await login('lara', 'new')).status, 200);
    });

    it('password change with logout_devices false keeps other sessions', async () => {
      const u = await hs.register('mona', 'old');
      const other = (await login('mona', 'old')).body;
      const ok = await hs.request('POST', `${V3}/account/password`, { new_password: 'new', logout_devices: false, auth: pwAuth('mona', 'old') }, u.accessToken);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, other.access_token)).status, 200);
    });

    it('deactivate: UIA, then no token and no login works (M_USER_DEACTIVATED), username stays taken', async () => {
      const u = await hs.register('nina', 'pw');
      const first = await hs.request('POST', `${V3}/account/deactivate`, {}, u.accessToken);
      assert.equal(first.status, 401);
      const ok = await hs.request('POST', `${V3}/account/deactivate`, { erase: true, auth: pwAuth('nina', 'pw', first.body.session) }, u.accessToken);
      assert.deepEqual([ok.status, ok.body], [200, { id_server_unbind_result: 'success' }]);
      assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, u.accessToken)).status, 401);
      const again = await login('nina', 'pw');
      assert.deepEqual([again.status, again.body.errcode], [403, 'M_USER_DEACTIVATED']);
      assert.equal((await hs.request('GET', `${V3}/register/available?username=nina`)).body.errcode, 'M_USER_IN_USE');
    });

    it('GET /account/3pid is an empty list', async () => {
      const u = await hs.register();
      const res = await hs.request('GET', `${V3}/account/3pid`, undefined, u.accessToken);
      assert.deepEqual([res.status, res.body], [200, { threepids: [] }]);
    });

    it('profiles: defaults, set, get, others forbidden, unknown users 404, hook fires', async () => {
      const u = await hs.register('olga', 'pw');
      const seen: unknown[] = [];
      hs.hs.hooks.account.onProfileChanged.push((userId, p) => {
        seen.push([userId, p.displayname]);
      });
      const initial = await hs.request('GET', `${V3}/profile/${encodeURIComponent(u.userId)}`);
      assert.deepEqual(initial.body, { displayname: 'olga' });
      const put = await hs.request('PUT', `${V3}/profile/${encodeURIComponent(u.userId)}/displayname`, { displayname: 'Olga O.' }, u.accessToken);
      assert.deepEqual([put.status, put.body], [200, {}]);
      const av = await hs.request('PUT', `${V3}/profile/${encodeURIComponent(u.userId)}/avatar_url`, { avatar_url: 'mxc://weft.test/abc' }, u.accessToken);
      assert.equal(av.status, 200);
      const full = await hs.request('GET', `${V3}/profile/${encodeURIComponent(u.userId)}`);
      assert.deepEqual(full.body, { displayname: 'Olga O.', avatar_url: 'mxc://weft.test/abc' });
      assert.deepEqual((await hs.request('GET', `${V3}/profile/${encodeURIComponent(u.userId)}/displayname`)).body, { displayname: 'Olga O.' });
      assert.deepEqual(seen.at(-1), [u.userId, 'Olga O.']);

      const p = await hs.register('pete', 'pw');
      const forbidden = await hs.request('PUT', `${V3}/profile/${encodeURIComponent(u.userId)}/displayname`, { displayname: 'hacked' }, p.accessToken);
      assert.deepEqual([forbidden.status, forbidden.body.errcode], [403, 'M_FORBIDDEN']);
      assert.equal((await hs.request('GET', `${V3}/profile/${encodeURIComponent('@ghost:weft.test')}`)).body.errcode, 'M_NOT_FOUND');
      assert.equal((await hs.request('GET', `${V3}/profile/${encodeURIComponent('@ghost:weft.test')}/displayname`)).status, 404);
      const bad = await hs.request('PUT', `${V3}/profile/${encodeURIComponent(u.userId)}/displayname`, { displayname: 5 }, u.accessToken);
      assert.equal(bad.body.errcode, 'M_BAD_JSON');
      const badAvatar = await hs.request('PUT', `${V3}/profile/${encodeURIComponent(u.userId)}/avatar_url`, { avatar_url: 'http://x/y.png' }, u.accessToken);
      assert.equal(badAvatar.status, 400);
      // Clearing removes the field.
      await hs.request('DELETE', `${V3}/profile/${encodeURIComponent(u.userId)}/avatar_url`, undefined, u.accessToken);
      assert.deepEqual((await hs.request('GET', `${V3}/profile/${encodeURIComponent(u.userId)}`)).body, { displayname: 'Olga O.' });
      assert.equal((await hs.request('GET', `${V3}/profile/${encodeURIComponent(u.userId)}/avatar_url`)).status, 404);
    });
  });
}
