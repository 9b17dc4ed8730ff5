// Synapse-compatible admin registration (shared secret) and registration tokens.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { engines, startTestServer, type TestServer } from '../harness.js';

const ADMIN = '/_synapse/admin/v1';

/** The MAC exactly as Synapse's register_new_matrix_user computes it. */
function mac(secret: string, nonce: string, user: string, password: string, admin: boolean, userType?: string): string {
  const parts = [nonce, user, password, admin ? 'admin' : 'notadmin', ...(userType ? [userType] : [])];
  return createHmac('sha1', secret).update(parts.join('\x00')).digest('hex');
}

for (const engine of engines()) {
  describe(`admin API (${engine})`, () => {
    let hs: TestServer;
    before(async () => {
      hs = await startTestServer({ engine, config: { registration_shared_secret: 's3cret', enable_registration: false } });
    });
    after(() => hs.close());

    it('shared-secret registration: nonce + HMAC registers (also when registration is closed)', async () => {
      const { body } = await hs.request('GET', `${ADMIN}/register`);
      assert.match(body.nonce, /^\S{16,}$/);
      const res = await hs.request('POST', `${ADMIN}/register`, {
        nonce: body.nonce, username: 'root', password: 'pw', admin: true, mac: mac('s3cret', body.nonce, 'root', 'pw', true),
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.user_id, '@root:weft.test');
      assert.equal(typeof res.body.access_token, 'string');
      assert.equal((await hs.hs.storage.users.getUser('@root:weft.test'))?.admin, true);
      // The nonce is single-use.
      const replay = await hs.request('POST', `${ADMIN}/register`, {
        nonce: body.nonce, username: 'root2', password: 'pw', admin: true, mac: mac('s3cret', body.nonce, 'root2', 'pw', true),
      });
      assert.equal(replay.status, 400);
    });

    it('wrong MAC → 403; unknown nonce → 400; user_type is part of the MAC', async () => {
      const n1 = (await hs.request('GET', `${ADMIN}/register`)).body.nonce;
      const bad = await hs.request('POST', `${ADMIN}/register`, { nonce: n1, username: 'x', password: 'pw', admin: false, mac: mac('wrong', n1, 'x', 'pw', false) });
      assert.deepEqual([bad.status, bad.body.errcode], [403, 'M_FORBIDDEN']);
      const unknown = await hs.request('POST', `${ADMIN}/register`, { nonce: 'nope', username: 'x', password: 'pw', mac: 'ab' });
      assert.equal(unknown.status, 400);
      const n2 = (await hs.request('GET', `${ADMIN}/register`)).body.nonce;
      const bot = await hs.request('POST', `${ADMIN}/register`, { nonce: n2, username: 'bot', password: 'pw', admin: false, user_type: 'bot', mac: mac('s3cret', n2, 'bot', 'pw', false, 'bot') });
      assert.equal(bot.status, 200, JSON.stringify(bot.body));
      assert.equal((await hs.hs.storage.users.getUser('@bot:weft.test'))?.userType, 'bot');
    });

    it('registration token admin API: admins only, create, list, get, delete', async () => {
      const n = (await hs.request('GET', `${ADMIN}/register`)).body.nonce;
      const admin = (await hs.request('POST', `${ADMIN}/register`, { nonce: n, username: 'boss', password: 'pw', admin: true, mac: mac('s3cret', n, 'boss', 'pw', true) })).body.access_token;
      const n3 = (await hs.request('GET', `${ADMIN}/register`)).body.nonce;
      const plain = (await hs.request('POST', `${ADMIN}/register`, { nonce: n3, username: 'pleb', password: 'pw', admin: false, mac: mac('s3cret', n3, 'pleb', 'pw', false) })).body.access_token;
      assert.equal((await hs.request('POST', `${ADMIN}/registration_tokens/new`, {}, plain)).status, 403);
      const created = await hs.request('POST', `${ADMIN}/registration_tokens/new`, { token: 'abc', uses_allowed: 2 }, admin);
      assert.deepEqual(created.body, { token: 'abc', uses_allowed: 2, pending: 0, completed: 0, expiry_time: null });
      const random = await hs.request('POST', `${ADMIN}/registration_tokens/new`, { length: 8 }, admin);
      assert.equal(random.body.token.length, 8);
      const list = await hs.request('GET', `${ADMIN}/registration_tokens`, undefined, admin);
      assert.equal(list.body.registration_tokens.length, 2);
      assert.equal((await hs.request('GET', `${ADMIN}/registration_tokens/abc`, undefined, admin)).body.uses_allowed, 2);
      assert.equal((await hs.request('DELETE', `${ADMIN}/registration_tokens/abc`, undefined, admin)).status, 200);
      assert.equal((await hs.request('GET', `${ADMIN}/registration_tokens/abc`, undefined, admin)).status, 404);
    });
  });
}

describe('admin API without a shared secret', () => {
  it('is refused', async () => {
    const hs = await startTestServer({ config: { registration_shared_secret: null } });
    try {
      const res = await hs.request('GET', `${ADMIN}/register`);
      assert.equal(res.status, 400);
    } finally {
      await hs.close();
    }
  });
});
