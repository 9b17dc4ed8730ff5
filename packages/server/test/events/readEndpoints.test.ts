// GET /event, /state, /state/{type}/{key}, /members, /joined_members,
// /context (rooms.yaml, room_state.yaml, event_context.yaml): happy paths,
// errors, redacted events served redacted, state for departed members.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, membershipAction, roomPath, send, setState, R0 } from './helpers.js';

type Ev = { event_id: string; type: string; state_key?: string; content: Record<string, unknown>; sender: string; unsigned: Record<string, unknown> };

for (const engine of engines()) {
  describe(`event reads (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let eve: TestUser;
    let roomId: string;
    const get = (user: TestUser, path: string) => hs.request('GET', roomPath(roomId, path), undefined, user.accessToken);
    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      bob = await hs.register('bob');
      eve = await hs.register('eve');
      roomId = await createRoom(hs, alice, { preset: 'public_chat', name: 'Reads', topic: 'T' });
      await membershipAction(hs, bob, roomId, 'join');
    });
    after(() => hs.close());

    it('GET /event returns the client event; transaction_id only for the sending device', async () => {
      const id = await send(hs, alice, roomId, 'hello');
      const res = await get(alice, `/event/${encodeURIComponent(id)}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.event_id, id);
      assert.equal(res.body.room_id, roomId);
      assert.equal(res.body.sender, alice.userId);
      assert.deepEqual(res.body.content, { msgtype: 'm.text', body: 'hello' });
      assert.equal(typeof res.body.unsigned.transaction_id, 'string');
      const asBob = await get(bob, `/event/${encodeURIComponent(id)}`);
      assert.equal(asBob.status, 200);
      assert.equal(asBob.body.unsigned.transaction_id, undefined);
      const r0 = await hs.request('GET', `${R0}/rooms/${encodeURIComponent(roomId)}/event/${encodeURIComponent(id)}`, undefined, bob.accessToken);
      assert.equal(r0.status, 200);
    });

    it('GET /event: 404 M_NOT_FOUND for unknown events, events of other rooms, and non-members', async () => {
      const id = await send(hs, alice, roomId, 'x');
      const unknown = await get(alice, `/event/${encodeURIComponent('$nope')}`);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.errcode, 'M_NOT_FOUND');
      const other = await createRoom(hs, alice);
      const wrongRoom = await hs.request('GET', roomPath(other, `/event/${encodeURIComponent(id)}`), undefined, alice.accessToken);
      assert.equal(wrongRoom.status, 404);
      const outsider = await get(eve, `/event/${encodeURIComponent(id)}`);
      assert.equal(outsider.status, 404);
      assert.equal(outsider.body.errcode, 'M_NOT_FOUND');
    });

    it('hostile identifiers (NUL, very long) are 4xx, never 500, on both engines', async () => {
      const id = encodeURIComponent(await send(hs, alice, roomId, 'y'));
      const cases: [string, number][] = [
        [roomPath(roomId, '/event/%00'), 404],
        [roomPath(roomId, `/event/${encodeURIComponent('$' + 'a'.repeat(3000))}`), 404],
        [roomPath(roomId, '/state/%00/x'), 404],
        [roomPath(roomId, '/state/m.room.name/%00'), 404],
        [roomPath(roomId, '/context/%00'), 404],
        // 400 (malformed room ID) or 403 (no such room) — anything but a 500.
        [`/_matrix/client/v3/rooms/%21a%00b/state`, 4],
        [`/_matrix/client/v3/rooms/%21a%00b/messages?dir=b`, 4],
        [roomPath(roomId, `/context/${id}?limit=999999999999999`), 200],
        [roomPath(roomId, '/messages?dir=b&limit=999999999999999&from=t999999999999999'), 200],
      ];
      for (const [path, status] of cases) {
        const res = await hs.request('GET', path, undefined, alice.accessToken);
        if (status === 4) assert.ok(res.status >= 400 && res.status < 500, `${path.slice(0, 80)}: ${res.status}`);
        else assert.equal(res.status, status, `${path.slice(0, 80)}: ${JSON.stringify(res.body)}`);
      }
    });

    it('redacted events are served redacted, with redacted_because', async () => {
      const id = await send(hs, bob, roomId, { msgtype: 'm.text', body: 'secret', extra: 1 });
      const red = await hs.request('PUT', roomPath(roomId, `/redact/${encodeURIComponent(id)}/r1`), { reason: 'oops' }, bob.accessToken);
      assert.equal(red.status, 200, JSON.stringify(red.body));
      const res = await get(alice, `/event/${encodeURIComponent(id)}`);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.content, {});
      assert.equal(res.body.unsigned.redacted_because.event_id, red.body.event_id);
      assert.equal(res.body.unsigned.redacted_because.content.reason, 'oops');
      const page = await hs.request('GET', roomPath(roomId, '/messages?dir=b&limit=5'), undefined, alice.accessToken);
      const inPage = page.body.chunk.find((e: Ev) => e.event_id === id);
      assert.deepEqual(inPage.content, {});
      const ctx = await get(alice, `/context/${encodeURIComponent(id)}`);
      assert.deepEqual(ctx.body.event.content, {});
    });

    it('GET /state: the current state; /state/{type}/{key} content or format=event; trailing slash', async () => {
      const res = await get(bob, '/state');
      assert.equal(res.status, 200);
      const keys = res.body.map((e: Ev) => `${e.type}|${e.state_key}`);
      for (const k of ['m.room.create|', 'm.room.name|', 'm.room.topic|', `m.room.member|${alice.userId}`, `m.room.member|${bob.userId}`]) {
        assert.ok(keys.includes(k), k);
      }
      assert.equal(new Set(keys).size, keys.length);
      const name = await get(bob, '/state/m.room.name/');
      assert.deepEqual(name.body, { name: 'Reads' });
      const noSlash = await get(bob, '/state/m.room.name');
      assert.deepEqual(noSlash.body, { name: 'Reads' });
      const asEvent = await get(bob, '/state/m.room.name/?format=event');
      assert.equal(asEvent.body.type, 'm.room.name');
      assert.equal(asEvent.body.state_key, '');
      assert.equal(asEvent.body.room_id, roomId);
      const member = await get(bob, `/state/m.room.member/${encodeURIComponent(alice.userId)}`);
      assert.equal(member.body.membership, 'join');
      const missing = await get(bob, '/state/m.room.nothing/');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.errcode, 'M_NOT_FOUND');
      const badFormat = await get(bob, '/state/m.room.name/?format=xml');
      assert.equal(badFormat.status, 400);
      const outsider = await get(eve, '/state');
      assert.equal(outsider.status, 403);
      assert.equal(outsider.body.errcode, 'M_FORBIDDEN');
      assert.equal((await get(eve, '/state/m.room.name/')).status, 403);
    });

    it('a departed member reads the state as it was when they left', async () => {
      const room = await createRoom(hs, alice, { preset: 'public_chat', name: 'Before' });
      await membershipAction(hs, bob, room, 'join');
      await membershipAction(hs, bob, room, 'leave');
      await setState(hs, alice, room, 'm.room.name', { name: 'After' });
      const name = await hs.request('GET', roomPath(room, '/state/m.room.name/'), undefined, bob.accessToken);
      assert.equal(name.status, 200);
      assert.deepEqual(name.body, { name: 'Before' });
      const state = await hs.request('GET', roomPath(room, '/state'), undefined, bob.accessToken);
      const bobMember = state.body.find((e: Ev) => e.type === 'm.room.member' && e.state_key === bob.userId);
      assert.equal(bobMember.content.membership, 'leave');
      assert.equal(state.body.find((e: Ev) => e.type === 'm.room.name').content.name, 'Before');
      assert.equal((await hs.request('GET', roomPath(room, '/state/m.room.name/'), undefined, alice.accessToken)).body.name, 'After');
      // Forgetting the room removes access.
      assert.equal((await hs.request('POST', roomPath(room, '/forget'), {}, bob.accessToken)).status, 200);
      assert.equal((await hs.request('GET', roomPath(room, '/state'), undefined, bob.accessToken)).status, 403);
    });

    it('GET /members: all members, membership / not_membership filters, `at` tokens', async () => {
      const room = await createRoom(hs, alice, { preset: 'public_chat' });
      const before = await hs.request('GET', roomPath(room, '/messages?dir=b&limit=1'), undefined, alice.accessToken);
      const beforeBob = before.body.start as string;
      await membershipAction(hs, bob, room, 'join');
      await membershipAction(hs, alice, room, 'invite', { user_id: eve.userId });
      const members = async (q: string) => {
        const res = await hs.request('GET', roomPath(room, `/members${q}`), undefined, alice.accessToken);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.chunk.map((e: Ev) => `${e.state_key}=${e.content.membership}`).sort();
      };
      assert.deepEqual(await members(''), [`${alice.userId}=join`, `${bob.userId}=join`, `${eve.userId}=invite`].sort());
      assert.deepEqual(await members('?membership=invite'), [`${eve.userId}=invite`]);
      assert.deepEqual(await members('?not_membership=join'), [`${eve.userId}=invite`]);
      assert.deepEqual(await members('?membership=join&not_membership=invite'), [`${alice.userId}=join`, `${bob.userId}=join`].sort());
      assert.deepEqual(await members(`?at=${beforeBob}`), [`${alice.userId}=join`]);
      const bad = await hs.request('GET', roomPath(room, '/members?membership=friend'), undefined, alice.accessToken);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errcode, 'M_INVALID_PARAM');
      const badAt = await hs.request('GET', roomPath(room, '/members?at=zzz'), undefined, alice.accessToken);
      assert.equal(badAt.status, 400);
      // The invitee is not a member yet (history visibility shared, not world_readable).
      assert.equal((await hs.request('GET', roomPath(room, '/members'), undefined, eve.accessToken)).status, 403);
    });

    it('GET /joined_members: display names and avatars of joined users; 403 for others', async () => {
      await hs.request('PUT', `/_matrix/client/v3/profile/${encodeURIComponent(bob.userId)}/avatar_url`, { avatar_url: 'mxc://weft.test/bob' }, bob.accessToken);
      const res = await get(alice, '/joined_members');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(Object.keys(res.body.joined).sort(), [alice.userId, bob.userId].sort());
      assert.equal(res.body.joined[alice.userId].display_name, 'alice');
      const outsider = await get(eve, '/joined_members');
      assert.equal(outsider.status, 403);
      assert.equal(outsider.body.errcode, 'M_FORBIDDEN');
    });

    it('GET /v1/timestamp_to_event: the closest visible event in each direction; 404 when none', async () => {
      const room = await createRoom(hs, alice, { preset: 'public_chat' });
      const first = await send(hs, alice, room, 'first');
      const firstTs = (await hs.request('GET', roomPath(room, `/event/${encodeURIComponent(first)}`), undefined, alice.accessToken)).body.origin_server_ts as number;
      const url = (q: string) => `/_matrix/client/v1/rooms/${encodeURIComponent(room)}/timestamp_to_event?${q}`;
      const fwd = await hs.request('GET', url(`ts=${firstTs}&dir=f`), undefined, alice.accessToken);
      assert.equal(fwd.status, 200, JSON.stringify(fwd.body));
      assert.equal(fwd.body.event_id, first);
      assert.equal(fwd.body.origin_server_ts, firstTs);
      const back = await hs.request('GET', url(`ts=${firstTs + 60_000}&dir=b`), undefined, alice.accessToken);
      assert.equal(back.body.event_id, first);
      const none = await hs.request('GET', url(`ts=${firstTs + 60_000}&dir=f`), undefined, alice.accessToken);
      assert.equal(none.status, 404);
      assert.equal(none.body.errcode, 'M_NOT_FOUND');
      assert.equal((await hs.request('GET', url('dir=f'), undefined, alice.accessToken)).status, 400);
      assert.equal((await hs.request('GET', url('ts=1&dir=x'), undefined, alice.accessToken)).status, 400);
      assert.equal((await hs.request('GET', url('ts=1&dir=f'), undefined, eve.accessToken)).status, 403);
    });

    it('GET /context: events before and after, tokens that page on, state at the last event, filters', async () => {
      const room = await createRoom(hs, alice, { preset: 'public_chat' });
      await membershipAction(hs, bob, room, 'join');
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) ids.push(await send(hs, i % 2 ? bob : alice, room, `c${i}`));
      const ctx = await hs.request('GET', roomPath(room, `/context/${encodeURIComponent(ids[10]!)}?limit=6`), undefined, alice.accessToken);
      assert.equal(ctx.status, 200, JSON.stringify(ctx.body));
      assert.equal(ctx.body.event.event_id, ids[10]);
      assert.deepEqual(ctx.body.events_before.map((e: Ev) => e.event_id), [ids[9], ids[8], ids[7]]);
      assert.deepEqual(ctx.body.events_after.map((e: Ev) => e.event_id), [ids[11], ids[12], ids[13]]);
      const stateKeys = ctx.body.state.map((e: Ev) => `${e.type}|${e.state_key}`);
      assert.ok(stateKeys.includes('m.room.create|') && stateKeys.includes(`m.room.member|${bob.userId}`));
      // start pages backwards, end forwards, with no gap.
      const back = await hs.request('GET', roomPath(room, `/messages?dir=b&limit=2&from=${ctx.body.start}`), undefined, alice.accessToken);
      assert.deepEqual(back.body.chunk.map((e: Ev) => e.event_id), [ids[6], ids[5]]);
      const fwd = await hs.request('GET', roomPath(room, `/messages?dir=f&limit=2&from=${ctx.body.end}`), undefined, alice.accessToken);
      assert.deepEqual(fwd.body.chunk.map((e: Ev) => e.event_id), [ids[14], ids[15]]);
      // limit 0: just the event.
      const only = await hs.request('GET', roomPath(room, `/context/${encodeURIComponent(ids[10]!)}?limit=0`), undefined, alice.accessToken);
      assert.equal(only.body.events_before.length + only.body.events_after.length, 0);
      assert.equal(only.body.event.event_id, ids[10]);
      // Filter: only bob's events around; lazy members keep only the senders' member events.
      const f = encodeURIComponent(JSON.stringify({ senders: [bob.userId], lazy_load_members: true }));
      const filtered = await hs.request('GET', roomPath(room, `/context/${encodeURIComponent(ids[10]!)}?limit=4&filter=${f}`), undefined, alice.accessToken);
      assert.equal(filtered.status, 200);
      assert.deepEqual(filtered.body.events_before.map((e: Ev) => e.event_id), [ids[9], ids[7]]);
      assert.deepEqual(filtered.body.events_after.map((e: Ev) => e.event_id), [ids[11], ids[13]]);
      assert.ok(filtered.body.state.every((e: Ev) => e.sender === bob.userId));
      // Errors.
      const unknown = await hs.request('GET', roomPath(room, '/context/%24nope'), undefined, alice.accessToken);
      assert.equal(unknown.status, 404);
      const outsider = await hs.request('GET', roomPath(room, `/context/${encodeURIComponent(ids[10]!)}`), undefined, eve.accessToken);
      assert.equal(outsider.status, 403);
      const badLimit = await hs.request('GET', roomPath(room, `/context/${encodeURIComponent(ids[10]!)}?limit=x`), undefined, alice.accessToken);
      assert.equal(badLimit.status, 400);
    });
  });
}
