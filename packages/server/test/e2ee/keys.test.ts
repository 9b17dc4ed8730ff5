// Black-box tests of /keys/upload, /keys/query, /keys/claim, /keys/changes
// (data/api/client-server/keys.yaml) on every engine.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer } from '../harness.js';
import { V3, createRoom, deviceKeysFor, join, oneTimeKeys, sign, sync, uploadDevice } from './e2eeHelpers.js';

for (const engine of engines()) {
  describe(`keys (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    it('uploads device keys and serves them in /keys/query with the display name', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      await hs.request('PUT', `${V3}/devices/${alice.deviceId}`, { display_name: 'Alice phone' }, alice.accessToken);
      const dev = await uploadDevice(hs, alice);
      const res = await hs.request('POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } }, bob.accessToken);
      assert.equal(res.status, 200);
      const got = res.body.device_keys[alice.userId][alice.deviceId];
      assert.deepEqual(got.keys, dev.deviceKeys.keys);
      assert.deepEqual(got.signatures, dev.deviceKeys.signatures);
      assert.deepEqual(got.unsigned, { device_display_name: 'Alice phone' });
      assert.deepEqual(res.body.failures, {});
      // Only the listed devices.
      const none = await hs.request('POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: ['NOPE'] } }, bob.accessToken);
      assert.deepEqual(none.body.device_keys[alice.userId], {});
    });

    it('rejects device keys for another user or device, or with a bad signature', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const other = deviceKeysFor(bob);
      let res = await hs.request('POST', `${V3}/keys/upload`, { device_keys: other.deviceKeys }, alice.accessToken);
      assert.equal(res.status, 400);
      const dev = deviceKeysFor(alice);
      const tampered = { ...dev.deviceKeys, algorithms: ['m.olm.v1.curve25519-aes-sha2'] };
      res = await hs.request('POST', `${V3}/keys/upload`, { device_keys: tampered }, alice.accessToken);
      assert.equal(res.status, 400);
      assert.equal(res.body.errcode, 'M_INVALID_SIGNATURE');
      const noEd = sign({ ...dev.deviceKeys, keys: { [`curve25519:${alice.deviceId}`]: dev.curve }, signatures: undefined }, alice.userId, `ed25519:${alice.deviceId}`, dev.ed);
      res = await hs.request('POST', `${V3}/keys/upload`, { device_keys: noEd }, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('POST', `${V3}/keys/upload`, { device_keys: 'x' }, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('POST', `${V3}/keys/upload`, {}, undefined);
      assert.equal(res.status, 401);
    });

    it('accepts an identical re-upload and rejects different identity keys', async () => {
      const alice = await hs.register();
      const dev = await uploadDevice(hs, alice);
      let res = await hs.request('POST', `${V3}/keys/upload`, { device_keys: dev.deviceKeys }, alice.accessToken);
      assert.equal(res.status, 200);
      const other = deviceKeysFor(alice);
      res = await hs.request('POST', `${V3}/keys/upload`, { device_keys: other.deviceKeys }, alice.accessToken);
      assert.equal(res.status, 400);
      const q = await hs.request('POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } }, alice.accessToken);
      assert.deepEqual(q.body.device_keys[alice.userId][alice.deviceId].keys, dev.deviceKeys.keys);
    });

    it('counts one-time keys; same ID with other content is 400, identical is fine', async () => {
      const alice = await hs.register();
      const dev = deviceKeysFor(alice);
      const otks = oneTimeKeys(dev, 5);
      let res = await hs.request('POST', `${V3}/keys/upload`, { device_keys: dev.deviceKeys, one_time_keys: otks }, alice.accessToken);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.one_time_key_counts, { signed_curve25519: 5 });
      res = await hs.request('POST', `${V3}/keys/upload`, { one_time_keys: otks }, alice.accessToken);
      assert.deepEqual(res.body.one_time_key_counts, { signed_curve25519: 5 });
      const clash = oneTimeKeys(dev, 1); // same ID AAAA0, new key
      res = await hs.request('POST', `${V3}/keys/upload`, { one_time_keys: clash }, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('POST', `${V3}/keys/upload`, { one_time_keys: { ...oneTimeKeys(dev, 2, 'BBBB'), 'curve25519:X1': 'plainkey' } }, alice.accessToken);
      assert.deepEqual(res.body.one_time_key_counts, { signed_curve25519: 7, curve25519: 1 });
      res = await hs.request('POST', `${V3}/keys/upload`, { one_time_keys: { nocolon: 'x' } }, alice.accessToken);
      assert.equal(res.status, 400);
    });

    it('claims one key per device, oldest first, then the fallback key (marked used)', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const dev = deviceKeysFor(alice);
      await hs.request('POST', `${V3}/keys/upload`, { device_keys: dev.deviceKeys, one_time_keys: oneTimeKeys(dev, 1, 'OLD') }, alice.accessToken);
      await hs.request('POST', `${V3}/keys/upload`, { one_time_keys: oneTimeKeys(dev, 1, 'NEW'), fallback_keys: oneTimeKeys(dev, 1, 'FB', true) }, alice.accessToken);
      let s = await sync(hs, alice);
      assert.deepEqual(s.device_unused_fallback_key_types, ['signed_curve25519']);
      assert.deepEqual(s.device_one_time_keys_count, { signed_curve25519: 2 });
      const claim = () => hs.request('POST', `${V3}/keys/claim`, { one_time_keys: { [alice.userId]: { [alice.deviceId]: 'signed_curve25519' } } }, bob.accessToken);
      let res = await claim();
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body.one_time_keys[alice.userId][alice.deviceId]), ['signed_curve25519:OLD0']);
      res = await claim();
      assert.deepEqual(Object.keys(res.body.one_time_keys[alice.userId][alice.deviceId]), ['signed_curve25519:NEW0']);
      res = await claim();
      const fb = res.body.one_time_keys[alice.userId][alice.deviceId]['signed_curve25519:FB0'];
      assert.equal(fb.fallback, true);
      res = await claim(); // fallback keys are reused
      assert.ok(res.body.one_time_keys[alice.userId][alice.deviceId]['signed_curve25519:FB0']);
      s = await sync(hs, alice);
      assert.deepEqual(s.device_unused_fallback_key_types, []);
      assert.deepEqual(s.device_one_time_keys_count, { signed_curve25519: 0 });
      // A new fallback key resets `used`.
      await hs.request('POST', `${V3}/keys/upload`, { fallback_keys: oneTimeKeys(dev, 1, 'FB2', true) }, alice.accessToken);
      s = await sync(hs, alice);
      assert.deepEqual(s.device_unused_fallback_key_types, ['signed_curve25519']);
      // Unknown devices/users are simply missing; remote users are failures.
      res = await hs.request('POST', `${V3}/keys/claim`, { one_time_keys: { [alice.userId]: { NODEV: 'signed_curve25519' }, '@x:remote.example': { D: 'signed_curve25519' } } }, bob.accessToken);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.one_time_keys, {});
      assert.ok(res.body.failures['remote.example']);
      res = await hs.request('POST', `${V3}/keys/claim`, {}, bob.accessToken);
      assert.equal(res.status, 400);
    });

    it('never hands out the same one-time key twice under 50 concurrent claims', async () => {
      const alice = await hs.register();
      const dev = deviceKeysFor(alice);
      await hs.request('POST', `${V3}/keys/upload`, { device_keys: dev.deviceKeys, one_time_keys: oneTimeKeys(dev, 30), fallback_keys: oneTimeKeys(dev, 1, 'FB', true) }, alice.accessToken);
      const claimers = await Promise.all(Array.from({ length: 5 }, () => hs.register()));
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
        hs.request('POST', `${V3}/keys/claim`, { one_time_keys: { [alice.userId]: { [alice.deviceId]: 'signed_curve25519' } } }, claimers[i % 5]!.accessToken)));
      const ids = results.map((r) => {
        assert.equal(r.status, 200);
        return Object.keys(r.body.one_time_keys[alice.userId][alice.deviceId])[0]!;
      });
      const otks = ids.filter((id) => !id.endsWith(':FB0'));
      assert.equal(otks.length, 30, 'every one-time key handed out once before the fallback');
      assert.equal(new Set(otks).size, 30, 'no one-time key twice');
      assert.equal(ids.length - otks.length, 20);
      const counts = await hs.request('POST', `${V3}/keys/upload`, {}, alice.accessToken);
      assert.deepEqual(counts.body.one_time_key_counts, { signed_curve25519: 0 });
    });

    it('reports remote users as failures in /keys/query and rejects bad bodies', async () => {
      const alice = await hs.register();
      let res = await hs.request('POST', `${V3}/keys/query`, { device_keys: { '@bob:remote.example': [] } }, alice.accessToken);
      assert.equal(res.status, 200);
      assert.ok(res.body.failures['remote.example']);
      res = await hs.request('POST', `${V3}/keys/query`, {}, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: 'x' } }, alice.accessToken);
      assert.equal(res.status, 400);
    });

    it('/keys/changes lists users sharing a room who changed keys, and who left', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const loner = await hs.register();
      const roomId = await createRoom(hs, alice);
      await join(hs, bob, roomId);
      const from = (await sync(hs, alice)).next_batch as string;
      await uploadDevice(hs, bob);
      await uploadDevice(hs, loner);
      let to = (await sync(hs, alice)).next_batch as string;
      let res = await hs.request('GET', `${V3}/keys/changes?from=${from}&to=${to}`, undefined, alice.accessToken);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.changed, [bob.userId]);
      assert.deepEqual(res.body.left, []);
      const res2 = await hs.request('POST', `${V3}/rooms/${encodeURIComponent(roomId)}/leave`, {}, bob.accessToken);
      assert.equal(res2.status, 200);
      to = (await sync(hs, alice)).next_batch as string;
      res = await hs.request('GET', `${V3}/keys/changes?from=${from}&to=${to}`, undefined, alice.accessToken);
      assert.deepEqual(res.body.left, [bob.userId]);
      res = await hs.request('GET', `${V3}/keys/changes?from=${from}`, undefined, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('GET', `${V3}/keys/changes?from=garbage&to=${to}`, undefined, alice.accessToken);
      assert.equal(res.status, 400);
    });

    it('deleting a device drops its keys', async () => {
      const alice = await hs.register('delkeys');
      await uploadDevice(hs, alice);
      const login = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'delkeys' }, password: 'correct horse battery staple' });
      const del = await hs.request('POST', `${V3}/delete_devices`, { devices: [alice.deviceId], auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: 'delkeys' }, password: 'correct horse battery staple' } }, login.body.access_token);
      assert.equal(del.status, 200);
      const q = await hs.request('POST', `${V3}/keys/query`, { device_keys: { [alice.userId]: [] } }, login.body.access_token);
      assert.deepEqual(q.body.device_keys[alice.userId], {});
    });
  });
}
