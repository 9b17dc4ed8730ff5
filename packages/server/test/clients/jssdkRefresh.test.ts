// Real-client test, part 4: refresh tokens (client-server-api "Refreshing access tokens") as the
// js-sdk uses them — log in with `refresh_token: true`, let the short-lived access token expire while
// syncing, and keep receiving and sending: the client swaps tokens through POST /refresh on
// 401 M_UNKNOWN_TOKEN (soft_logout) or ahead of `expires_in_ms`.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as sdk from 'matrix-js-sdk';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { newClient, releaseJsSdkTimers, startAndWaitPrepared, summarize, waitUntil, type Exchange } from './jsSdkHelpers.js';

const LIFETIME_MS = 1500;

for (const engine of engines()) {
  describe(`matrix-js-sdk refresh tokens on ${engine}`, () => {
    let hs: TestServer;
    const log: Exchange[] = [];
    const clients: sdk.MatrixClient[] = [];
    let alice: sdk.MatrixClient;
    let bob: sdk.MatrixClient;
    let bobU: TestUser;
    let refreshes = 0;

    before(async () => {
      hs = await startTestServer({ engine, config: { refreshable_access_token_lifetime: LIFETIME_MS } });
      const aliceU = await hs.register('alice');
      bobU = await hs.register('bob', 'bob password');
      alice = newClient(hs.baseUrl, log, aliceU);
      clients.push(alice);
    });

    after(async () => {
      for (const c of clients) c.stopClient();
      releaseJsSdkTimers();
      await hs?.close();
    });

    it('a syncing client outlives its access token by refreshing it', async () => {
      const anon = newClient(hs.baseUrl, log);
      const login = await anon.loginRequest({ type: 'm.login.password', identifier: { type: 'm.id.user', user: 'bob' }, password: 'bob password', refresh_token: true });
      assert.ok(login.refresh_token, 'login issued a refresh token');
      assert.ok(login.expires_in_ms && login.expires_in_ms <= LIFETIME_MS, `expires_in_ms ${login.expires_in_ms}`);
      bob = newClient(hs.baseUrl, log, { userId: login.user_id, accessToken: login.access_token, deviceId: login.device_id }, {
        refreshToken: login.refresh_token,
        tokenRefreshFunction: async (refreshToken: string) => {
          refreshes++;
          const r = await anon.refreshToken(refreshToken);
          return { accessToken: r.access_token, refreshToken: r.refresh_token, expiry: r.expires_in_ms ? new Date(Date.now() + r.expires_in_ms) : undefined };
        },
      });
      clients.push(bob);
      await startAndWaitPrepared(alice, log);
      await startAndWaitPrepared(bob, log);

      const { room_id: roomId } = await alice.createRoom({ invite: [bobU.userId] });
      await waitUntil(bob, () => bob.getRoom(roomId)?.getMyMembership() === 'invite', 'bob to see the invite');
      await bob.joinRoom(roomId);

      await sleep(LIFETIME_MS * 2); // the first access token is dead now
      const { event_id: id } = await alice.sendTextMessage(roomId, 'after expiry');
      await waitUntil(bob, () => !!bob.getRoom(roomId)?.findEventById(id), 'bob to keep syncing after his token expired').catch((e: Error) =>
        assert.fail(`${e.message}; refreshes: ${refreshes}; failed requests:\n${summarize(log)}`),
      );
      const { event_id: reply } = await bob.sendTextMessage(roomId, 'still here');
      await waitUntil(alice, () => !!alice.getRoom(roomId)?.findEventById(reply), 'alice to get bob\'s reply');
      assert.ok(refreshes >= 1, 'the client refreshed its token');
      assert.notEqual(bob.getAccessToken(), login.access_token);
      const old = await hs.request('GET', '/_matrix/client/v3/account/whoami', undefined, login.access_token);
      assert.equal(old.status, 401, 'the first access token has expired');
      assert.equal(old.body.errcode, 'M_UNKNOWN_TOKEN');
      assert.equal(old.body.soft_logout, true, 'an expired token is a soft logout');
    });
  });
}
