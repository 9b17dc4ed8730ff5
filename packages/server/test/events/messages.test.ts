// GET /rooms/{roomId}/messages (message_pagination.yaml): paging through
// history in both directions with from/to tokens, limits, filters, lazy-loaded
// members, tokens from /sync, errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, membershipAction, messages, roomPath, send, R0, V3 } from './helpers.js';

for (const engine of engines()) {
  describe(`/messages (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let eve: TestUser;
    let roomId: string;
    const sent: string[] = [];
    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      bob = await hs.register('bob');
      eve = await hs.register('eve');
      roomId = await createRoom(hs, alice, { preset: 'public_chat' });
      await membershipAction(hs, bob, roomId, 'join');
      for (let i = 0; i < 100; i++) sent.push(await send(hs, i % 2 ? bob : alice, roomId, `m${i}`));
    });
    after(() => hs.close());

    it('pages backwards through 100 messages, limit 10, no gaps or duplicates, then stops', async () => {
      const seen: string[] = [];
      let from: string | undefined;
      let pages = 0;
      let res;
      do {
        res = await messages(hs, alice, roomId, { dir: 'b', limit: 10, ...(from ? { from } : {}) });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.chunk.length <= 10);
        if (from) assert.equal(res.body.start, from);
        for (const e of res.body.chunk) seen.push(e.event_id);
        from = res.body.end;
        pages++;
      } while (from !== undefined && pages < 50);
      assert.equal(from, undefined, 'end is omitted at the start of the room');
      const msgs = seen.filter((id) => sent.includes(id));
      assert.deepEqual(msgs, [...sent].reverse());
      assert.equal(new Set(seen).size, seen.length, 'no duplicates');
      // The room's first event (m.room.create) is the last one returned.
      const last = await hs.request('GET', roomPath(roomId, `/event/${encodeURIComponent(seen[seen.length - 1]!)}`), undefined, alice.accessToken);
      assert.equal(last.body.type, 'm.room.create');
    });

    it('pages forwards from the start (no from) and from an end token', async () => {
      const seen: string[] = [];
      let from: string | undefined;
      for (let pages = 0; pages < 50; pages++) {
        const res = await messages(hs, alice, roomId, { dir: 'f', limit: 10, ...(from ? { from } : {}) });
        assert.equal(res.status, 200);
        for (const e of res.body.chunk) seen.push(e.event_id);
        from = res.body.end;
        if (from === undefined) break;
      }
      assert.equal(from, undefined);
      assert.deepEqual(seen.filter((id) => sent.includes(id)), sent);
      assert.equal(new Set(seen).size, seen.length);
      const first = await hs.request('GET', roomPath(roomId, `/event/${encodeURIComponent(seen[0]!)}`), undefined, alice.accessToken);
      assert.equal(first.body.type, 'm.room.create');
    });

    it('turns around: a backwards page then forwards from its end returns the same events', async () => {
      const b1 = await messages(hs, alice, roomId, { dir: 'b', limit: 10 });
      const b2 = await messages(hs, alice, roomId, { dir: 'b', limit: 10, from: b1.body.end });
      // Forwards from b2's end: b2's events in chronological order, then b1's.
      const f = await messages(hs, alice, roomId, { dir: 'f', limit: 20, from: b2.body.end });
      const ids = (chunk: { event_id: string }[]) => chunk.map((e) => e.event_id);
      assert.deepEqual(ids(f.body.chunk), [...ids(b2.body.chunk)].reverse().concat([...ids(b1.body.chunk)].reverse()));
      assert.deepEqual(ids(f.body.chunk), sent.slice(80));
    });

    it('stops at `to` in both directions', async () => {
      // Tokens around messages 40..49: page back from the end to find them.
      const all = await messages(hs, alice, roomId, { dir: 'f', limit: 1000 });
      const ids = all.body.chunk.map((e: { event_id: string }) => e.event_id);
      const i40 = ids.indexOf(sent[40]);
      // A backwards page of 10 from the end gives a token before m90.
      const b = await messages(hs, alice, roomId, { dir: 'b', limit: 10 });
      const bEnd = b.body.end as string;
      const f = await messages(hs, alice, roomId, { dir: 'f', limit: 1000, from: 't0', to: bEnd });
      assert.equal(f.status, 200);
      const fids = f.body.chunk.map((e: { event_id: string }) => e.event_id);
      assert.equal(fids[fids.length - 1], sent[89]);
      assert.equal(fids[i40], sent[40]);
      assert.equal(f.body.end, undefined, 'no more events up to `to`');
      const back = await messages(hs, alice, roomId, { dir: 'b', limit: 1000, to: bEnd });
      assert.deepEqual(back.body.chunk.map((e: { event_id: string }) => e.event_id), sent.slice(90).reverse());
      assert.equal(back.body.end, undefined);
    });

    it('a /sync prev_batch feeds /messages', async () => {
      const sync = await hs.request('GET', `${V3}/sync?filter=${encodeURIComponent(JSON.stringify({ room: { timeline: { limit: 5 } } }))}`, undefined, bob.accessToken);
      assert.equal(sync.status, 200, JSON.stringify(sync.body));
      const room = sync.body.rooms.join[roomId];
      assert.deepEqual(room.timeline.events.map((e: { event_id: string }) => e.event_id), sent.slice(95));
      const res = await messages(hs, bob, roomId, { dir: 'b', limit: 5, from: room.timeline.prev_batch });
      assert.deepEqual(res.body.chunk.map((e: { event_id: string }) => e.event_id), sent.slice(90, 95).reverse());
      // next_batch also works as a `from` (message_pagination.yaml).
      const nb = await messages(hs, bob, roomId, { dir: 'b', limit: 1, from: sync.body.next_batch });
      assert.equal(nb.body.chunk[0].event_id, sent[99]);
    });

    it('filters: types, not_types, senders; limit from the filter; lazy-loaded members', async () => {
      const onlyBob = await messages(hs, alice, roomId, { dir: 'b', limit: 10, filter: { senders: [bob.userId] } });
      assert.equal(onlyBob.body.chunk.length, 10);
      assert.ok(onlyBob.body.chunk.every((e: { sender: string }) => e.sender === bob.userId));
      const members = await messages(hs, alice, roomId, { dir: 'f', limit: 50, filter: { types: ['m.room.mem*'] } });
      assert.deepEqual(members.body.chunk.map((e: { state_key: string }) => e.state_key), [alice.userId, bob.userId]);
      const noMsgs = await messages(hs, alice, roomId, { dir: 'b', limit: 200, filter: { not_types: ['m.room.message'] } });
      assert.ok(noMsgs.body.chunk.length > 0 && noMsgs.body.chunk.every((e: { type: string }) => e.type !== 'm.room.message'));
      const viaFilterLimit = await messages(hs, alice, roomId, { dir: 'b', filter: { limit: 3 } });
      assert.equal(viaFilterLimit.body.chunk.length, 3);
      const lazy = await messages(hs, alice, roomId, { dir: 'b', limit: 1, filter: { lazy_load_members: true } });
      assert.equal(lazy.body.chunk[0].sender, bob.userId);
      assert.deepEqual(lazy.body.state.map((e: { type: string; state_key: string }) => `${e.type}|${e.state_key}`), [`m.room.member|${bob.userId}`]);
      assert.equal(lazy.body.state[0].content.membership, 'join');
    });

    it("ignored users' messages are left out; their state events are not (modules/ignore_users.md)", async () => {
      const carol = await hs.register();
      const room = await createRoom(hs, alice, { preset: 'public_chat' });
      await membershipAction(hs, bob, room, 'join');
      await membershipAction(hs, carol, room, 'join');
      await send(hs, bob, room, 'from bob');
      await send(hs, alice, room, 'from alice');
      const put = await hs.request('PUT', `${V3}/user/${encodeURIComponent(carol.userId)}/account_data/m.ignored_user_list`, { ignored_users: { [bob.userId]: {} } }, carol.accessToken);
      assert.equal(put.status, 200);
      const res = await messages(hs, carol, room, { dir: 'b', limit: 50 });
      const bodies = res.body.chunk.filter((e: { type: string }) => e.type === 'm.room.message').map((e: { content: { body: string } }) => e.content.body);
      assert.deepEqual(bodies, ['from alice']);
      assert.ok(res.body.chunk.some((e: { type: string; state_key?: string }) => e.type === 'm.room.member' && e.state_key === bob.userId), "bob's join (state) is still there");
      const forAlice = await messages(hs, alice, room, { dir: 'b', limit: 50 });
      assert.equal(forAlice.body.chunk.filter((e: { type: string }) => e.type === 'm.room.message').length, 2);
    });

    it('default limit is 10; answers under r0; start without from is a token', async () => {
      const res = await hs.request('GET', `${R0}/rooms/${encodeURIComponent(roomId)}/messages?dir=b`, undefined, alice.accessToken);
      assert.equal(res.status, 200);
      assert.equal(res.body.chunk.length, 10);
      assert.match(res.body.start, /^t\d+$/);
      assert.match(res.body.end, /^t\d+$/);
      const events = res.body.chunk;
      assert.equal(events[0].event_id, sent[99]);
      assert.equal(events[0].room_id, roomId);
      assert.equal(events[0].content.body, 'm99');
      assert.equal(typeof events[0].unsigned.age, 'number');
    });

    it('errors: 403 for non-members and unknown rooms, 400 for bad parameters, 401 without a token', async () => {
      const forbidden = await messages(hs, eve, roomId, { dir: 'b' });
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.body.errcode, 'M_FORBIDDEN');
      const unknown = await messages(hs, alice, '!nope:weft.test', { dir: 'b' });
      assert.equal(unknown.status, 403);
      for (const q of [{ dir: 'x' }, { dir: 'b', from: 'garbage' }, { dir: 'b', to: 'x1' }, { dir: 'b', limit: -1 }, { dir: 'b', limit: 'ten' }, { dir: 'b', filter: '{not json' }, { dir: 'b', filter: { types: 'm.room.message' } }]) {
        const res = await messages(hs, alice, roomId, q as unknown as Record<string, string>);
        assert.equal(res.status, 400, JSON.stringify(q));
        assert.equal(res.body.errcode, 'M_INVALID_PARAM', JSON.stringify(q));
      }
      const bad = await hs.request('GET', `${V3}/rooms/not-a-room/messages?dir=b`, undefined, alice.accessToken);
      assert.equal(bad.status, 400);
      const noToken = await hs.request('GET', roomPath(roomId, '/messages?dir=b'));
      assert.equal(noToken.status, 401);
    });
  });
}
