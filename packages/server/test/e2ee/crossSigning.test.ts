// Black-box tests of /keys/device_signing/upload and /keys/signatures/upload
// (data/api/client-server/cross_signing.yaml) and cross-signing keys in /keys/query.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { V3, crossSigningKeys, newEd25519, sign, uploadDevice } from './e2eeHelpers.js';

const PASSWORD = 'correct horse battery staple';
const passwordAuth = (user: TestUser, session?: string) => ({ type: 'm.login.password', identifier: { type: 'm.id.user', user: user.userId }, password: PASSWORD, session });

for (const engine of engines()) {
  describe(`cross-signing (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    const query = (asUser: TestUser, ...userIds: string[]) =>
      hs.request('POST', `${V3}/keys/query`, { device_keys: Object.fromEntries(userIds.map((u) => [u, []])) }, asUser.accessToken);

    it('first upload needs no UIA; identical re-upload neither; new keys need UIA', async () => {
      const alice = await hs.register();
      const xs = crossSigningKeys(alice.userId);
      let res = await hs.request('POST', `${V3}/keys/device_signing/upload`, xs.body, alice.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      res = await hs.request('POST', `${V3}/keys/device_signing/upload`, xs.body, alice.accessToken);
      assert.equal(res.status, 200, 'identical keys: idempotent without UIA');
      const xs2 = crossSigningKeys(alice.userId);
      res = await hs.request('POST', `${V3}/keys/device_signing/upload`, xs2.body, alice.accessToken);
      assert.equal(res.status, 401);
      assert.ok(res.body.session);
      assert.deepEqual(res.body.flows, [{ stages: ['m.login.password'] }]);
      const wrong = await hs.request('POST', `${V3}/keys/device_signing/upload`, { ...xs2.body, auth: { ...passwordAuth(alice, res.body.session), password: 'nope' } }, alice.accessToken);
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.errcode, 'M_FORBIDDEN');
      res = await hs.request('POST', `${V3}/keys/device_signing/upload`, { ...xs2.body, auth: passwordAuth(alice, res.body.session) }, alice.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const q = await query(alice, alice.userId);
      assert.deepEqual(q.body.master_keys[alice.userId].keys, xs2.body.master_key.keys);
    });

    it('shows master and self-signing keys to everyone, the user-signing key only to its owner', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const xs = crossSigningKeys(alice.userId);
      await hs.request('POST', `${V3}/keys/device_signing/upload`, xs.body, alice.accessToken);
      const mine = await query(alice, alice.userId);
      assert.deepEqual(mine.body.master_keys[alice.userId], xs.body.master_key);
      assert.deepEqual(mine.body.self_signing_keys[alice.userId], xs.body.self_signing_key);
      assert.deepEqual(mine.body.user_signing_keys[alice.userId], xs.body.user_signing_key);
      const theirs = await query(bob, alice.userId);
      assert.deepEqual(theirs.body.master_keys[alice.userId], xs.body.master_key);
      assert.deepEqual(theirs.body.self_signing_keys[alice.userId], xs.body.self_signing_key);
      assert.equal(theirs.body.user_signing_keys[alice.userId], undefined);
    });

    it('rejects keys not signed by the master key, for another user, or without a master key', async () => {
      const alice = await hs.register();
      const xs = crossSigningKeys(alice.userId);
      const other = crossSigningKeys(alice.userId);
      let res = await hs.request('POST', `${V3}/keys/device_signing/upload`, { master_key: xs.body.master_key, self_signing_key: other.body.self_signing_key }, alice.accessToken);
      assert.equal(res.status, 400);
      assert.equal(res.body.errcode, 'M_INVALID_SIGNATURE');
      res = await hs.request('POST', `${V3}/keys/device_signing/upload`, { self_signing_key: xs.body.self_signing_key }, alice.accessToken);
      assert.equal(res.status, 400);
      assert.equal(res.body.errcode, 'M_MISSING_PARAM');
      const bob = await hs.register();
      res = await hs.request('POST', `${V3}/keys/device_signing/upload`, crossSigningKeys(bob.userId).body, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('POST', `${V3}/keys/device_signing/upload`, { master_key: { ...xs.body.master_key, usage: ['self_signing'] } }, alice.accessToken);
      assert.equal(res.status, 400);
      // A public key equal to a device ID: 403 (cross_signing.yaml).
      const carol = await hs.register();
      const clash = newEd25519();
      const login = await hs.request('POST', `${V3}/login`, {
        type: 'm.login.password', identifier: { type: 'm.id.user', user: carol.userId }, password: PASSWORD, device_id: clash.pub,
      });
      assert.equal(login.status, 200);
      const master = { user_id: carol.userId, usage: ['master'], keys: { [`ed25519:${clash.pub}`]: clash.pub } };
      res = await hs.request('POST', `${V3}/keys/device_signing/upload`, { master_key: master }, carol.accessToken);
      assert.equal(res.status, 403);
      assert.equal(res.body.errcode, 'M_FORBIDDEN');
    });

    it('stores a self-signing signature over an own device and a device signature over the master key', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const dev = await uploadDevice(hs, alice);
      const xs = crossSigningKeys(alice.userId);
      await hs.request('POST', `${V3}/keys/device_signing/upload`, xs.body, alice.accessToken);
      const sskId = `ed25519:${xs.selfSigning.pub}`;
      const signedDevice = sign(dev.deviceKeys, alice.userId, sskId, xs.selfSigning);
      const signedMaster = sign(xs.body.master_key, alice.userId, `ed25519:${alice.deviceId}`, dev.ed);
      let res = await hs.request('POST', `${V3}/keys/signatures/upload`, {
        [alice.userId]: { [alice.deviceId]: signedDevice, [xs.master.pub]: signedMaster },
      }, alice.accessToken);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.failures, {});
      const q = await query(bob, alice.userId);
      assert.equal(q.body.device_keys[alice.userId][alice.deviceId].signatures[alice.userId][sskId], signedDevice.signatures[alice.userId][sskId]);
      assert.ok(q.body.master_keys[alice.userId].signatures[alice.userId][`ed25519:${alice.deviceId}`]);

      // A bad signature and a tampered object are failures, with nothing stored.
      const forged = sign(dev.deviceKeys, alice.userId, sskId, newEd25519());
      const tampered = { ...signedDevice, algorithms: ['x'] };
      res = await hs.request('POST', `${V3}/keys/signatures/upload`, { [alice.userId]: { [alice.deviceId]: forged, UNKNOWNDEV: signedDevice } }, alice.accessToken);
      assert.equal(res.body.failures[alice.userId][alice.deviceId].errcode, 'M_INVALID_SIGNATURE');
      assert.ok(res.body.failures[alice.userId].UNKNOWNDEV);
      res = await hs.request('POST', `${V3}/keys/signatures/upload`, { [alice.userId]: { [alice.deviceId]: tampered } }, alice.accessToken);
      assert.equal(res.body.failures[alice.userId][alice.deviceId].errcode, 'M_INVALID_SIGNATURE');
    });

    it('user-signing signatures over another user\'s master key are visible to the signer only', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const carol = await hs.register();
      const axs = crossSigningKeys(alice.userId);
      const bxs = crossSigningKeys(bob.userId);
      await hs.request('POST', `${V3}/keys/device_signing/upload`, axs.body, alice.accessToken);
      await hs.request('POST', `${V3}/keys/device_signing/upload`, bxs.body, bob.accessToken);
      const uskId = `ed25519:${axs.userSigning.pub}`;
      const signed = sign(bxs.body.master_key, alice.userId, uskId, axs.userSigning);
      let res = await hs.request('POST', `${V3}/keys/signatures/upload`, { [bob.userId]: { [bxs.master.pub]: signed } }, alice.accessToken);
      assert.deepEqual(res.body.failures, {});
      const seenByAlice = await query(alice, bob.userId);
      assert.equal(seenByAlice.body.master_keys[bob.userId].signatures[alice.userId][uskId], signed.signatures[alice.userId][uskId]);
      const seenByCarol = await query(carol, bob.userId);
      assert.equal(seenByCarol.body.master_keys[bob.userId].signatures?.[alice.userId], undefined);
      // Signed with the wrong key / for a key that is not bob's master.
      const bad = sign(bxs.body.master_key, alice.userId, uskId, newEd25519());
      res = await hs.request('POST', `${V3}/keys/signatures/upload`, { [bob.userId]: { [bxs.master.pub]: bad, notakey: signed } }, alice.accessToken);
      assert.equal(res.body.failures[bob.userId][bxs.master.pub].errcode, 'M_INVALID_SIGNATURE');
      assert.ok(res.body.failures[bob.userId].notakey);
    });
  });
}
