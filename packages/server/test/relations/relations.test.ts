// GET /v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]] (relations.yaml):
// children in order, filters, pagination both ways, recurse, redacted children
// left out, 404 for unknown/invisible parents, history visibility on children.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { annotation, publicRoomWith, serverWithAliceAndBob, threadReply } from './helpers.js';
import { createRoom, membershipAction, send, setState, roomPath } from '../events/helpers.js';

const V1 = '/_matrix/client/v1';
const rel = (roomId: string, rest: string) => `${V1}/rooms/${encodeURIComponent(roomId)}/relations/${rest}`;

for (const engine of engines()) {
  describe(`relations: GET /v1/rooms/{roomId}/relations (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let roomId: string;
    let root: string;
    const reactions: string[] = [];
    let reply: string;
    before(async () => {
      ({ hs, alice, bob } = await serverWithAliceAndBob(engine));
      roomId = await publicRoomWith(hs, alice, bob);
      root = await send(hs, alice, roomId, 'root');
      for (let i = 0; i < 5; i++) reactions.push(await send(hs, bob, roomId, annotation(root, `r${i}`), 'm.reaction'));
      reply = await send(hs, bob, roomId, threadReply(root, 'in thread'));
      await send(hs, alice, roomId, 'unrelated');
    });
    after(() => hs.close());

    it('lists every child, newest first by default', async () => {
      const res = await hs.request('GET', rel(roomId, encodeURIComponent(root)), undefined, alice.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.chunk.map((e: { event_id: string }) => e.event_id), [...reactions, reply].reverse());
      assert.equal(res.body.next_batch, undefined);
      assert.equal(res.body.recursion_depth, undefined);
      assert.equal(res.body.chunk[0].room_id, roomId);
    });

    it('filters by rel_type and event type', async () => {
      const byRel = await hs.request('GET', rel(roomId, `${encodeURIComponent(root)}/m.thread`), undefined, alice.accessToken);
      assert.deepEqual(byRel.body.chunk.map((e: { event_id: string }) => e.event_id), [reply]);
      const byType = await hs.request('GET', rel(roomId, `${encodeURIComponent(root)}/m.annotation/m.reaction`), undefined, alice.accessToken);
      assert.equal(byType.body.chunk.length, 5);
      const none = await hs.request('GET', rel(roomId, `${encodeURIComponent(root)}/m.annotation/m.room.message`), undefined, alice.accessToken);
      assert.deepEqual(none.body.chunk, []);
    });

    it('pages with limit/next_batch backwards and forwards, echoing from as prev_batch', async () => {
      for (const dir of ['b', 'f'] as const) {
        const seen: string[] = [];
        let from: string | undefined;
        for (let page = 0; page < 10; page++) {
          const q = `?dir=${dir}&limit=2${from ? `&from=${encodeURIComponent(from)}` : ''}`;
          const res = await hs.request('GET', rel(roomId, `${encodeURIComponent(root)}/m.annotation${q}`), undefined, bob.accessToken);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          if (from) assert.equal(res.body.prev_batch, from);
          seen.push(...res.body.chunk.map((e: { event_id: string }) => e.event_id));
          from = res.body.next_batch;
          if (!from) break;
        }
        assert.deepEqual(seen, dir === 'f' ? reactions : [...reactions].reverse(), dir);
      }
    });

    it('recurse includes children of children and reports recursion_depth', async () => {
      const reaction = await send(hs, alice, roomId, annotation(reply, '👍'), 'm.reaction');
      const flat = await hs.request('GET', rel(roomId, `${encodeURIComponent(root)}?recurse=false`), undefined, alice.accessToken);
      assert.equal(flat.body.recursion_depth, 1);
      assert.ok(!flat.body.chunk.some((e: { event_id: string }) => e.event_id === reaction));
      const deep = await hs.request('GET', rel(roomId, `${encodeURIComponent(root)}?recurse=true`), undefined, alice.accessToken);
      assert.equal(deep.status, 200);
      assert.ok(deep.body.recursion_depth >= 3);
      assert.equal(deep.body.chunk[0].event_id, reaction);
    });

    it('recurse reaches grandchildren below more than 500 children', async () => {
      const big = await send(hs, alice, roomId, 'big thread');
      const replies: string[] = [];
      for (let b = 0; b < 600; b += 50) {
        replies.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => send(hs, bob, roomId, threadReply(big, `r${b + i}`))))));
      }
      const deep = await send(hs, alice, roomId, annotation(replies[0]!, 'deep'), 'm.reaction');
      const res = await hs.request('GET', rel(roomId, `${encodeURIComponent(big)}?recurse=true&limit=1`), undefined, alice.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.chunk.map((e: { event_id: string }) => e.event_id), [deep]);
      const all = await hs.request('GET', rel(roomId, `${encodeURIComponent(big)}?recurse=true&limit=1000`), undefined, alice.accessToken);
      assert.equal(all.body.chunk.length, 601);
    });

    it('leaves out redacted children', async () => {
      const target = reactions[0]!;
      const res = await hs.request('PUT', roomPath(roomId, `/redact/${encodeURIComponent(target)}/rd1`), {}, bob.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const list = await hs.request('GET', rel(roomId, `${encodeURIComponent(root)}/m.annotation`), undefined, alice.accessToken);
      assert.deepEqual(list.body.chunk.map((e: { event_id: string }) => e.event_id), reactions.slice(1).reverse());
    });

    it('accepts a /sync next_batch as from (forwards: only what came after it)', async () => {
      const sync = await hs.request('GET', '/_matrix/client/v3/sync?timeout=0', undefined, alice.accessToken);
      assert.equal(sync.status, 200);
      const later = await send(hs, bob, roomId, annotation(root, 'after sync'), 'm.reaction');
      const res = await hs.request('GET', rel(roomId, `${encodeURIComponent(root)}?dir=f&from=${encodeURIComponent(sync.body.next_batch)}`), undefined, alice.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.chunk.map((e: { event_id: string }) => e.event_id), [later]);
      assert.equal(res.body.prev_batch, sync.body.next_batch);
      const bad = await hs.request('GET', rel(roomId, `${encodeURIComponent(root)}?from=nonsense`), undefined, alice.accessToken);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errcode, 'M_INVALID_PARAM');
    });

    it('404 for an unknown parent, a parent of another room, or a non-member', async () => {
      const unknown = await hs.request('GET', rel(roomId, encodeURIComponent('$nope')), undefined, alice.accessToken);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.errcode, 'M_NOT_FOUND');
      const other = await createRoom(hs, alice);
      const elsewhere = await hs.request('GET', rel(other, encodeURIComponent(root)), undefined, alice.accessToken);
      assert.equal(elsewhere.status, 404);
      const carol = await hs.register('carol');
      const stranger = await hs.request('GET', rel(roomId, encodeURIComponent(root)), undefined, carol.accessToken);
      assert.equal(stranger.status, 404);
    });

    it('history visibility: a late joiner of a joined-only room sees neither old parents nor old children', async () => {
      const r = await createRoom(hs, alice, { preset: 'public_chat' });
      await setState(hs, alice, r, 'm.room.history_visibility', { history_visibility: 'joined' });
      const oldRoot = await send(hs, alice, r, 'old root');
      await send(hs, alice, r, annotation(oldRoot, 'old'), 'm.reaction');
      const dave = await hs.register('dave');
      await membershipAction(hs, dave, r, 'join');
      const parent = await hs.request('GET', rel(r, encodeURIComponent(oldRoot)), undefined, dave.accessToken);
      assert.equal(parent.status, 404);
      // A visible parent whose children came after the user left: only the ones before the leave are served.
      const daveRoot = await send(hs, dave, r, 'new root');
      const before = await send(hs, alice, r, annotation(daveRoot, 'before'), 'm.reaction');
      await membershipAction(hs, dave, r, 'leave');
      await send(hs, alice, r, annotation(daveRoot, 'after'), 'm.reaction');
      const res = await hs.request('GET', rel(r, encodeURIComponent(daveRoot)), undefined, dave.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.chunk.map((e: { event_id: string }) => e.event_id), [before]);
      const all = await hs.request('GET', rel(r, encodeURIComponent(daveRoot)), undefined, alice.accessToken);
      assert.equal(all.body.chunk.length, 2);
    });

    it('rejects a bad dir', async () => {
      const res = await hs.request('GET', rel(roomId, `${encodeURIComponent(root)}?dir=x`), undefined, alice.accessToken);
      assert.equal(res.status, 400);
    });
  });
}
