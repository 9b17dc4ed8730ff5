// Black-box tests of MSC3814 dehydrated devices
// (/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { V3, deviceKeysFor, oneTimeKeys } from './e2eeHelpers.js';

const P = '/_matrix/client/unstable/org.matrix.msc3814.v1/dehydrated_device';

for (const engine of engines()) {
  describe(`dehydrated devices, MSC3814 (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    const dehydrate = (user: TestUser, deviceId: string, extra: Record<string, unknown> = {}) => {
      const dev = deviceKeysFor({ ...user, deviceId });
      return hs.request('PUT', P, {
        device_id: deviceId,
        device_data: { algorithm: 'm.dehydration.v1.olm', device_pickle: 'opaque' },
        initial_device_display_name: 'Dehydrated device',
        device_keys: dev.deviceKeys,
        one_time_keys: oneTimeKeys(dev, 3),
        ...extra,
      }, user.accessToken);
    };

    it('stores the device with its keys, returns it, replaces and deletes it', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      let res = await hs.request('GET', P, undefined, alice.accessToken);
      assert.equal(res.status, 404);
      res = await dehydrate(alice, 'DEHYD1');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { device_id: 'DEHYD1' });
      res = await hs.request('GET', P, undefined, alice.accessToken);
      assert.deepEqual(res.body, { device_id: 'DEHYD1', device_data: { algorithm: 'm.dehydration.v1.olm', device_pickle: 'opaque' } });
      // Others can find its keys and claim a one-time key.
      const q = await hs.request('POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } }, bob.accessToken);
      assert.ok(q.body.device_keys[alice.userId].DEHYD1);
      const c = await hs.request('POST', `${V3}/keys/claim`, { one_time_keys: { [alice.userId]: { DEHYD1: 'signed_curve25519' } } }, bob.accessToken);
      assert.ok(c.body.one_time_keys[alice.userId].DEHYD1);
      // Replacing removes the old device.
      res = await dehydrate(alice, 'DEHYD2');
      assert.equal(res.status, 200);
      const q2 = await hs.request('POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } }, bob.accessToken);
      assert.equal(q2.body.device_keys[alice.userId].DEHYD1, undefined);
      assert.ok(q2.body.device_keys[alice.userId].DEHYD2);
      // A device ID of a normal device is refused; so are bad bodies.
      res = await dehydrate(alice, alice.deviceId);
      assert.equal(res.status, 400);
      res = await hs.request('PUT', P, { device_id: 'X' }, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('DELETE', P, undefined, alice.accessToken);
      assert.deepEqual(res.body, { device_id: 'DEHYD2' });
      res = await hs.request('DELETE', P, undefined, alice.accessToken);
      assert.equal(res.status, 404);
      const devices = await hs.request('GET', `${V3}/devices`, undefined, alice.accessToken);
      assert.deepEqual(devices.body.devices.map((d: { device_id: string }) => d.device_id), [alice.deviceId]);
      const versions = await hs.request('GET', '/_matrix/client/versions');
      assert.equal(versions.body.unstable_features['org.matrix.msc3814'], true);
    });

    it('hands out the to-device messages it received, paginated, acknowledged by next_batch', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      assert.equal((await dehydrate(alice, 'DEHYD')).status, 200);
      for (let i = 0; i < 150; i++) {
        const r = await hs.request('PUT', `${V3}/sendToDevice/m.room.encrypted/t${i}`, { messages: { [alice.userId]: { DEHYD: { i } } } }, bob.accessToken);
        assert.equal(r.status, 200);
      }
      let res = await hs.request('POST', `${P}/DEHYD/events`, {}, alice.accessToken);
      assert.equal(res.status, 200);
      assert.equal(res.body.events.length, 100);
      assert.deepEqual(res.body.events[0], { sender: bob.userId, type: 'm.room.encrypted', content: { i: 0 } });
      const first = res.body.next_batch;
      // Asking again without the token repeats the page (nothing acknowledged yet).
      res = await hs.request('POST', `${P}/DEHYD/events`, {}, alice.accessToken);
      assert.equal(res.body.events[0].content.i, 0);
      res = await hs.request('POST', `${P}/DEHYD/events`, { next_batch: first }, alice.accessToken);
      assert.deepEqual(res.body.events.map((e: { content: { i: number } }) => e.content.i), Array.from({ length: 50 }, (_, k) => 100 + k));
      res = await hs.request('POST', `${P}/DEHYD/events`, { next_batch: res.body.next_batch }, alice.accessToken);
      assert.deepEqual(res.body.events, []);
      assert.equal(typeof res.body.next_batch, 'string');
      res = await hs.request('POST', `${P}/OTHER/events`, {}, alice.accessToken);
      assert.equal(res.status, 403);
      res = await hs.request('POST', `${P}/DEHYD/events`, { next_batch: 'garbage' }, alice.accessToken);
      assert.equal(res.status, 400);
    });
  });
}
