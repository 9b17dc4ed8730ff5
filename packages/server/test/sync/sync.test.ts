// Black-box /sync tests against a real server (client-server-api "Syncing").
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';

const V3 = '/_matrix/client/v3';

for (const engine of engines()) {
  describe(`sync (${engine})`, () => {
    let hs: TestServer;
    let txn = 0;
    before(async () => {
      hs = await startTestServer({ engine });
    });
    after(() => hs.close());

    const sync = async (u: TestUser, params: Record<string, string | number | boolean> = {}) => {
      const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
      const res = await hs.request('GET', `${V3}/sync${qs ? `?${qs}` : ''}`, undefined, u.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    const createRoom = async (u: TestUser, body: Record<string, unknown> = {}) => {
      const res = await hs.request('POST', `${V3}/createRoom`, body, u.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.room_id as string;
    };
    const send = async (u: TestUser, roomId: string, body: string) => {
      const res = await hs.request('PUT', `${V3}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/t${++txn}`, { msgtype: 'm.text', body }, u.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.event_id as string;
    };
    const join = async (u: TestUser, roomId: string) => {
      const res = await hs.request('POST', `${V3}/join/${encodeURIComponent(roomId)}`, {}, u.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };
    const invite = async (u: TestUser, roomId: string, userId: string) => {
      const res = await hs.request('POST', `${V3}/rooms/${encodeURIComponent(roomId)}/invite`, { user_id: userId }, u.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
    };
    const bodies = (room: { timeline: { events: { type: string; content: { body?: string } }[] } }) =>
      room.timeline.events.filter((e) => e.type === 'm.room.message').map((e) => e.content.body);

    it('initial sync shows a room with state, timeline, summary and next_batch', async () => {
      const alice = await hs.register();
      const roomId = await createRoom(alice, { name: 'Sync room' });
      await send(alice, roomId, 'hello');
      const s = await sync(alice);
      assert.match(s.next_batch, /^s\d+_\d+$/);
      const room = s.rooms.join[roomId];
      assert.ok(room, 'room in join section');
      assert.deepEqual(bodies(room), ['hello']);
      const all = [...room.state.events, ...room.timeline.events];
      assert.ok(all.some((e: { type: string }) => e.type === 'm.room.create'));
      assert.ok(all.some((e: { type: string; content: { name?: string } }) => e.type === 'm.room.name' && e.content.name === 'Sync room'));
      assert.equal(room.summary['m.joined_member_count'], 1);
      assert.ok(typeof room.timeline.prev_batch === 'string');
      // State and timeline never overlap.
      const stateIds = new Set(room.state.events.map((e: { event_id: string }) => e.event_id));
      assert.ok(room.timeline.events.every((e: { event_id: string }) => !stateIds.has(e.event_id)));
      // The sending device sees its transaction ID.
      const msg = room.timeline.events.find((e: { type: string }) => e.type === 'm.room.message');
      assert.ok(msg.unsigned.transaction_id);
    });

    it('incremental sync returns only new events; an empty timed-out poll returns empty fields', async () => {
      const alice = await hs.register();
      const roomId = await createRoom(alice);
      await send(alice, roomId, 'one');
      const first = await sync(alice);
      await send(alice, roomId, 'two');
      const second = await sync(alice, { since: first.next_batch });
      assert.deepEqual(bodies(second.rooms.join[roomId]), ['two']);
      assert.equal(second.rooms.join[roomId].timeline.limited, false);
      assert.equal(second.rooms.join[roomId].state.events.length, 0);
      const started = Date.now();
      const third = await sync(alice, { since: second.next_batch, timeout: 200 });
      assert.ok(Date.now() - started >= 180, 'waited for the timeout');
      assert.deepEqual(third.rooms.join, {});
      assert.equal(typeof third.next_batch, 'string');
    });

    it('a long-poll wakes within milliseconds of another user sending', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const roomId = await createRoom(alice, { preset: 'public_chat' });
      await join(bob, roomId);
      const s = await sync(bob);
      const poll = sync(bob, { since: s.next_batch, timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 50));
      const sentAt = Date.now();
      await send(alice, roomId, 'wake up');
      const res = await poll;
      const latency = Date.now() - sentAt;
      assert.deepEqual(bodies(res.rooms.join[roomId]), ['wake up']);
      assert.ok(latency < 1000, `woke after ${latency} ms`);
    });

    it('timeline limit 2: limited with prev_batch; incremental limited sends the gap state', async () => {
      const alice = await hs.register();
      const roomId = await createRoom(alice);
      for (let i = 0; i < 5; i++) await send(alice, roomId, `m${i}`);
      const filter = JSON.stringify({ room: { timeline: { limit: 2 } } });
      const s = await sync(alice, { filter });
      const room = s.rooms.join[roomId];
      assert.equal(room.timeline.events.length, 2);
      assert.deepEqual(bodies(room), ['m3', 'm4']);
      assert.equal(room.timeline.limited, true);
      assert.match(room.timeline.prev_batch, /^t\d+$/);
      // Full state before the timeline: create event is in state.
      assert.ok(room.state.events.some((e: { type: string }) => e.type === 'm.room.create'));

      const t = await hs.request('PUT', `${V3}/rooms/${encodeURIComponent(roomId)}/state/m.room.topic/`, { topic: 'gap topic' }, alice.accessToken);
      assert.equal(t.status, 200, JSON.stringify(t.body));
      for (let i = 5; i < 9; i++) await send(alice, roomId, `m${i}`);
      const inc = await sync(alice, { filter, since: s.next_batch });
      const r2 = inc.rooms.join[roomId];
      assert.deepEqual(bodies(r2), ['m7', 'm8']);
      assert.equal(r2.timeline.limited, true);
      assert.ok(r2.state.events.some((e: { type: string; content: { topic?: string } }) => e.type === 'm.room.topic' && e.content.topic === 'gap topic'));
    });

    it('lazy-loaded members, full_state and event_fields', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const carol = await hs.register();
      const roomId = await createRoom(alice, { preset: 'public_chat' });
      await join(bob, roomId);
      await join(carol, roomId);
      for (let i = 0; i < 12; i++) await send(alice, roomId, `a${i}`);
      const lazy = JSON.stringify({ room: { state: { lazy_load_members: true }, timeline: { limit: 3 } } });
      const s0 = await sync(bob, { filter: lazy });
      const members = s0.rooms.join[roomId].state.events
        .filter((e: { type: string }) => e.type === 'm.room.member').map((e: { state_key: string }) => e.state_key).sort();
      assert.deepEqual(members, [alice.userId, bob.userId].sort(), 'only the timeline senders and the syncing user');
      await send(carol, roomId, 'from carol');
      const s1 = await sync(bob, { filter: lazy, since: s0.next_batch });
      const m1 = s1.rooms.join[roomId].state.events.filter((e: { type: string }) => e.type === 'm.room.member').map((e: { state_key: string }) => e.state_key);
      assert.deepEqual(m1, [carol.userId], 'a new speaker\'s member event comes with their message');

      const full = await sync(bob, { since: s1.next_batch, full_state: true });
      const fullTypes = full.rooms.join[roomId].state.events.map((e: { type: string }) => e.type);
      assert.ok(fullTypes.includes('m.room.create') && fullTypes.includes('m.room.power_levels'));
      assert.deepEqual(full.rooms.join[roomId].timeline.events, []);

      const fields = await sync(bob, { filter: JSON.stringify({ event_fields: ['type', 'content.body'], room: { timeline: { limit: 1 } } }) });
      assert.deepEqual(fields.rooms.join[roomId].timeline.events, [{ type: 'm.room.message', content: { body: 'from carol' } }]);
    });

    it('ignored users: their messages and invites are not sent, their state events are', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const roomId = await createRoom(alice, { preset: 'public_chat' });
      await join(bob, roomId);
      const put = await hs.request('PUT', `${V3}/user/${encodeURIComponent(alice.userId)}/account_data/m.ignored_user_list`,
        { ignored_users: { [bob.userId]: {} } }, alice.accessToken);
      assert.equal(put.status, 200);
      const s0 = await sync(alice);
      await send(bob, roomId, 'ignored');
      await send(alice, roomId, 'seen');
      const t = await hs.request('PUT', `${V3}/rooms/${encodeURIComponent(roomId)}/state/org.example.state/`, { x: 1 }, bob.accessToken);
      const s1 = await sync(alice, { since: s0.next_batch });
      assert.deepEqual(bodies(s1.rooms.join[roomId]), ['seen']);
      if (t.status === 200) {
        assert.ok(s1.rooms.join[roomId].timeline.events.some((e: { type: string }) => e.type === 'org.example.state'));
      }
      const other = await createRoom(bob);
      await invite(bob, other, alice.userId);
      const s2 = await sync(alice, { since: s1.next_batch });
      assert.equal(s2.rooms.invite[other], undefined);
    });

    it('stored and inline filters; bad filters are 400', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const roomId = await createRoom(alice);
      await send(alice, roomId, 'msg');
      const created = await hs.request('POST', `${V3}/user/${encodeURIComponent(alice.userId)}/filter`, { room: { timeline: { not_types: ['m.room.message'] } } }, alice.accessToken);
      assert.equal(created.status, 200);
      const filterId = created.body.filter_id as string;
      const got = await hs.request('GET', `${V3}/user/${encodeURIComponent(alice.userId)}/filter/${filterId}`, undefined, alice.accessToken);
      assert.deepEqual(got.body, { room: { timeline: { not_types: ['m.room.message'] } } });
      const other = await hs.request('GET', `${V3}/user/${encodeURIComponent(alice.userId)}/filter/${filterId}`, undefined, bob.accessToken);
      assert.equal(other.status, 403);
      const missing = await hs.request('GET', `${V3}/user/${encodeURIComponent(alice.userId)}/filter/999999`, undefined, alice.accessToken);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.errcode, 'M_NOT_FOUND');

      const stored = await sync(alice, { filter: filterId });
      assert.deepEqual(bodies(stored.rooms.join[roomId]), []);
      const inline = await sync(alice, { filter: JSON.stringify({ room: { rooms: [] } }) });
      assert.deepEqual(inline.rooms.join, {});

      const bad = await hs.request('GET', `${V3}/sync?filter=${encodeURIComponent('{"room":{"timeline":{"limit":-1}}}')}`, undefined, alice.accessToken);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errcode, 'M_BAD_JSON');
      const unknown = await hs.request('GET', `${V3}/sync?filter=424242`, undefined, alice.accessToken);
      assert.equal(unknown.status, 400);
      const badToken = await hs.request('GET', `${V3}/sync?since=garbage`, undefined, alice.accessToken);
      assert.equal(badToken.status, 400);
      assert.equal(badToken.body.errcode, 'M_INVALID_PARAM');
      const badPost = await hs.request('POST', `${V3}/user/${encodeURIComponent(alice.userId)}/filter`, { room: { timeline: { limit: 'ten' } } }, alice.accessToken);
      assert.equal(badPost.status, 400);
    });

    it('invite and leave sections', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const roomId = await createRoom(alice, { name: 'Invite room' });
      const s0 = await sync(bob);
      await invite(alice, roomId, bob.userId);
      const s1 = await sync(bob, { since: s0.next_batch });
      const inv = s1.rooms.invite[roomId];
      assert.ok(inv, 'invite section');
      const types = inv.invite_state.events.map((e: { type: string }) => e.type);
      assert.ok(types.includes('m.room.create'));
      assert.ok(types.includes('m.room.name'));
      assert.ok(inv.invite_state.events.some((e: { type: string; state_key: string; content: { membership: string } }) =>
        e.type === 'm.room.member' && e.state_key === bob.userId && e.content.membership === 'invite'));

      await join(bob, roomId);
      const s2 = await sync(bob, { since: s1.next_batch });
      const joined = s2.rooms.join[roomId];
      assert.ok(joined, 'newly joined room');
      const seen = [...joined.state.events, ...joined.timeline.events];
      assert.ok(seen.some((e: { type: string }) => e.type === 'm.room.create'), 'full state on join');
      assert.ok(seen.some((e: { type: string; content: { name?: string } }) => e.type === 'm.room.name'), 'full state on join');

      await send(alice, roomId, 'before kick');
      const kick = await hs.request('POST', `${V3}/rooms/${encodeURIComponent(roomId)}/kick`, { user_id: bob.userId }, alice.accessToken);
      assert.equal(kick.status, 200, JSON.stringify(kick.body));
      await send(alice, roomId, 'after kick');
      const s3 = await sync(bob, { since: s2.next_batch });
      const left = s3.rooms.leave[roomId];
      assert.ok(left, 'leave section');
      assert.deepEqual(bodies(left), ['before kick']);
      const last = left.timeline.events[left.timeline.events.length - 1];
      assert.equal(last.type, 'm.room.member');
      assert.equal(last.content.membership, 'leave');
      assert.equal(s3.rooms.join[roomId], undefined);

      const initial = await sync(bob);
      assert.equal(initial.rooms.leave[roomId], undefined);
      const withLeave = await sync(bob, { filter: JSON.stringify({ room: { include_leave: true } }) });
      assert.ok(withLeave.rooms.leave[roomId]);
    });

    it('typing and receipts round trip between two users', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const roomId = await createRoom(alice, { preset: 'public_chat' });
      await join(bob, roomId);
      const eventId = await send(alice, roomId, 'read me');
      const s0 = await sync(bob);
      const r = encodeURIComponent(roomId);

      const other = await hs.request('PUT', `${V3}/rooms/${r}/typing/${encodeURIComponent(bob.userId)}`, { typing: true }, alice.accessToken);
      assert.equal(other.status, 403);
      const poll = sync(bob, { since: s0.next_batch, timeout: 5000 });
      const t = await hs.request('PUT', `${V3}/rooms/${r}/typing/${encodeURIComponent(alice.userId)}`, { typing: true, timeout: 10000 }, alice.accessToken);
      assert.equal(t.status, 200);
      const s1 = await poll;
      const typing = s1.rooms.join[roomId].ephemeral.events.find((e: { type: string }) => e.type === 'm.typing');
      assert.deepEqual(typing.content.user_ids, [alice.userId]);

      const rc = await hs.request('POST', `${V3}/rooms/${r}/receipt/m.read/${encodeURIComponent(eventId)}`, {}, bob.accessToken);
      assert.equal(rc.status, 200, JSON.stringify(rc.body));
      const priv = await hs.request('POST', `${V3}/rooms/${r}/receipt/m.read.private/${encodeURIComponent(eventId)}`, { thread_id: 'main' }, bob.accessToken);
      assert.equal(priv.status, 200, JSON.stringify(priv.body));
      const aliceSync = await sync(alice);
      const receipt = aliceSync.rooms.join[roomId].ephemeral.events.find((e: { type: string }) => e.type === 'm.receipt');
      assert.ok(receipt.content[eventId]['m.read'][bob.userId].ts > 0);
      assert.equal(receipt.content[eventId]['m.read.private'], undefined, 'private receipts stay private');
      const bobSync = await sync(bob, { since: s1.next_batch });
      const own = bobSync.rooms.join[roomId].ephemeral.events.find((e: { type: string }) => e.type === 'm.receipt');
      assert.equal(own.content[eventId]['m.read.private'][bob.userId].thread_id, 'main');

      const unknownType = await hs.request('POST', `${V3}/rooms/${r}/receipt/m.bogus/${encodeURIComponent(eventId)}`, {}, bob.accessToken);
      assert.equal(unknownType.status, 400);
      const markers = await hs.request('POST', `${V3}/rooms/${r}/read_markers`, { 'm.fully_read': eventId, 'm.read': eventId }, bob.accessToken);
      assert.equal(markers.status, 200, JSON.stringify(markers.body));
      const fr = await hs.request('GET', `${V3}/user/${encodeURIComponent(bob.userId)}/rooms/${r}/account_data/m.fully_read`, undefined, bob.accessToken);
      assert.deepEqual(fr.body, { event_id: eventId });
    });

    it('account data and tags', async () => {
      const alice = await hs.register();
      const roomId = await createRoom(alice);
      const u = encodeURIComponent(alice.userId);
      const r = encodeURIComponent(roomId);
      const s0 = await sync(alice);
      const missing = await hs.request('GET', `${V3}/user/${u}/account_data/org.example.cfg`, undefined, alice.accessToken);
      assert.equal(missing.status, 404);
      assert.equal(missing.body.errcode, 'M_NOT_FOUND');
      assert.equal((await hs.request('PUT', `${V3}/user/${u}/account_data/org.example.cfg`, { a: 1 }, alice.accessToken)).status, 200);
      assert.deepEqual((await hs.request('GET', `${V3}/user/${u}/account_data/org.example.cfg`, undefined, alice.accessToken)).body, { a: 1 });
      const managed = await hs.request('PUT', `${V3}/user/${u}/account_data/m.push_rules`, {}, alice.accessToken);
      assert.equal(managed.status, 405);
      assert.equal(managed.body.errcode, 'M_BAD_JSON');
      assert.equal((await hs.request('PUT', `${V3}/user/${u}/rooms/${r}/account_data/org.example.room`, { b: 2 }, alice.accessToken)).status, 200);
      assert.equal((await hs.request('PUT', `${V3}/user/${u}/rooms/${r}/tags/m.favourite`, { order: 0.5 }, alice.accessToken)).status, 200);
      assert.deepEqual((await hs.request('GET', `${V3}/user/${u}/rooms/${r}/tags`, undefined, alice.accessToken)).body, { tags: { 'm.favourite': { order: 0.5 } } });

      const s1 = await sync(alice, { since: s0.next_batch });
      assert.ok(s1.account_data.events.some((e: { type: string; content: { a?: number } }) => e.type === 'org.example.cfg' && e.content.a === 1));
      const roomData = s1.rooms.join[roomId].account_data.events;
      assert.ok(roomData.some((e: { type: string }) => e.type === 'org.example.room'));
      assert.ok(roomData.some((e: { type: string; content: { tags?: object } }) => e.type === 'm.tag' && 'm.favourite' in (e.content.tags ?? {})));

      assert.equal((await hs.request('DELETE', `${V3}/user/${u}/rooms/${r}/tags/m.favourite`, undefined, alice.accessToken)).status, 200);
      assert.deepEqual((await hs.request('GET', `${V3}/user/${u}/rooms/${r}/tags`, undefined, alice.accessToken)).body, { tags: {} });
      const bob = await hs.register();
      const forbidden = await hs.request('PUT', `${V3}/user/${u}/account_data/x`, {}, bob.accessToken);
      assert.equal(forbidden.status, 403);
    });

    it('default push rules: GET /pushrules/ and m.push_rules in the initial sync', async () => {
      const alice = await hs.register();
      const res = await hs.request('GET', `${V3}/pushrules/`, undefined, alice.accessToken);
      assert.equal(res.status, 200);
      const ids = res.body.global.override.map((r: { rule_id: string }) => r.rule_id);
      assert.ok(ids.includes('.m.rule.master') && ids.includes('.m.rule.is_user_mention'));
      assert.ok(res.body.global.underride.some((r: { rule_id: string }) => r.rule_id === '.m.rule.message'));
      const global = await hs.request('GET', `${V3}/pushrules/global/`, undefined, alice.accessToken);
      assert.deepEqual(global.body, res.body.global);
      const s = await sync(alice);
      const pr = s.account_data.events.find((e: { type: string }) => e.type === 'm.push_rules');
      assert.deepEqual(pr?.content, res.body);
    });

    it('presence: set, get, and delivered to users sharing a room', async () => {
      const alice = await hs.register();
      const bob = await hs.register();
      const roomId = await createRoom(alice, { preset: 'public_chat' });
      await join(bob, roomId);
      const s0 = await sync(bob, { set_presence: 'offline' });
      const put = await hs.request('PUT', `${V3}/presence/${encodeURIComponent(alice.userId)}/status`, { presence: 'unavailable', status_msg: 'lunch' }, alice.accessToken);
      assert.equal(put.status, 200);
      const got = await hs.request('GET', `${V3}/presence/${encodeURIComponent(alice.userId)}/status`, undefined, bob.accessToken);
      assert.equal(got.body.presence, 'unavailable');
      assert.equal(got.body.status_msg, 'lunch');
      const s1 = await sync(bob, { since: s0.next_batch, set_presence: 'offline' });
      const ev = s1.presence.events.find((e: { sender: string }) => e.sender === alice.userId);
      assert.equal(ev?.content.presence, 'unavailable');
      const bad = await hs.request('PUT', `${V3}/presence/${encodeURIComponent(alice.userId)}/status`, { presence: 'busy' }, alice.accessToken);
      assert.equal(bad.status, 400);
    });
  });
}
