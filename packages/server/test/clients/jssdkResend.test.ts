// Real-client test, part 6: the connection drops after the server stored a message but before the
// client got the answer; Element then offers "Resend", which repeats the PUT with the SAME
// transaction ID. The server must answer with the original event ID and store nothing new
// (client-server-api "Transaction identifiers"), so both members see the message exactly once.
// Runs on SQLite, and on PostgreSQL when WEFT_TEST_POSTGRES is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as sdk from 'matrix-js-sdk';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { newClient, recordingFetch, releaseJsSdkTimers, startAndWaitPrepared, waitUntil, type Exchange } from './jsSdkHelpers.js';

for (const engine of engines()) {
  describe(`matrix-js-sdk resend after a lost answer on ${engine}`, () => {
    let hs: TestServer;
    const log: Exchange[] = [];
    const clients: sdk.MatrixClient[] = [];
    let aliceU: TestUser;
    let bobU: TestUser;
    const sendPuts: string[] = [];
    let dropNextSendAnswer = false;

    before(async () => {
      hs = await startTestServer({ engine });
      aliceU = await hs.register('alice');
      bobU = await hs.register('bob');
    });

    after(async () => {
      for (const c of clients) c.stopClient();
      releaseJsSdkTimers();
      await hs?.close();
    });

    it('a resent message keeps its transaction ID and is stored and delivered once', async () => {
      const inner = recordingFetch(log);
      // Alice's network: the request reaches the server; the answer to the armed send is "lost".
      const lossy: typeof globalThis.fetch = async (input, init) => {
        const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
        const isSend = init?.method === 'PUT' && /\/rooms\/[^/]+\/send\/m\.room\.message\//.test(url);
        if (isSend) sendPuts.push(new URL(url).pathname);
        const res = await inner(input, init);
        if (isSend && dropNextSendAnswer) {
          dropNextSendAnswer = false;
          await res.arrayBuffer();
          throw new TypeError('fetch failed (simulated: connection reset after the server answered)');
        }
        return res;
      };
      const alice = newClient(hs.baseUrl, log, aliceU, { fetchFn: lossy });
      const bob = newClient(hs.baseUrl, log, bobU);
      clients.push(alice, bob);
      await startAndWaitPrepared(alice, log);
      await startAndWaitPrepared(bob, log);
      const { room_id: roomId } = await alice.createRoom({ invite: [bobU.userId] });
      await waitUntil(bob, () => bob.getRoom(roomId)?.getMyMembership() === 'invite', 'bob to see the invite');
      await bob.joinRoom(roomId);
      await waitUntil(alice, () => alice.getRoom(roomId)?.getMember(bobU.userId)?.membership === 'join', 'alice to see bob join');

      dropNextSendAnswer = true;
      await assert.rejects(alice.sendTextMessage(roomId, 'sent twice, stored once'), 'the first attempt fails at the client');
      const room = alice.getRoom(roomId)!;
      const local = room.getLiveTimeline().getEvents().find((e) => e.getContent().body === 'sent twice, stored once');
      assert.ok(local, 'the local echo stays in the timeline');
      assert.equal(local.status, sdk.EventStatus.NOT_SENT);

      await alice.resendEvent(local, room);
      assert.equal(sendPuts.length, 2);
      assert.equal(sendPuts[0], sendPuts[1], 'the resend used the same transaction ID (same path)');
      await waitUntil(alice, () => local.status === null, 'alice\'s message to be confirmed by sync');
      await waitUntil(bob, () => bob.getRoom(roomId)!.getLiveTimeline().getEvents().some((e) => e.getContent().body === 'sent twice, stored once'), 'bob to receive it');

      // One event in the room for two PUTs: check the server's own history, not just the clients'.
      const msgs = await hs.request('GET', `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/messages?dir=b&limit=50`, undefined, bobU.accessToken);
      const copies = (msgs.body.chunk as { content: { body?: string } }[]).filter((e) => e.content.body === 'sent twice, stored once');
      assert.equal(copies.length, 1, 'stored once');
      assert.equal(bob.getRoom(roomId)!.getLiveTimeline().getEvents().filter((e) => e.getContent().body === 'sent twice, stored once').length, 1);
      assert.equal(room.getLiveTimeline().getEvents().filter((e) => e.getContent().body === 'sent twice, stored once').length, 1);
    });
  });
}
