// POST /rooms/{roomId}/upgrade (room_upgrades.yaml; "Room Upgrades" server behaviour).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, membershipAction, roomPath, setState } from '../events/helpers.js';

const V3 = '/_matrix/client/v3';

for (const engine of engines()) {
  describe(`room upgrades (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    const upgrade = (user: TestUser, roomId: string, body: Record<string, unknown>) => hs.request('POST', roomPath(roomId, '/upgrade'), body, user.accessToken);
    const stateOf = async (user: TestUser, roomId: string, type: string) => {
      const res = await hs.request('GET', roomPath(roomId, `/state/${type}/`), undefined, user.accessToken);
      return res.status === 200 ? res.body : undefined;
    };

    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      bob = await hs.register('bob');
    });
    after(() => hs.close());

    it('replaces the room: predecessor, transferred state and power levels, aliases and listing moved, tombstone, restricted old room', async () => {
      const old = await createRoom(hs, alice, { preset: 'public_chat', room_version: '10', name: 'Old name', topic: 'Topic', room_alias_name: 'upgrademe', visibility: 'public' });
      await membershipAction(hs, bob, old, 'join');
      await setState(hs, alice, old, 'm.room.encryption', { algorithm: 'm.megolm.v1.aes-sha2' });
      const res = await upgrade(alice, old, { new_version: '11' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const replacement = res.body.replacement_room as string;

      const create = await stateOf(alice, replacement, 'm.room.create');
      assert.equal(create.room_version, '11');
      assert.equal(create.predecessor.room_id, old);
      assert.equal(typeof create.predecessor.event_id, 'string');
      assert.equal((await stateOf(alice, replacement, 'm.room.name')).name, 'Old name');
      assert.equal((await stateOf(alice, replacement, 'm.room.topic')).topic, 'Topic');
      assert.equal((await stateOf(alice, replacement, 'm.room.join_rules')).join_rule, 'public');
      assert.equal((await stateOf(alice, replacement, 'm.room.encryption')).algorithm, 'm.megolm.v1.aes-sha2');
      assert.equal((await stateOf(alice, replacement, 'm.room.power_levels')).users[alice.userId], 100);

      const alias = await hs.request('GET', `${V3}/directory/room/${encodeURIComponent(`#upgrademe:${hs.serverName}`)}`);
      assert.equal(alias.body.room_id, replacement);
      assert.equal((await stateOf(alice, replacement, 'm.room.canonical_alias')).alias, `#upgrademe:${hs.serverName}`);
      const listed = await hs.request('GET', `${V3}/publicRooms`);
      const ids = listed.body.chunk.map((r: { room_id: string }) => r.room_id);
      assert.ok(ids.includes(replacement) && !ids.includes(old), JSON.stringify(ids));

      assert.equal((await stateOf(bob, old, 'm.room.tombstone')).replacement_room, replacement);
      const oldPl = await stateOf(bob, old, 'm.room.power_levels');
      assert.ok(oldPl.events_default >= 50 && oldPl.invite >= 50, JSON.stringify(oldPl));
      const speak = await hs.request('PUT', roomPath(old, '/send/m.room.message/t1'), { msgtype: 'm.text', body: 'still here?' }, bob.accessToken);
      assert.equal(speak.status, 403);

      // bob follows into the replacement; the old room cannot be upgraded twice.
      await membershipAction(hs, bob, replacement, 'join');
      const again = await upgrade(alice, old, { new_version: '11' });
      assert.equal(again.status, 400);
    });

    it('403 without the tombstone power, 400 for an unknown version, 403 for non-members', async () => {
      const room = await createRoom(hs, alice, { preset: 'public_chat' });
      await membershipAction(hs, bob, room, 'join');
      const weak = await upgrade(bob, room, { new_version: '11' });
      assert.equal(weak.status, 403);
      assert.equal(weak.body.errcode, 'M_FORBIDDEN');
      const bad = await upgrade(alice, room, { new_version: '99' });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errcode, 'M_UNSUPPORTED_ROOM_VERSION');
      const carol = await hs.register('carol');
      assert.equal((await upgrade(carol, room, { new_version: '11' })).status, 403);
      assert.equal((await upgrade(alice, room, {})).body.errcode, 'M_MISSING_PARAM');
    });

    it('to version 12: additional_creators, no event ID in predecessor, creators absent from users', async () => {
      const room = await createRoom(hs, alice, { preset: 'private_chat', room_version: '11' });
      await membershipAction(hs, alice, room, 'invite', { user_id: bob.userId });
      await membershipAction(hs, bob, room, 'join');
      const res = await upgrade(alice, room, { new_version: '12', additional_creators: [bob.userId] });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const create = await stateOf(alice, res.body.replacement_room, 'm.room.create');
      assert.equal(create.room_version, '12');
      assert.deepEqual(create.predecessor, { room_id: room });
      assert.deepEqual(create.additional_creators, [bob.userId]);
      const pl = await stateOf(alice, res.body.replacement_room, 'm.room.power_levels');
      assert.equal(pl.users?.[alice.userId], undefined);
      assert.equal(pl.users?.[bob.userId], undefined);
    });
  });
}
