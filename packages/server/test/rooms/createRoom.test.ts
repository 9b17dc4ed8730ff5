// POST /createRoom (create_room.yaml): presets, the spec's order of initial
// events, overrides, versions 1–12, errors.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, currentState, roomEvents, V3 } from './helpers.js';

for (const engine of engines()) {
  describe(`createRoom (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      bob = await hs.register('bob');
    });
    after(() => hs.close());

    it('private_chat by default: events in the spec order, default room version 11 without creator', async () => {
      const roomId = await createRoom(hs, alice, { name: 'Room', topic: 'About', invite: [bob.userId], is_direct: true });
      assert.match(roomId, /^![A-Za-z]+:weft\.test$/);
      const events = await roomEvents(hs, roomId);
      assert.deepEqual(
        events.map((e) => `${e.pdu.type}|${e.pdu.state_key ?? ''}`),
        [
          'm.room.create|', `m.room.member|${alice.userId}`, 'm.room.power_levels|', 'm.room.join_rules|',
          'm.room.history_visibility|', 'm.room.guest_access|', 'm.room.name|', 'm.room.topic|', `m.room.member|${bob.userId}`,
        ],
      );
      const create = events[0]!.pdu;
      assert.equal(create.content.room_version, '11');
      assert.equal(create.content.creator, undefined);
      const state = await currentState(hs, roomId);
      assert.equal(state.get('m.room.join_rules|')!.content.join_rule, 'invite');
      assert.equal(state.get('m.room.history_visibility|')!.content.history_visibility, 'shared');
      assert.equal(state.get('m.room.guest_access|')!.content.guest_access, 'can_join');
      assert.equal(state.get('m.room.power_levels|')!.content.users[alice.userId], 100);
      assert.deepEqual(state.get(`m.room.member|${bob.userId}`)!.content, { membership: 'invite', is_direct: true, displayname: 'bob' });
      assert.equal(state.get('m.room.topic|')!.content.topic, 'About');
      // Linear history: each event's prev_events is the one before, depth increases by one.
      for (let i = 1; i < events.length; i++) {
        assert.deepEqual(events[i]!.pdu.prev_events, [events[i - 1]!.eventId]);
        assert.equal(events[i]!.pdu.depth, i + 1);
      }
    });

    it('public_chat preset, alias, initial_state precedence, power level override', async () => {
      const res = await hs.request('POST', `${V3}/createRoom`, {
        preset: 'public_chat', visibility: 'public', room_alias_name: 'pub', name: 'Given name',
        initial_state: [
          { type: 'm.room.history_visibility', content: { history_visibility: 'world_readable' } },
          { type: 'm.room.name', content: { name: 'overridden' } },
          { type: 'org.example.custom', state_key: 'k', content: { a: 1 } },
        ],
        power_level_content_override: { events_default: 10 },
        creation_content: { 'm.federate': false, type: 'm.space' },
      }, alice.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const roomId = res.body.room_id;
      const state = await currentState(hs, roomId);
      assert.equal(state.get('m.room.join_rules|')!.content.join_rule, 'public');
      assert.equal(state.get('m.room.guest_access|')!.content.guest_access, 'forbidden');
      assert.equal(state.get('m.room.history_visibility|')!.content.history_visibility, 'world_readable');
      assert.equal(state.get('m.room.name|')!.content.name, 'Given name');
      assert.deepEqual(state.get('org.example.custom|k')!.content, { a: 1 });
      assert.equal(state.get('m.room.power_levels|')!.content.events_default, 10);
      assert.equal(state.get('m.room.canonical_alias|')!.content.alias, '#pub:weft.test');
      assert.equal(state.get('m.room.create|')!.content['m.federate'], false);
      assert.equal(state.get('m.room.create|')!.content.type, 'm.space');
      const alias = await hs.request('GET', `${V3}/directory/room/${encodeURIComponent('#pub:weft.test')}`);
      assert.deepEqual(alias.body, { room_id: roomId, servers: ['weft.test'] });
      const vis = await hs.request('GET', `${V3}/directory/list/room/${encodeURIComponent(roomId)}`);
      assert.deepEqual(vis.body, { visibility: 'public' });
      // The same alias again: 400 M_ROOM_IN_USE, and no room is created.
      const again = await hs.request('POST', `${V3}/createRoom`, { room_alias_name: 'pub' }, alice.accessToken);
      assert.equal(again.status, 400);
      assert.equal(again.body.errcode, 'M_ROOM_IN_USE');
    });

    it('every room version 1–12; v12 room ID derived from the create event, creator not in power levels', async () => {
      for (let v = 1; v <= 12; v++) {
        const roomId = await createRoom(hs, alice, { room_version: String(v), name: `v${v}` });
        const events = await roomEvents(hs, roomId);
        const create = events[0]!;
        assert.equal(create.pdu.content.room_version, String(v));
        assert.equal(create.pdu.content.creator, v <= 10 ? alice.userId : undefined, `v${v} creator`);
        if (v <= 2) assert.match(create.eventId, /^\$[^:]+:weft\.test$/);
        if (v === 12) {
          assert.equal(create.pdu.room_id, undefined);
          assert.equal(roomId, `!${create.eventId.slice(1)}`);
          const pl = events.find((e) => e.pdu.type === 'm.room.power_levels')!.pdu.content;
          assert.equal(pl.users[alice.userId], undefined);
          assert.equal(pl.events['m.room.tombstone'], 150);
        }
        // The room works after creation: a message can be sent.
        const send = await hs.request('PUT', `${V3}/rooms/${encodeURIComponent(roomId)}/send/m.room.message/v${v}`, { msgtype: 'm.text', body: 'hi' }, alice.accessToken);
        assert.equal(send.status, 200, `v${v}: ${JSON.stringify(send.body)}`);
      }
    });

    it('trusted_private_chat: invitees get the creator power level (v11) or become additional creators (v12)', async () => {
      const r11 = await createRoom(hs, alice, { preset: 'trusted_private_chat', invite: [bob.userId] });
      assert.equal((await currentState(hs, r11)).get('m.room.power_levels|')!.content.users[bob.userId], 100);
      const r12 = await createRoom(hs, alice, { preset: 'trusted_private_chat', invite: [bob.userId], room_version: '12' });
      assert.deepEqual((await currentState(hs, r12)).get('m.room.create|')!.content.additional_creators, [bob.userId]);
    });

    it('errors: unsupported version, bad shapes, initial state the creator may not set', async () => {
      const bad = await hs.request('POST', `${V3}/createRoom`, { room_version: '99' }, alice.accessToken);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errcode, 'M_UNSUPPORTED_ROOM_VERSION');
      const shape = await hs.request('POST', `${V3}/createRoom`, { preset: 'nope' }, alice.accessToken);
      assert.equal(shape.status, 400);
      assert.equal(shape.body.errcode, 'M_BAD_JSON');
      const inv = await hs.request('POST', `${V3}/createRoom`, { invite: ['not-a-user'] }, alice.accessToken);
      assert.equal(inv.status, 400);
      const state = await hs.request('POST', `${V3}/createRoom`, {
        power_level_content_override: { users: { [alice.userId]: 0 }, state_default: 50 },
        initial_state: [{ type: 'm.room.topic', content: { topic: 'x' } }],
      }, alice.accessToken);
      assert.equal(state.status, 400);
      assert.equal(state.body.errcode, 'M_INVALID_ROOM_STATE');
      const noAuth = await hs.request('POST', `${V3}/createRoom`, {});
      assert.equal(noAuth.status, 401);
    });
  });
}
