// Black-box tests of server-side key backup (data/api/client-server/key_backup.yaml;
// end_to_end_encryption.md "Server-side key backups").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { V3 } from './e2eeHelpers.js';

const ALG = 'm.megolm_backup.v1.curve25519-aes-sha2';
const authData = (pk = 'pubkey') => ({ public_key: pk, signatures: {} });
const keyData = (fmi: number, fwd: number, verified: boolean, tag: string) => ({
  first_message_index: fmi, forwarded_count: fwd, is_verified: verified, session_data: { ephemeral: 'e', ciphertext: tag, mac: 'm' },
});

for (const engine of engines()) {
  describe(`key backup (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    const createVersion = async (u: TestUser, pk?: string): Promise<string> => {
      const res = await hs.request('POST', `${V3}/room_keys/version`, { algorithm: ALG, auth_data: authData(pk) }, u.accessToken);
      assert.equal(res.status, 200);
      assert.equal(typeof res.body.version, 'string');
      return res.body.version;
    };

    it('creates, reads, updates and deletes versions; GET without version is the latest', async () => {
      const alice = await hs.register();
      let res = await hs.request('GET', `${V3}/room_keys/version`, undefined, alice.accessToken);
      assert.equal(res.status, 404);
      assert.equal(res.body.errcode, 'M_NOT_FOUND');
      const v1 = await createVersion(alice, 'one');
      const v2 = await createVersion(alice, 'two');
      assert.notEqual(v1, v2);
      res = await hs.request('GET', `${V3}/room_keys/version`, undefined, alice.accessToken);
      assert.deepEqual(res.body, { algorithm: ALG, auth_data: authData('two'), count: 0, etag: res.body.etag, version: v2 });
      assert.equal(typeof res.body.etag, 'string');
      res = await hs.request('GET', `${V3}/room_keys/version/${v1}`, undefined, alice.accessToken);
      assert.equal(res.body.auth_data.public_key, 'one');
      res = await hs.request('PUT', `${V3}/room_keys/version/${v1}`, { algorithm: ALG, auth_data: authData('uno'), version: v1 }, alice.accessToken);
      assert.equal(res.status, 200);
      res = await hs.request('GET', `${V3}/room_keys/version/${v1}`, undefined, alice.accessToken);
      assert.equal(res.body.auth_data.public_key, 'uno');
      res = await hs.request('PUT', `${V3}/room_keys/version/${v1}`, { algorithm: 'other', auth_data: authData() }, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('PUT', `${V3}/room_keys/version/${v1}`, { algorithm: ALG, auth_data: authData(), version: v2 }, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('PUT', `${V3}/room_keys/version/999`, { algorithm: ALG, auth_data: authData() }, alice.accessToken);
      assert.equal(res.status, 404);
      res = await hs.request('DELETE', `${V3}/room_keys/version/${v2}`, undefined, alice.accessToken);
      assert.equal(res.status, 200);
      res = await hs.request('DELETE', `${V3}/room_keys/version/${v2}`, undefined, alice.accessToken);
      assert.equal(res.status, 200, 'deleting again succeeds');
      res = await hs.request('DELETE', `${V3}/room_keys/version/777`, undefined, alice.accessToken);
      assert.equal(res.status, 404);
      res = await hs.request('GET', `${V3}/room_keys/version/${v2}`, undefined, alice.accessToken);
      assert.equal(res.status, 404);
      res = await hs.request('GET', `${V3}/room_keys/version`, undefined, alice.accessToken);
      assert.equal(res.body.version, v1, 'the latest remaining version');
      const v3 = await createVersion(alice);
      assert.ok(Number(v3) > Number(v2), 'version numbers are not reused');
      res = await hs.request('POST', `${V3}/room_keys/version`, { algorithm: ALG }, alice.accessToken);
      assert.equal(res.status, 400);
      // Another user sees none of it.
      const bob = await hs.register();
      res = await hs.request('GET', `${V3}/room_keys/version/${v1}`, undefined, bob.accessToken);
      assert.equal(res.status, 404);
    });

    it('stores keys at all three levels with count and etag, and deletes them', async () => {
      const alice = await hs.register();
      const v = await createVersion(alice);
      const base = `${V3}/room_keys/keys`;
      let res = await hs.request('PUT', `${base}?version=${v}`, { rooms: { '!a:x': { sessions: { s1: keyData(0, 0, false, 'a1'), s2: keyData(0, 0, false, 'a2') } } } }, alice.accessToken);
      assert.equal(res.status, 200);
      assert.equal(res.body.count, 2);
      const etag1 = res.body.etag;
      res = await hs.request('PUT', `${base}/${encodeURIComponent('!b:x')}?version=${v}`, { sessions: { s3: keyData(0, 0, false, 'b3') } }, alice.accessToken);
      assert.equal(res.body.count, 3);
      assert.notEqual(res.body.etag, etag1);
      res = await hs.request('PUT', `${base}/${encodeURIComponent('!b:x')}/s4?version=${v}`, keyData(0, 0, false, 'b4'), alice.accessToken);
      assert.equal(res.body.count, 4);
      const etag2 = res.body.etag;
      res = await hs.request('GET', `${base}?version=${v}`, undefined, alice.accessToken);
      assert.deepEqual(Object.keys(res.body.rooms).sort(), ['!a:x', '!b:x']);
      assert.deepEqual(res.body.rooms['!b:x'].sessions.s4, keyData(0, 0, false, 'b4'));
      res = await hs.request('GET', `${base}/${encodeURIComponent('!a:x')}?version=${v}`, undefined, alice.accessToken);
      assert.deepEqual(Object.keys(res.body.sessions).sort(), ['s1', 's2']);
      res = await hs.request('GET', `${base}/${encodeURIComponent('!none:x')}?version=${v}`, undefined, alice.accessToken);
      assert.deepEqual(res.body, { sessions: {} });
      res = await hs.request('GET', `${base}/${encodeURIComponent('!a:x')}/s1?version=${v}`, undefined, alice.accessToken);
      assert.deepEqual(res.body, keyData(0, 0, false, 'a1'));
      res = await hs.request('GET', `${base}/${encodeURIComponent('!a:x')}/nope?version=${v}`, undefined, alice.accessToken);
      assert.equal(res.status, 404);
      res = await hs.request('GET', `${V3}/room_keys/version/${v}`, undefined, alice.accessToken);
      assert.equal(res.body.count, 4);
      assert.equal(res.body.etag, etag2);
      // Deleting: one session, a room, everything.
      res = await hs.request('DELETE', `${base}/${encodeURIComponent('!a:x')}/s1?version=${v}`, undefined, alice.accessToken);
      assert.equal(res.body.count, 3);
      assert.notEqual(res.body.etag, etag2);
      res = await hs.request('DELETE', `${base}/${encodeURIComponent('!b:x')}?version=${v}`, undefined, alice.accessToken);
      assert.equal(res.body.count, 1);
      res = await hs.request('DELETE', `${base}?version=${v}`, undefined, alice.accessToken);
      assert.equal(res.body.count, 0);
      // Missing / unknown version.
      res = await hs.request('GET', `${base}`, undefined, alice.accessToken);
      assert.equal(res.status, 400);
      res = await hs.request('GET', `${base}?version=12345`, undefined, alice.accessToken);
      assert.equal(res.status, 404);
      res = await hs.request('PUT', `${base}/${encodeURIComponent('!a:x')}/s1?version=${v}`, { first_message_index: 0 }, alice.accessToken);
      assert.equal(res.status, 400);
    });

    it('rejects writes to a version that is not the current one with M_WRONG_ROOM_KEYS_VERSION', async () => {
      const alice = await hs.register();
      const old = await createVersion(alice);
      const current = await createVersion(alice);
      const res = await hs.request('PUT', `${V3}/room_keys/keys/${encodeURIComponent('!a:x')}/s?version=${old}`, keyData(0, 0, false, 'x'), alice.accessToken);
      assert.equal(res.status, 403);
      assert.equal(res.body.errcode, 'M_WRONG_ROOM_KEYS_VERSION');
      assert.equal(res.body.current_version, current);
      const bob = await hs.register();
      const none = await hs.request('PUT', `${V3}/room_keys/keys/${encodeURIComponent('!a:x')}/s?version=1`, keyData(0, 0, false, 'x'), bob.accessToken);
      assert.equal(none.status, 404);
    });

    it('keeps the better key: verified, then lower first_message_index, then lower forwarded_count', async () => {
      const alice = await hs.register();
      const v = await createVersion(alice);
      const path = `${V3}/room_keys/keys/${encodeURIComponent('!r:x')}/sess?version=${v}`;
      const put = async (k: ReturnType<typeof keyData>) => (await hs.request('PUT', path, k, alice.accessToken)).body.etag as string;
      const stored = async () => (await hs.request('GET', path, undefined, alice.accessToken)).body.session_data.ciphertext as string;
      let etag = await put(keyData(5, 2, false, 'start'));
      // Unverified never replaces verified... but first: verified replaces unverified even with a higher index.
      let next = await put(keyData(9, 9, true, 'verified'));
      assert.equal(await stored(), 'verified');
      assert.notEqual(next, etag);
      etag = next;
      next = await put(keyData(0, 0, false, 'unverified-lower'));
      assert.equal(await stored(), 'verified', 'unverified loses against verified');
      assert.equal(next, etag, 'no change, same etag');
      await put(keyData(3, 9, true, 'lower-index'));
      assert.equal(await stored(), 'lower-index');
      await put(keyData(4, 0, true, 'higher-index'));
      assert.equal(await stored(), 'lower-index', 'a higher first_message_index loses');
      await put(keyData(3, 1, true, 'fewer-forwards'));
      assert.equal(await stored(), 'fewer-forwards');
      await put(keyData(3, 1, true, 'equal'));
      assert.equal(await stored(), 'fewer-forwards', 'with everything equal the stored key stays');
      const count = (await hs.request('GET', `${V3}/room_keys/version/${v}`, undefined, alice.accessToken)).body.count;
      assert.equal(count, 1);
    });
  });
}
