// Registration and login through the HTTP API (client-server-api "Account
// registration and management", "Login").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer } from '../harness.js';

const V3 = '/_matrix/client/v3';

for (const engine of engines()) {
  describe(`registration and login (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    it('register: 401 with flows and session first, then m.login.dummy completes', async () => {
      const first = await hs.request('POST', `${V3}/register`, { username: 'alice', password: 'pw-alice' });
      assert.equal(first.status, 401);
      assert.deepEqual(first.body.flows, [{ stages: ['m.login.dummy'] }]);
      assert.equal(typeof first.body.session, 'string');
      assert.deepEqual(first.body.params, {});
      // The final request omits the password: it is remembered from the first one.
      const done = await hs.request('POST', `${V3}/register`, {
        username: 'alice',
        initial_device_display_name: 'Alice phone',
        auth: { type: 'm.login.dummy', session: first.body.session },
      });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.user_id, '@alice:weft.test');
      assert.match(done.body.access_token, /^\S{20,}$/);
      assert.equal(typeof done.body.device_id, 'string');
      const who = await hs.request('GET', `${V3}/account/whoami`, undefined, done.body.access_token);
      assert.deepEqual(who.body, { user_id: '@alice:weft.test', device_id: done.body.device_id, is_guest: false });
      const login = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'alice' }, password: 'pw-alice' });
      assert.equal(login.status, 200);
    });

    it('register: taken and invalid usernames; /register/available', async () => {
      await hs.register('bob');
      const taken = await hs.request('POST', `${V3}/register`, { username: 'bob', password: 'x', auth: { type: 'm.login.dummy' } });
      assert.equal(taken.status, 400);
      assert.equal(taken.body.errcode, 'M_USER_IN_USE');
      const invalid = await hs.request('POST', `${V3}/register`, { username: 'b o b', password: 'x' });
      assert.equal(invalid.body.errcode, 'M_INVALID_USERNAME');
      assert.equal((await hs.request('GET', `${V3}/register/available?username=bob`)).body.errcode, 'M_USER_IN_USE');
      assert.equal((await hs.request('GET', `${V3}/register/available?username=BOB`)).body.errcode, 'M_USER_IN_USE');
      assert.equal((await hs.request('GET', `${V3}/register/available?username=%C3%A9`)).body.errcode, 'M_INVALID_USERNAME');
      const free = await hs.request('GET', `${V3}/register/available?username=carol`);
      assert.deepEqual([free.status, free.body], [200, { available: true }]);
    });

    it('register: inhibit_login, guest refused, random localpart', async () => {
      const res = await hs.request('POST', `${V3}/register`, { username: 'dave', password: 'x', inhibit_login: true, auth: { type: 'm.login.dummy' } });
      assert.deepEqual(Object.keys(res.body).sort(), ['home_server', 'user_id']);
      const guest = await hs.request('POST', `${V3}/register?kind=guest`, {});
      assert.equal(guest.status, 403);
      assert.equal(guest.body.errcode, 'M_GUEST_ACCESS_FORBIDDEN');
      const anon = await hs.request('POST', `${V3}/register`, { password: 'x', auth: { type: 'm.login.dummy' } });
      assert.equal(anon.status, 200);
      assert.match(anon.body.user_id, /^@[a-z0-9]+:weft\.test$/);
    });

    it('login: full user ID, legacy user field, wrong password, unknown type; GET flows', async () => {
      const u = await hs.register('erin', 'secret-erin');
      const flows = await hs.request('GET', `${V3}/login`);
      assert.deepEqual(flows.body.flows, [{ type: 'm.login.password' }]);
      const full = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: u.userId }, password: 'secret-erin' });
      assert.equal(full.status, 200);
      assert.equal(full.body.user_id, u.userId);
      assert.notEqual(full.body.device_id, u.deviceId);
      const legacy = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', user: 'erin', password: 'secret-erin' });
      assert.equal(legacy.status, 200);
      const wrong = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', user: 'erin', password: 'nope' });
      assert.deepEqual([wrong.status, wrong.body.errcode], [403, 'M_FORBIDDEN']);
      const nobody = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', user: 'nobody', password: 'nope' });
      assert.deepEqual([nobody.status, nobody.body.errcode], [403, 'M_FORBIDDEN']);
      const badType = await hs.request('POST', `${V3}/login`, { type: 'm.login.magic', user: 'erin' });
      assert.equal(badType.status, 400);
    });

    it('login: device_id reuse keeps the device and revokes its old token; display name stored', async () => {
      const u = await hs.register('frank', 'pw');
      const a = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', user: 'frank', password: 'pw', device_id: 'FRANKDEV', initial_device_display_name: 'Laptop' });
      assert.equal(a.body.device_id, 'FRANKDEV');
      const b = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', user: 'frank', password: 'pw', device_id: 'FRANKDEV' });
      assert.equal(b.body.device_id, 'FRANKDEV');
      assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, a.body.access_token)).status, 401);
      assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, b.body.access_token)).status, 200);
      const dev = await hs.hs.storage.devices.getDevice(u.userId, 'FRANKDEV');
      assert.equal(dev?.displayName, 'Laptop');
    });

    it('logout ends one session, logout/all every session', async () => {
      const u = await hs.register('gina', 'pw');
      const second = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', user: 'gina', password: 'pw' });
      const third = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', user: 'gina', password: 'pw' });
      assert.deepEqual((await hs.request('POST', `${V3}/logout`, {}, u.accessToken)).body, {});
      assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, u.accessToken)).body.errcode, 'M_UNKNOWN_TOKEN');
      assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, second.body.access_token)).status, 200);
      assert.equal((await hs.hs.storage.devices.getDevice(u.userId, u.deviceId)), undefined);
      assert.equal((await hs.request('POST', `${V3}/logout/all`, undefined, second.body.access_token)).status, 200);
      for (const t of [second.body.access_token, third.body.access_token]) {
        assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, t)).status, 401);
      }
      assert.deepEqual(await hs.hs.storage.devices.listDevices(u.userId), []);
    });

    it('refresh tokens: login with refresh_token, /refresh rotates, old refresh token dies', async () => {
      await hs.register('hank', 'pw');
      const login = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', user: 'hank', password: 'pw', refresh_token: true });
      assert.equal(typeof login.body.refresh_token, 'string');
      assert.ok(login.body.expires_in_ms > 0);
      const r1 = await hs.request('POST', `${V3}/refresh`, { refresh_token: login.body.refresh_token });
      assert.equal(r1.status, 200);
      assert.notEqual(r1.body.access_token, login.body.access_token);
      assert.notEqual(r1.body.refresh_token, login.body.refresh_token);
      const who = await hs.request('GET', `${V3}/account/whoami`, undefined, r1.body.access_token);
      assert.equal(who.body.device_id, login.body.device_id);
      const again = await hs.request('POST', `${V3}/refresh`, { refresh_token: login.body.refresh_token });
      assert.deepEqual([again.status, again.body.errcode, again.body.soft_logout], [401, 'M_UNKNOWN_TOKEN', false]);
    });
  });

  describe(`registration policy (${engine})`, () => {
    it('enable_registration false → 403 M_FORBIDDEN', async () => {
      const hs = await startTestServer({ engine, config: { enable_registration: false } });
      try {
        const res = await hs.request('POST', `${V3}/register`, { username: 'x', password: 'y', auth: { type: 'm.login.dummy' } });
        assert.deepEqual([res.status, res.body.errcode], [403, 'M_FORBIDDEN']);
      } finally {
        await hs.close();
      }
    });

    it('registration tokens: flow, validity, uses_allowed counted', async () => {
      const hs = await startTestServer({ engine, config: { registration_requires_token: true } });
      try {
        await hs.hs.storage.registrationTokens.create({ token: 'once', usesAllowed: 1, expiryTime: null });
        const validity = (t: string) => hs.request('GET', `/_matrix/client/v1/register/m.login.registration_token/validity?token=${t}`);
        assert.deepEqual((await validity('once')).body, { valid: true });
        assert.deepEqual((await validity('nope')).body, { valid: false });
        const first = await hs.request('POST', `${V3}/register`, { username: 'tok1', password: 'pw' });
        assert.deepEqual(first.body.flows, [{ stages: ['m.login.registration_token'] }]);
        const dummy = await hs.request('POST', `${V3}/register`, { username: 'tok1', password: 'pw', auth: { type: 'm.login.dummy', session: first.body.session } });
        assert.equal(dummy.status, 401);
        const bad = await hs.request('POST', `${V3}/register`, { username: 'tok1', password: 'pw', auth: { type: 'm.login.registration_token', token: 'nope', session: first.body.session } });
        assert.deepEqual([bad.status, bad.body.errcode], [401, 'M_FORBIDDEN']);
        assert.equal(bad.body.session, first.body.session);
        const ok = await hs.request('POST', `${V3}/register`, { username: 'tok1', password: 'pw', auth: { type: 'm.login.registration_token', token: 'once', session: first.body.session } });
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
        const rec = await hs.hs.storage.registrationTokens.get('once');
        assert.deepEqual([rec?.pending, rec?.completed], [0, 1]);
        assert.deepEqual((await validity('once')).body, { valid: false });
        const second = await hs.request('POST', `${V3}/register`, { username: 'tok2', password: 'pw', auth: { type: 'm.login.registration_token', token: 'once' } });
        assert.deepEqual([second.status, second.body.errcode], [401, 'M_FORBIDDEN']);
      } finally {
        await hs.close();
      }
    });
  });
}
