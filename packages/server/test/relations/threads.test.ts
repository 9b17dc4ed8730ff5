// GET /v1/rooms/{roomId}/threads (threads_list.yaml): thread roots by latest
// activity, include=participated, paging, and the m.thread bundled aggregation
// (client-server-api "Server-side aggregation of m.thread relationships").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { publicRoomWith, serverWithAliceAndBob, threadReply } from './helpers.js';
import { createRoom, membershipAction, send, setState, roomPath } from '../events/helpers.js';
import { RelationParentIndex } from '../../src/relations/RelationParentIndex.js';
import { KyselyRelationsStore } from '../../src/storage/kysely/KyselyRelationsStore.js';

const V1 = '/_matrix/client/v1';
const threads = (roomId: string, q = '') => `${V1}/rooms/${encodeURIComponent(roomId)}/threads${q}`;
const ids = (chunk: { event_id: string }[]) => chunk.map((e) => e.event_id);

for (const engine of engines()) {
  describe(`threads: GET /v1/rooms/{roomId}/threads (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let roomId: string;
    let t1: string;
    let t2: string;
    let t3: string;
    let lastT1: string;
    before(async () => {
      ({ hs, alice, bob } = await serverWithAliceAndBob(engine));
      roomId = await publicRoomWith(hs, alice, bob);
      t1 = await send(hs, alice, roomId, 'thread one');
      t2 = await send(hs, bob, roomId, 'thread two');
      t3 = await send(hs, bob, roomId, 'thread three');
      await send(hs, alice, roomId, 'not a thread');
      await send(hs, bob, roomId, threadReply(t1, 'a'));
      await send(hs, bob, roomId, threadReply(t2, 'b'));
      await send(hs, bob, roomId, threadReply(t3, 'c'));
      await send(hs, bob, roomId, threadReply(t1, 'd'));
      lastT1 = await send(hs, bob, roomId, threadReply(t1, 'e'));
    });
    after(() => hs.close());

    it('lists roots with replies by latest activity, with m.thread aggregations', async () => {
      const res = await hs.request('GET', threads(roomId), undefined, alice.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(ids(res.body.chunk), [t1, t3, t2]);
      assert.equal(res.body.next_batch, undefined);
      const agg = res.body.chunk[0].unsigned['m.relations']['m.thread'];
      assert.equal(agg.count, 3);
      assert.equal(agg.latest_event.event_id, lastT1);
      assert.equal(agg.latest_event.content.body, 'e');
      // alice sent the root of t1 but no reply; she sent neither t2's root nor a reply.
      assert.equal(agg.current_user_participated, true);
      assert.equal(res.body.chunk[2].unsigned['m.relations']['m.thread'].current_user_participated, false);
      assert.equal(res.body.chunk[2].unsigned['m.relations']['m.thread'].count, 1);
    });

    it('include=participated keeps threads the user started or replied to', async () => {
      const mine = await hs.request('GET', threads(roomId, '?include=participated'), undefined, alice.accessToken);
      assert.deepEqual(ids(mine.body.chunk), [t1]);
      await send(hs, alice, roomId, threadReply(t2, 'alice joins in'));
      const now = await hs.request('GET', threads(roomId, '?include=participated'), undefined, alice.accessToken);
      assert.deepEqual(ids(now.body.chunk), [t2, t1]);
      const bobs = await hs.request('GET', threads(roomId, '?include=participated'), undefined, bob.accessToken);
      assert.deepEqual(ids(bobs.body.chunk), [t2, t1, t3]);
    });

    it('pages with limit and next_batch', async () => {
      const seen: string[] = [];
      let from: string | undefined;
      for (let i = 0; i < 5; i++) {
        const res = await hs.request('GET', threads(roomId, `?limit=1${from ? `&from=${encodeURIComponent(from)}` : ''}`), undefined, bob.accessToken);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.chunk.length <= 1);
        seen.push(...ids(res.body.chunk));
        from = res.body.next_batch;
        if (!from) break;
      }
      assert.deepEqual(seen, [t2, t1, t3]);
    });

    it('a thread whose replies are all redacted disappears', async () => {
      const root = await send(hs, alice, roomId, 'short-lived');
      const only = await send(hs, bob, roomId, threadReply(root, 'x'));
      let res = await hs.request('GET', threads(roomId, '?limit=1'), undefined, bob.accessToken);
      assert.deepEqual(ids(res.body.chunk), [root]);
      const red = await hs.request('PUT', roomPath(roomId, `/redact/${encodeURIComponent(only)}/rt1`), {}, bob.accessToken);
      assert.equal(red.status, 200);
      res = await hs.request('GET', threads(roomId, '?limit=1'), undefined, bob.accessToken);
      assert.notDeepEqual(ids(res.body.chunk), [root]);
    });

    it('history visibility: roots a user may not see are left out; non-members get 403', async () => {
      const r = await createRoom(hs, alice, { preset: 'public_chat' });
      await setState(hs, alice, r, 'm.room.history_visibility', { history_visibility: 'joined' });
      const hidden = await send(hs, alice, r, 'before carol');
      await send(hs, alice, r, threadReply(hidden, 'old reply'));
      const carol = await hs.register('carol');
      const outside = await hs.request('GET', threads(r), undefined, carol.accessToken);
      assert.equal(outside.status, 403);
      await membershipAction(hs, carol, r, 'join');
      const visible = await send(hs, alice, r, 'after carol');
      await send(hs, alice, r, threadReply(visible, 'new reply'));
      const res = await hs.request('GET', threads(r), undefined, carol.accessToken);
      assert.deepEqual(ids(res.body.chunk), [visible]);
    });

    it('rejects bad include and limit=0', async () => {
      assert.equal((await hs.request('GET', threads(roomId, '?include=mine'), undefined, alice.accessToken)).status, 400);
      assert.equal((await hs.request('GET', threads(roomId, '?limit=0'), undefined, alice.accessToken)).status, 400);
    });
  });
}

for (const engine of engines()) {
  describe(`threads: bundled m.thread aggregation on other read paths (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      bob = await hs.register('bob');
    });
    after(() => hs.close());

    it('/event, /messages and /sync serve thread roots with unsigned.m.relations.m.thread', async () => {
      const roomId = await createRoom(hs, alice, { preset: 'public_chat' });
      await membershipAction(hs, bob, roomId, 'join');
      const root = await send(hs, alice, roomId, 'root');
      const plain = await send(hs, alice, roomId, 'plain');
      await send(hs, bob, roomId, threadReply(root, 'one'));
      const last = await send(hs, bob, roomId, threadReply(root, 'two'));
      const ev = await hs.request('GET', roomPath(roomId, `/event/${encodeURIComponent(root)}`), undefined, bob.accessToken);
      assert.equal(ev.status, 200);
      assert.deepEqual(
        { ...ev.body.unsigned['m.relations']['m.thread'], latest_event: ev.body.unsigned['m.relations']['m.thread'].latest_event.event_id },
        { latest_event: last, count: 2, current_user_participated: true },
      );
      const msgs = await hs.request('GET', roomPath(roomId, '/messages?dir=b&limit=10'), undefined, alice.accessToken);
      const byId = new Map(msgs.body.chunk.map((e: { event_id: string }) => [e.event_id, e]));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      assert.equal((byId.get(root) as any).unsigned['m.relations']['m.thread'].count, 2);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      assert.equal((byId.get(plain) as any).unsigned['m.relations'], undefined);
      const sync = await hs.request('GET', '/_matrix/client/v3/sync?timeout=0', undefined, alice.accessToken);
      const timeline = sync.body.rooms.join[roomId].timeline.events as { event_id: string; unsigned: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
      const syncedRoot = timeline.find((e) => e.event_id === root);
      assert.ok(syncedRoot, 'root in the sync timeline');
      assert.equal(syncedRoot.unsigned['m.relations']['m.thread'].latest_event.content.body, 'two');
      assert.equal(syncedRoot.unsigned['m.relations']['m.thread'].current_user_participated, true);
    });

    it('a restarted index (loaded from the database) still knows old roots', async () => {
      const roomId = await createRoom(hs, alice);
      const root = await send(hs, alice, roomId, 'root');
      const other = await send(hs, alice, roomId, 'no thread');
      await send(hs, alice, roomId, threadReply(root, 'r'));
      // A fresh index, as after a restart: loads from event_relations.
      const fresh = new RelationParentIndex(() => new KyselyRelationsStore(hs.hs.storage.database.db).parentIds('m.thread'));
      assert.ok(fresh.ready(), 'loads on first use');
      await fresh.ready();
      assert.equal(fresh.ready(), undefined);
      assert.equal(fresh.has(root), true);
      assert.equal(fresh.has(other), false);
    });
  });
}
