// unread_notifications in /sync follow the user's push rules (client-server-api
// push.md "Receiving notifications", "Predefined Rules"), both engines.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';

const V3 = '/_matrix/client/v3';
const PR = `${V3}/pushrules/global`;

for (const engine of engines()) {
  describe(`push rules drive unread counts (${engine})`, () => {
    let hs: TestServer;
    let txn = 0;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    const ok = async (u: TestUser, method: string, path: string, body?: unknown) => {
      const res = await hs.request(method, path, body, u.accessToken);
      assert.equal(res.status, 200, `${method} ${path}: ${JSON.stringify(res.body)}`);
      return res.body;
    };
    const send = async (u: TestUser, roomId: string, content: Record<string, unknown>, type = 'm.room.message') =>
      (await ok(u, 'PUT', `${V3}/rooms/${encodeURIComponent(roomId)}/send/${type}/t${++txn}`, content)).event_id as string;
    const counts = async (u: TestUser, roomId: string) => {
      const s = await ok(u, 'GET', `${V3}/sync`);
      return s.rooms.join[roomId].unread_notifications as { notification_count: number; highlight_count: number };
    };
    /** A room of `n` members: alice (creator, PL 100), bob, and more joined users. */
    const room = async (n: number) => {
      const alice = await hs.register();
      const bob = await hs.register();
      const roomId = (await ok(alice, 'POST', `${V3}/createRoom`, { preset: 'public_chat' })).room_id as string;
      const others = [bob];
      for (let i = 2; i < n; i++) others.push(await hs.register());
      for (const u of others) await ok(u, 'POST', `${V3}/join/${encodeURIComponent(roomId)}`, {});
      return { alice, bob, roomId };
    };

    it('default rules: messages notify; notices, edits and reactions do not; mentions highlight', async () => {
      const { alice, bob, roomId } = await room(3);
      const original = await send(alice, roomId, { msgtype: 'm.text', body: 'hello' });
      await send(alice, roomId, { msgtype: 'm.notice', body: 'bot says' });
      await send(alice, roomId, { msgtype: 'm.text', body: '* hi', 'm.new_content': { msgtype: 'm.text', body: 'hi' }, 'm.relates_to': { rel_type: 'm.replace', event_id: original } });
      await send(alice, roomId, { 'm.relates_to': { rel_type: 'm.annotation', event_id: original, key: '👍' } }, 'm.reaction');
      await send(alice, roomId, { msgtype: 'm.text', body: 'hey bob', 'm.mentions': { user_ids: [bob.userId] } });
      // @room from the creator (PL 100 ≥ notifications.room 50) highlights; bob's own messages never count.
      await send(alice, roomId, { msgtype: 'm.text', body: '@room', 'm.mentions': { room: true } });
      await send(bob, roomId, { msgtype: 'm.text', body: 'mine' });
      assert.deepEqual(await counts(bob, roomId), { notification_count: 3, highlight_count: 2 });
      // alice sees bob's @room without highlight: bob (PL 0) lacks the notification power level.
      await send(bob, roomId, { msgtype: 'm.text', body: '@room', 'm.mentions': { room: true } });
      assert.deepEqual(await counts(alice, roomId), { notification_count: 2, highlight_count: 0 });
    });

    it('the user\'s rules change the counts: room rule silences, master mutes, actions on defaults', async () => {
      const { alice, bob, roomId } = await room(3);
      await send(alice, roomId, { msgtype: 'm.text', body: 'one' });
      await send(alice, roomId, { msgtype: 'm.notice', body: 'notice' });
      assert.deepEqual(await counts(bob, roomId), { notification_count: 1, highlight_count: 0 });
      await ok(bob, 'PUT', `${PR}/underride/.m.rule.message/actions`, { actions: ['notify', { set_tweak: 'highlight' }] });
      assert.deepEqual(await counts(bob, roomId), { notification_count: 1, highlight_count: 1 });
      await ok(bob, 'PUT', `${PR}/override/.m.rule.suppress_notices/enabled`, { enabled: false });
      assert.deepEqual(await counts(bob, roomId), { notification_count: 2, highlight_count: 2 });
      await ok(bob, 'PUT', `${PR}/room/${encodeURIComponent(roomId)}`, { actions: [] });
      assert.deepEqual(await counts(bob, roomId), { notification_count: 0, highlight_count: 0 }, 'the room rule outranks the message underride');
      await ok(bob, 'DELETE', `${PR}/room/${encodeURIComponent(roomId)}`);
      await ok(bob, 'PUT', `${PR}/content/word`, { pattern: 'on?', actions: [] });
      assert.deepEqual(await counts(bob, roomId), { notification_count: 1, highlight_count: 1 }, 'content rule silences "one"');
      await ok(bob, 'PUT', `${PR}/override/.m.rule.master/enabled`, { enabled: true });
      assert.deepEqual(await counts(bob, roomId), { notification_count: 0, highlight_count: 0 });
    });

    it('one-to-one rooms and read receipts', async () => {
      const { alice, bob, roomId } = await room(2);
      await send(alice, roomId, { msgtype: 'm.text', body: 'a' });
      const last = await send(alice, roomId, { algorithm: 'm.megolm.v1.aes-sha2', ciphertext: 'x' }, 'm.room.encrypted');
      assert.deepEqual(await counts(bob, roomId), { notification_count: 2, highlight_count: 0 });
      await ok(bob, 'POST', `${V3}/rooms/${encodeURIComponent(roomId)}/receipt/m.read/${encodeURIComponent(last)}`, {});
      assert.deepEqual(await counts(bob, roomId), { notification_count: 0, highlight_count: 0 });
      // Counting continues from the last sync's tally: only the new events are added.
      await send(alice, roomId, { msgtype: 'm.text', body: 'b' });
      assert.deepEqual(await counts(bob, roomId), { notification_count: 1, highlight_count: 0 });
      await send(alice, roomId, { msgtype: 'm.text', body: 'c', 'm.mentions': { user_ids: [bob.userId] } });
      await send(alice, roomId, { msgtype: 'm.notice', body: 'd' });
      assert.deepEqual(await counts(bob, roomId), { notification_count: 2, highlight_count: 1 });
      const s = await ok(bob, 'GET', `${V3}/sync`);
      await send(alice, roomId, { msgtype: 'm.text', body: 'e' });
      const inc = await ok(bob, 'GET', `${V3}/sync?since=${s.next_batch}&timeout=0`);
      assert.deepEqual(inc.rooms.join[roomId].unread_notifications, { notification_count: 3, highlight_count: 1 }, 'incremental sync');
    });
  });
}
