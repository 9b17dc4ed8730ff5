// Real-client E2EE test (issue 4 "Must show"): matrix-js-sdk 37.5.0 clients with
// Rust crypto (@matrix-org/matrix-sdk-crypto-wasm through initRustCrypto)
// exchange Megolm-encrypted messages through Weft and read each other's
// plaintext; cross-signing bootstraps (with UIA m.login.password on reset); a
// third device of the same user, added later, reads old messages after
// restoring the server-side key backup.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as sdk from 'matrix-js-sdk';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { quietJsSdk, recordingFetch, startAndWaitPrepared, summarize, type Exchange } from '../clients/jsSdkHelpers.js';

const PASSWORD = 'correct horse battery staple'; // the harness's default
const silentLogger: NonNullable<sdk.ICreateClientOpts['logger']> = {
  trace() {}, debug() {}, info() {}, warn() {}, error() {},
  getChild() {
    return silentLogger;
  },
};
const V3 = '/_matrix/client/v3';

async function until(what: string, test: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await test()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the client has synced past everything written so far, then a little longer. */
async function settle(hs: TestServer, client: sdk.MatrixClient): Promise<void> {
  const pos = hs.hs.streams.generator.current;
  await until('the client to catch up', () => {
    const token = client.store.getSyncToken();
    const m = token ? /^s(\d+)_/.exec(token) : null;
    return m !== null && Number(m[1]) >= pos;
  });
  await new Promise((r) => setTimeout(r, 1000));
}

/** The decrypted body of the room's timeline events (undefined while not decrypted). */
function plaintexts(client: sdk.MatrixClient, roomId: string): string[] {
  const room = client.getRoom(roomId);
  if (!room) return [];
  return room.getLiveTimeline().getEvents()
    .filter((e) => e.isEncrypted() && !e.isDecryptionFailure() && e.getType() === 'm.room.message')
    .map((e) => e.getContent().body as string);
}

for (const engine of engines()) {
  describe(`E2EE with matrix-js-sdk Rust crypto (${engine})`, () => {
    let hs: TestServer;
    const log: Exchange[] = [];
    const clients: sdk.MatrixClient[] = [];
    let alice: sdk.MatrixClient;
    let bob: sdk.MatrixClient;
    let aliceUser: TestUser;
    let bobUser: TestUser;
    let roomId: string;
    const fail = (msg: string) => `${msg}; failed requests so far:\n${summarize(log)}`;

    /** The recovery (secret storage) key "the user wrote down", shared by every device of alice. */
    const ssss = new Map<string, Uint8Array>();
    const cryptoCallbacks: sdk.ICreateClientOpts['cryptoCallbacks'] = {
      getSecretStorageKey: async ({ keys }) => {
        for (const id of Object.keys(keys)) {
          const k = ssss.get(id);
          if (k) return [id, k];
        }
        return null;
      },
      cacheSecretStorageKey: (keyId, _info, key) => {
        ssss.set(keyId, key);
      },
    };

    const cryptoClient = async (user: TestUser): Promise<sdk.MatrixClient> => {
      quietJsSdk();
      const c = sdk.createClient({
        baseUrl: hs.baseUrl, fetchFn: recordingFetch(log), logger: silentLogger,
        userId: user.userId, accessToken: user.accessToken, deviceId: user.deviceId, cryptoCallbacks,
      });
      clients.push(c);
      await c.initRustCrypto({ useIndexedDB: false });
      await startAndWaitPrepared(c, log);
      return c;
    };

    const login = async (localpart: string): Promise<TestUser> => {
      const res = await hs.request('POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: localpart }, password: PASSWORD });
      assert.equal(res.status, 200);
      return { userId: res.body.user_id, accessToken: res.body.access_token, deviceId: res.body.device_id };
    };

    before(async () => {
      hs = await startTestServer({ engine });
      aliceUser = await hs.register('alice');
      bobUser = await hs.register('bob');
      alice = await cryptoClient(aliceUser);
      bob = await cryptoClient(bobUser);
    });

    after(async () => {
      for (const c of clients) c.stopClient();
      await hs?.close();
    });

    it('uploads device keys on start (visible in /keys/query)', async () => {
      await until('both devices to upload keys', async () => {
        const q = await hs.request('POST', `${V3}/keys/query`, { device_keys: { [aliceUser.userId]: [], [bobUser.userId]: [] } }, aliceUser.accessToken);
        return q.body.device_keys[aliceUser.userId]?.[aliceUser.deviceId] !== undefined && q.body.device_keys[bobUser.userId]?.[bobUser.deviceId] !== undefined;
      }).catch((e: Error) => assert.fail(fail(e.message)));
      const counts = await hs.request('POST', `${V3}/keys/upload`, {}, aliceUser.accessToken);
      assert.ok(counts.body.one_time_key_counts.signed_curve25519 > 0, 'one-time keys uploaded');
    });

    it('bootstraps cross-signing (first upload without UIA, reset with m.login.password)', async () => {
      const crypto = alice.getCrypto()!;
      let authCalls = 0;
      const authUploadDeviceSigningKeys = async <T>(makeRequest: (auth: sdk.AuthDict | null) => Promise<T>): Promise<void> => {
        authCalls++;
        try {
          await makeRequest(null);
        } catch (err) {
          const data = (err as sdk.MatrixError).data as { session?: string; flows?: unknown };
          assert.equal((err as sdk.MatrixError).httpStatus, 401, 'a UIA challenge');
          await makeRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: aliceUser.userId }, password: PASSWORD, session: data.session } as sdk.AuthDict);
        }
      };
      await crypto.bootstrapCrossSigning({ authUploadDeviceSigningKeys });
      assert.ok(authCalls >= 1);
      assert.equal(await crypto.isCrossSigningReady(), true, fail('cross-signing ready'));
      const status = await crypto.getCrossSigningStatus();
      assert.equal(status.publicKeysOnDevice, true);
      const q = await hs.request('POST', `${V3}/keys/query`, { device_keys: { [aliceUser.userId]: [] } }, aliceUser.accessToken);
      const master = q.body.master_keys[aliceUser.userId];
      assert.ok(master, 'master key published');
      assert.ok(q.body.self_signing_keys[aliceUser.userId], 'self-signing key published');
      assert.ok(q.body.user_signing_keys[aliceUser.userId], 'user-signing key visible to its owner');
      // The device is signed by the self-signing key (uploaded via /keys/signatures/upload).
      const sskId = Object.keys(q.body.self_signing_keys[aliceUser.userId].keys)[0]!;
      assert.ok(q.body.device_keys[aliceUser.userId][aliceUser.deviceId].signatures[aliceUser.userId][sskId], 'device cross-signed');
      // Let the client finish reacting to its own device-list change (a /keys/query
      // still in flight during the reset would answer with the old identity and make
      // the Rust SDK drop the new private keys: a client-side race, not a server one).
      await settle(hs, alice);
      // Reset: a new master key needs UIA, answered with the password.
      await crypto.bootstrapCrossSigning({ setupNewCrossSigning: true, authUploadDeviceSigningKeys });
      const q2 = await hs.request('POST', `${V3}/keys/query`, { device_keys: { [aliceUser.userId]: [] } }, bobUser.accessToken);
      assert.notDeepEqual(q2.body.master_keys[aliceUser.userId].keys, master.keys, 'master key replaced');
      assert.equal(q2.body.user_signing_keys[aliceUser.userId], undefined, 'user-signing key hidden from others');
      // The client re-downloads its own identity after the device-list change.
      await until('cross-signing ready again after the reset', () => crypto.isCrossSigningReady()).catch((e: Error) => assert.fail(fail(e.message)));
    });

    it('exchanges Megolm-encrypted messages both ways in an encrypted room', async () => {
      const created = await alice.createRoom({
        preset: sdk.Preset.PrivateChat,
        invite: [bobUser.userId],
        initial_state: [{ type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } }],
      });
      roomId = created.room_id;
      await until('bob to see the invite', () => bob.getRoom(roomId)?.getMyMembership() === 'invite').catch((e: Error) => assert.fail(fail(e.message)));
      await bob.joinRoom(roomId);
      await until('alice to see bob joined', () => alice.getRoom(roomId)?.getMember(bobUser.userId)?.membership === 'join').catch((e: Error) => assert.fail(fail(e.message)));
      assert.equal(await alice.getCrypto()!.isEncryptionEnabledInRoom(roomId), true);

      await alice.sendTextMessage(roomId, 'hello bob, secretly');
      const raw = await hs.request('GET', `${V3}/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=5`, undefined, aliceUser.accessToken);
      const stored = raw.body.chunk.find((e: { type: string }) => e.type === 'm.room.encrypted');
      assert.ok(stored, 'the server only stores m.room.encrypted');
      assert.equal(JSON.stringify(raw.body).includes('secretly'), false, 'no plaintext on the server');
      await until('bob to decrypt', () => plaintexts(bob, roomId).includes('hello bob, secretly')).catch((e: Error) => assert.fail(fail(e.message)));

      await bob.sendTextMessage(roomId, 'hi alice, also secret');
      await until('alice to decrypt', () => plaintexts(alice, roomId).includes('hi alice, also secret')).catch((e: Error) => assert.fail(fail(e.message)));
    });

    it('a third device of alice, added later, reads earlier messages from the key backup', async () => {
      const crypto = alice.getCrypto()!;
      await crypto.resetKeyBackup();
      // The backup is activated in the background once the new version is trusted.
      let version: string | null = null;
      await until('the backup to be active', async () => (version = await crypto.getActiveSessionBackupVersion()) !== null)
        .catch((e: Error) => assert.fail(fail(e.message)));
      assert.ok(version);
      await alice.sendTextMessage(roomId, 'backed-up message');
      // The backup loop uploads the room keys (PUT /room_keys/keys).
      await until('room keys in the backup', async () => {
        const v = await hs.request('GET', `${V3}/room_keys/version`, undefined, aliceUser.accessToken);
        return v.status === 200 && v.body.count > 0;
      }, 30_000).catch((e: Error) => assert.fail(fail(e.message)));
      const backupKey = await crypto.getSessionBackupPrivateKey();
      assert.ok(backupKey, 'the backup decryption key');

      // A new login = a new device; the user gives it the backup key (as with a recovery key).
      const third = await cryptoClient(await login('alice'));
      await until('the new device to see the room', () => third.getRoom(roomId) !== null).catch((e: Error) => assert.fail(fail(e.message)));
      const c3 = third.getCrypto()!;
      await c3.storeSessionBackupPrivateKey(backupKey, version!);
      const check = await c3.checkKeyBackupAndEnable();
      assert.ok(check?.backupInfo, 'the new device finds the backup');
      const result = await c3.restoreKeyBackup();
      assert.ok(result.imported > 0, 'keys imported from the backup');
      await until('the third device to decrypt old messages', () => {
        const texts = plaintexts(third, roomId);
        return texts.includes('backed-up message') && texts.includes('hello bob, secretly');
      }, 20_000).catch((e: Error) => assert.fail(fail(`${e.message}; third device sees ${JSON.stringify(plaintexts(third, roomId))}`)));

      // And it takes part in new conversation: bob encrypts to it too.
      await bob.sendTextMessage(roomId, 'hello all alice devices');
      await until('the third device to decrypt a new message', () => plaintexts(third, roomId).includes('hello all alice devices'))
        .catch((e: Error) => assert.fail(fail(e.message)));
    });

    it('secret storage: a fourth device gets the cross-signing and backup keys with the recovery key', async () => {
      const crypto = alice.getCrypto()!;
      const recoveryKey = await crypto.createRecoveryKeyFromPassphrase();
      // Stores the cross-signing private keys and the backup key in account data, encrypted.
      await crypto.bootstrapSecretStorage({ createSecretStorageKey: async () => recoveryKey, setupNewSecretStorage: true });
      assert.equal(await crypto.isSecretStorageReady(), true, fail('secret storage ready'));
      const defaultKey = await hs.request('GET', `${V3}/user/${encodeURIComponent(aliceUser.userId)}/account_data/m.secret_storage.default_key`, undefined, aliceUser.accessToken);
      assert.equal(defaultKey.status, 200);
      await settle(hs, alice);

      const fourth = await cryptoClient(await login('alice'));
      const c4 = fourth.getCrypto()!;
      await until('the new device to see the room and the secret storage key', async () =>
        fourth.getRoom(roomId) !== null && (await fourth.secretStorage.getDefaultKeyId()) !== null).catch((e: Error) => assert.fail(fail(e.message)));
      // Cross-signing from secret storage (once the device knows its user's public identity): the new device signs itself.
      await until('the fourth device to know alice\'s public cross-signing keys', async () => (await c4.getCrossSigningStatus()).publicKeysOnDevice)
        .catch((e: Error) => assert.fail(fail(e.message)));
      await c4.bootstrapCrossSigning({});
      await until('the fourth device to be cross-signing ready', () => c4.isCrossSigningReady()).catch((e: Error) => assert.fail(fail(e.message)));
      const me = fourth.getDeviceId()!;
      await until('the fourth device to be cross-signed on the server', async () => {
        const q = await hs.request('POST', `${V3}/keys/query`, { device_keys: { [aliceUser.userId]: [me] } }, bobUser.accessToken);
        const ssk = Object.keys(q.body.self_signing_keys[aliceUser.userId]?.keys ?? {})[0];
        return ssk !== undefined && q.body.device_keys[aliceUser.userId][me]?.signatures[aliceUser.userId][ssk] !== undefined;
      }).catch((e: Error) => assert.fail(fail(e.message)));
      // Backup key from secret storage, then restore.
      await c4.loadSessionBackupPrivateKeyFromSecretStorage();
      await c4.checkKeyBackupAndEnable();
      const result = await c4.restoreKeyBackup();
      assert.ok(result.imported > 0, 'keys imported');
      await until('the fourth device to decrypt old messages', () => plaintexts(fourth, roomId).includes('backed-up message'))
        .catch((e: Error) => assert.fail(fail(`${e.message}; fourth device sees ${JSON.stringify(plaintexts(fourth, roomId))}`)));
    });
  });
}
