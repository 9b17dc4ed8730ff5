// Device management and the UIA flows that protect it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer } from '../harness.js';

const V3 = '/_matrix/client/v3';

for (const engine of engines()) {
  describe(`devices (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    const login = async (user: string, password: string, extra: Record<string, unknown> = {}) => {
      const res = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', user, password, ...extra });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body as { access_token: string; device_id: string; user_id: string };
    };

    it('list, get, rename; last_seen recorded; unknown device → 404', async () => {
      const u = await hs.register('ivy', 'pw');
      const other = await login('ivy', 'pw', { initial_device_display_name: 'Tablet' });
      const list = await hs.request('GET', `${V3}/devices`, undefined, u.accessToken);
      assert.equal(list.status, 200);
      const ids = list.body.devices.map((d: { device_id: string }) => d.device_id).sort();
      assert.deepEqual(ids, [u.deviceId, other.device_id].sort());
      const tablet = list.body.devices.find((d: { device_id: string }) => d.device_id === other.device_id);
      assert.equal(tablet.display_name, 'Tablet');
      assert.equal(typeof tablet.last_seen_ts, 'number');

      const put = await hs.request('PUT', `${V3}/devices/${other.device_id}`, { display_name: 'Old tablet' }, u.accessToken);
      assert.deepEqual([put.status, put.body], [200, {}]);
      const got = await hs.request('GET', `${V3}/devices/${other.device_id}`, undefined, u.accessToken);
      assert.equal(got.body.display_name, 'Old tablet');
      assert.equal(got.body.device_id, other.device_id);
      assert.equal((await hs.request('GET', `${V3}/devices/NOPE`, undefined, u.accessToken)).body.errcode, 'M_NOT_FOUND');
      assert.equal((await hs.request('PUT', `${V3}/devices/NOPE`, { display_name: 'x' }, u.accessToken)).status, 404);
      // Another user's device is invisible.
      const v = await hs.register('victor', 'pw');
      assert.equal((await hs.request('GET', `${V3}/devices/${other.device_id}`, undefined, v.accessToken)).status, 404);
    });

    it('DELETE /devices/{id} needs m.login.password UIA and revokes the device token', async () => {
      const u = await hs.register('jack', 'pw');
      const other = await login('jack', 'pw');
      const first = await hs.request('DELETE', `${V3}/devices/${other.device_id}`, {}, u.accessToken);
      assert.equal(first.status, 401);
      assert.deepEqual(first.body.flows, [{ stages: ['m.login.password'] }]);
      const wrong = await hs.request('DELETE', `${V3}/devices/${other.device_id}`, {
        auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'jack' }, password: 'bad', session: first.body.session },
      }, u.accessToken);
      assert.deepEqual([wrong.status, wrong.body.errcode], [401, 'M_FORBIDDEN']);
      assert.ok(wrong.body.flows);
      // Someone else's password does not do.
      await hs.register('jill', 'pw2');
      const otherUser = await hs.request('DELETE', `${V3}/devices/${other.device_id}`, {
        auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'jill' }, password: 'pw2', session: first.body.session },
      }, u.accessToken);
      assert.equal(otherUser.status, 401);
      const ok = await hs.request('DELETE', `${V3}/devices/${other.device_id}`, {
        auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'jack' }, password: 'pw', session: first.body.session },
      }, u.accessToken);
      assert.deepEqual([ok.status, ok.body], [200, {}]);
      assert.equal((await hs.request('GET', `${V3}/account/whoami`, undefined, other.access_token)).body.errcode, 'M_UNKNOWN_TOKEN');
      assert.equal((await hs.request('GET', `${V3}/devices/${other.device_id}`, undefined, u.accessToken)).status, 404);
    });

    it('POST /delete_devices deletes several devices after UIA (legacy user field accepted)', async () => {
      const u = await hs.register('kim', 'pw');
      const a = await login('kim', 'pw');
      const b = await login('kim', 'pw');
      const first = await hs.request('POST', `${V3}/delete_devices`, { devices: [a.device_id, b.device_id] }, u.accessToken);
      assert.equal(first.status, 401);
      const ok = await hs.request('POST', `${V3}/delete_devices`, {
        devices: [a.device_id, b.device_id],
        auth: { type: 'm.login.password', user: 'kim', password: 'pw', session: first.body.session },
      }, u.accessToken);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const list = await hs.request('GET', `${V3}/devices`, undefined, u.accessToken);
      assert.deepEqual(list.body.devices.map((d: { device_id: string }) => d.device_id), [u.deviceId]);
      // A completed session cannot be replayed.
      const replay = await hs.request('POST', `${V3}/delete_devices`, { devices: [u.deviceId], auth: { type: 'm.login.password', user: 'kim', password: 'pw', session: first.body.session } }, u.accessToken);
      assert.equal(replay.status, 400);
      assert.equal((await hs.request('POST', `${V3}/delete_devices`, {}, u.accessToken)).body.errcode, 'M_MISSING_PARAM');
    });
  });
}
