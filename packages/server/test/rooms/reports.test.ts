// Reporting content (report_content.yaml) and the admins' list of event reports
// (Synapse admin API GET /_synapse/admin/v1/event_reports).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, membershipAction, roomPath, send } from '../events/helpers.js';

const V3 = '/_matrix/client/v3';

for (const engine of engines()) {
  describe(`reporting content (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let adminToken: string;
    let roomId: string;
    let bad: string;

    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      bob = await hs.register('bob');
      const nonce = (await hs.request('GET', '/_synapse/admin/v1/register')).body.nonce as string;
      const mac = createHmac('sha1', 'test-shared-secret').update([nonce, 'root', 'pw', 'admin'].join('\x00')).digest('hex');
      adminToken = (await hs.request('POST', '/_synapse/admin/v1/register', { nonce, username: 'root', password: 'pw', admin: true, mac })).body.access_token;
      roomId = await createRoom(hs, alice, { preset: 'public_chat' });
      await membershipAction(hs, bob, roomId, 'join');
      bad = await send(hs, bob, roomId, 'something offensive');
    });
    after(() => hs.close());

    it('a member reports an event; admins list it with reporter, sender and reason; others may not', async () => {
      const res = await hs.request('POST', roomPath(roomId, `/report/${encodeURIComponent(bad)}`), { reason: 'this makes me sad' }, alice.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, {});
      const list = await hs.request('GET', '/_synapse/admin/v1/event_reports', undefined, adminToken);
      assert.equal(list.status, 200);
      assert.equal(list.body.total, 1);
      const r = list.body.event_reports[0];
      assert.deepEqual([r.room_id, r.event_id, r.user_id, r.sender, r.reason], [roomId, bad, alice.userId, bob.userId, 'this makes me sad']);
      assert.equal(typeof r.received_ts, 'number');
      assert.equal((await hs.request('GET', '/_synapse/admin/v1/event_reports', undefined, alice.accessToken)).status, 403);
    });

    it('404 when not joined, the event is elsewhere, unknown or redacted', async () => {
      const carol = await hs.register('carol');
      const notJoined = await hs.request('POST', roomPath(roomId, `/report/${encodeURIComponent(bad)}`), { reason: 'x' }, carol.accessToken);
      assert.equal(notJoined.status, 404);
      assert.equal(notJoined.body.errcode, 'M_NOT_FOUND');
      const other = await createRoom(hs, alice, {});
      assert.equal((await hs.request('POST', roomPath(other, `/report/${encodeURIComponent(bad)}`), {}, alice.accessToken)).status, 404);
      assert.equal((await hs.request('POST', roomPath(roomId, '/report/$nope'), {}, alice.accessToken)).status, 404);
      const gone = await send(hs, bob, roomId, 'redacted soon');
      await hs.request('PUT', roomPath(roomId, `/redact/${encodeURIComponent(gone)}/r1`), {}, bob.accessToken);
      assert.equal((await hs.request('POST', roomPath(roomId, `/report/${encodeURIComponent(gone)}`), {}, alice.accessToken)).status, 404);
    });

    it('rooms and users can be reported (reason required); unknown ones → 404', async () => {
      assert.equal((await hs.request('POST', roomPath(roomId, '/report'), { reason: '' }, alice.accessToken)).status, 200);
      assert.equal((await hs.request('POST', roomPath(roomId, '/report'), {}, alice.accessToken)).body.errcode, 'M_MISSING_PARAM');
      assert.equal((await hs.request('POST', roomPath(`!nope:${hs.serverName}`, '/report'), { reason: 'x' }, alice.accessToken)).status, 404);
      assert.equal((await hs.request('POST', `${V3}/users/${encodeURIComponent(bob.userId)}/report`, { reason: 'spam' }, alice.accessToken)).status, 200);
      assert.equal((await hs.request('POST', `${V3}/users/${encodeURIComponent(`@nobody:${hs.serverName}`)}/report`, { reason: 'x' }, alice.accessToken)).status, 404);
      assert.equal((await hs.request('POST', roomPath(roomId, `/report/${encodeURIComponent(bad)}`), { reason: 5 }, alice.accessToken)).status, 400);
    });
  });
}
