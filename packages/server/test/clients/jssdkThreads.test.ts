// Real-client test, part 7: threads and edits as Element sends them (threadSupport on, which Element
// always enables): a thread root and replies (m.relates_to rel_type m.thread), an edit (m.replace).
// Delivery through /sync works whatever the server knows about relations; the thread list and
// per-thread pagination need the relations API (client-server-api "Threading": GET
// /v1/rooms/{roomId}/threads and /relations, served by the relations area) — asserted separately.
// Runs on SQLite, and on PostgreSQL when WEFT_TEST_POSTGRES is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as sdk from 'matrix-js-sdk';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { newClient, releaseJsSdkTimers, startAndWaitPrepared, summarize, waitUntil, type Exchange } from './jsSdkHelpers.js';

for (const engine of engines()) {
  describe(`matrix-js-sdk threads and edits on ${engine}`, () => {
    let hs: TestServer;
    const log: Exchange[] = [];
    const clients: sdk.MatrixClient[] = [];
    let alice: sdk.MatrixClient;
    let bob: sdk.MatrixClient;
    let aliceU: TestUser;
    let bobU: TestUser;
    let roomId: string;
    let rootId: string;
    const replyIds: string[] = [];

    const fail = (msg: string) => `${msg}; failed requests so far:\n${summarize(log)}`;
    const until = (client: sdk.MatrixClient, check: () => boolean, what: string) =>
      waitUntil(client, check, what).catch((e: Error) => assert.fail(fail(e.message)));

    before(async () => {
      hs = await startTestServer({ engine });
      aliceU = await hs.register('alice');
      bobU = await hs.register('bob');
      alice = newClient(hs.baseUrl, log, aliceU);
      bob = newClient(hs.baseUrl, log, bobU);
      clients.push(alice, bob);
      await startAndWaitPrepared(alice, log);
      await startAndWaitPrepared(bob, log);
      roomId = (await alice.createRoom({ invite: [bobU.userId] })).room_id;
      await until(bob, () => bob.getRoom(roomId)?.getMyMembership() === 'invite', 'bob to see the invite');
      await bob.joinRoom(roomId);
      await until(alice, () => alice.getRoom(roomId)?.getMember(bobU.userId)?.membership === 'join', 'alice to see bob join');
    });

    after(async () => {
      if (process.env.WEFT_CLIENT_LOG) console.error(summarize(log));
      for (const c of clients) c.stopClient();
      releaseJsSdkTimers();
      await hs?.close();
    });

    it('thread replies arrive at the other member with their m.thread relation intact', async () => {
      rootId = (await alice.sendTextMessage(roomId, 'thread root')).event_id;
      await until(bob, () => !!bob.getRoom(roomId)?.findEventById(rootId), 'bob to receive the root');
      for (let i = 0; i < 3; i++) {
        const content = { msgtype: 'm.text', body: `in thread ${i}`, 'm.relates_to': { rel_type: 'm.thread', event_id: rootId, is_falling_back: true, 'm.in_reply_to': { event_id: rootId } } };
        replyIds.push((await bob.sendEvent(roomId, rootId, sdk.EventType.RoomMessage, content as never)).event_id);
      }
      await until(alice, () => replyIds.every((id) => alice.getRoom(roomId)?.findEventById(id)), 'alice to receive the replies');
      for (const id of replyIds) {
        const ev = alice.getRoom(roomId)!.findEventById(id)!;
        assert.equal(ev.getRelation()?.rel_type, 'm.thread');
        assert.equal(ev.getRelation()?.event_id, rootId);
        assert.equal(ev.threadRootId, rootId);
      }
    });

    it('with threads on (as Element runs the js-sdk), the thread timeline holds every reply', async () => {
      // The js-sdk fills a thread from GET /v1/rooms/{roomId}/relations/{root}?recurse=true
      // (without it the thread timeline missed replies and the client logged unhandled 404s).
      const threaded = newClient(hs.baseUrl, log, aliceU);
      clients.push(threaded);
      await startAndWaitPrepared(threaded, log, 10, 15_000, { threadSupport: true });
      const room = threaded.getRoom(roomId)!;
      await room.fetchRoomThreads();
      await until(threaded, () => !!room.getThread(rootId), 'the thread to be known');
      const thread = room.getThread(rootId)!;
      await until(threaded, () => replyIds.every((id) => thread.findEventById(id)), 'all replies in the thread timeline');
    });

    it('an edit (m.replace) replaces the shown content at the other member', async () => {
      const { event_id: original } = await alice.sendTextMessage(roomId, 'tpyo');
      await until(bob, () => !!bob.getRoom(roomId)?.findEventById(original), 'bob to receive the original');
      await alice.sendEvent(roomId, sdk.EventType.RoomMessage, {
        msgtype: 'm.text', body: '* typo', 'm.new_content': { msgtype: 'm.text', body: 'typo' }, 'm.relates_to': { rel_type: 'm.replace', event_id: original },
      } as never);
      await until(bob, () => bob.getRoom(roomId)?.findEventById(original)?.getContent().body === 'typo', 'bob to show the edited text');
    });

    it('the thread list (GET /v1/rooms/{roomId}/threads) lists the thread', async () => {
      const res = await hs.request('GET', `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/threads`, undefined, aliceU.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.chunk.map((e: { event_id: string }) => e.event_id), [rootId]);
    });

    it('thread pagination (GET /v1/rooms/{roomId}/relations/{eventId}/m.thread) returns the replies', async () => {
      const res = await hs.request('GET', `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/relations/${encodeURIComponent(rootId)}/m.thread?dir=f`, undefined, aliceU.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.chunk.map((e: { event_id: string }) => e.event_id), replyIds);
    });
  });
}
