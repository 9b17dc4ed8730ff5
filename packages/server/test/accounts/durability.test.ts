// Accounts survive kill -9: every registration, login and password change that
// was acknowledged is there after a restart on the same data.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines } from '../harness.js';
import { prepareChildServer, removeChildServerData, startChildServer } from '../rooms/childServer.js';

const V3 = '/_matrix/client/v3';

async function post(baseUrl: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

for (const engine of engines()) {
  describe(`accounts durability under kill -9 (${engine})`, () => {
    it('acknowledged registrations, logins and password changes survive', { timeout: 90_000 }, async () => {
      const data = await prepareChildServer(engine);
      try {
        let server = await startChildServer(data);
        const acked: { user: string; password: string; tokens: string[] }[] = [];
        await Promise.all(
          Array.from({ length: 8 }, async (_, i) => {
            const user = `durable${i}`;
            const reg = await post(server.baseUrl, `${V3}/register`, { username: user, password: 'pw1', auth: { type: 'm.login.dummy' } });
            assert.equal(reg.status, 200);
            const login = await post(server.baseUrl, `${V3}/login`, { type: 'm.login.password', user, password: 'pw1' });
            assert.equal(login.status, 200);
            let password = 'pw1';
            if (i % 2 === 0) {
              const change = await post(server.baseUrl, `${V3}/account/password`, {
                new_password: 'pw2', logout_devices: false, auth: { type: 'm.login.password', user, password: 'pw1' },
              }, reg.body.access_token);
              assert.equal(change.status, 200);
              password = 'pw2';
            }
            acked.push({ user, password, tokens: [reg.body.access_token, login.body.access_token] });
          }),
        );
        await server.kill9();

        server = await startChildServer(data);
        try {
          for (const a of acked) {
            for (const token of a.tokens) {
              const res = await fetch(`${server.baseUrl}${V3}/account/whoami`, { headers: { authorization: `Bearer ${token}` } });
              assert.equal(res.status, 200, `${a.user}'s token lost`);
            }
            const login = await post(server.baseUrl, `${V3}/login`, { type: 'm.login.password', user: a.user, password: a.password });
            assert.equal(login.status, 200, `${a.user} cannot log in with the acknowledged password`);
          }
        } finally {
          await server.stop();
        }
      } finally {
        await removeChildServerData(data);
      }
    });
  });
}
