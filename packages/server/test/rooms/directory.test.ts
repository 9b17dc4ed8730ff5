// Room aliases (directory.yaml) and the published room directory
// (list_public_rooms.yaml).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, V3 } from './helpers.js';

const enc = encodeURIComponent;

for (const engine of engines()) {
  describe(`aliases and directory (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      bob = await hs.register('bob');
    });
    after(() => hs.close());

    it('PUT/GET/DELETE /directory/room/{alias} with errors', async () => {
      const roomId = await createRoom(hs, alice);
      const alias = '#team:weft.test';
      const path = `${V3}/directory/room/${enc(alias)}`;
      assert.equal((await hs.request('PUT', path, { room_id: roomId }, alice.accessToken)).status, 200);
      const taken = await hs.request('PUT', path, { room_id: roomId }, alice.accessToken);
      assert.equal(taken.status, 409);
      const get = await hs.request('GET', path, undefined, bob.accessToken);
      assert.deepEqual(get.body, { room_id: roomId, servers: ['weft.test'] });
      const aliases = await hs.request('GET', `${V3}/rooms/${enc(roomId)}/aliases`, undefined, alice.accessToken);
      assert.deepEqual(aliases.body, { aliases: [alias] });
      assert.equal((await hs.request('GET', `${V3}/rooms/${enc(roomId)}/aliases`, undefined, bob.accessToken)).status, 403);
      // Wrong server, bad grammar, unknown room, missing room_id.
      const remote = await hs.request('PUT', `${V3}/directory/room/${enc('#x:other.example')}`, { room_id: roomId }, alice.accessToken);
      assert.equal(remote.status, 400);
      assert.equal(remote.body.errcode, 'M_INVALID_PARAM');
      assert.equal((await hs.request('PUT', `${V3}/directory/room/${enc('nohash')}`, { room_id: roomId }, alice.accessToken)).status, 400);
      assert.equal((await hs.request('PUT', `${V3}/directory/room/${enc('#y:weft.test')}`, { room_id: '!nope:weft.test' }, alice.accessToken)).status, 404);
      assert.equal((await hs.request('PUT', `${V3}/directory/room/${enc('#y:weft.test')}`, {}, alice.accessToken)).status, 400);
      // Bob (not the creator, no power) may not delete it.
      assert.equal((await hs.request('DELETE', path, undefined, bob.accessToken)).status, 403);
      assert.equal((await hs.request('DELETE', path, undefined, alice.accessToken)).status, 200);
      const gone = await hs.request('GET', path);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.errcode, 'M_NOT_FOUND');
      assert.equal((await hs.request('DELETE', path, undefined, alice.accessToken)).status, 404);
    });

    it('directory visibility and /publicRooms with search, room types and pagination', async () => {
      const rooms: string[] = [];
      for (let i = 0; i < 5; i++) {
        rooms.push(await createRoom(hs, alice, { preset: 'public_chat', visibility: 'public', name: `Public ${i}`, topic: i === 3 ? 'Needle topic' : 'plain' }));
      }
      const space = await createRoom(hs, alice, { visibility: 'public', name: 'A space', creation_content: { type: 'm.space' } });
      const hidden = await createRoom(hs, alice, { name: 'Hidden' });
      // Bob joins room 2: it has the most members and comes first.
      await hs.request('POST', `${V3}/join/${enc(rooms[2]!)}`, {}, bob.accessToken);

      const all = await hs.request('GET', `${V3}/publicRooms`, undefined, bob.accessToken);
      assert.equal(all.status, 200);
      assert.equal(all.body.total_room_count_estimate, 6);
      assert.equal(all.body.chunk[0].room_id, rooms[2]);
      assert.equal(all.body.chunk[0].num_joined_members, 2);
      assert.ok(!all.body.chunk.some((c: { room_id: string }) => c.room_id === hidden));
      const entry = all.body.chunk.find((c: { room_id: string }) => c.room_id === rooms[0]);
      assert.deepEqual(entry, {
        room_id: rooms[0], num_joined_members: 1, world_readable: false, guest_can_join: false, join_rule: 'public', name: 'Public 0', topic: 'plain',
      });

      // Pagination: 2 per page forward through all 6, then back.
      const seen: string[] = [];
      let since: string | undefined;
      let pages = 0;
      do {
        const page = await hs.request('POST', `${V3}/publicRooms`, { limit: 2, ...(since ? { since } : {}) }, bob.accessToken);
        assert.equal(page.status, 200);
        seen.push(...page.body.chunk.map((c: { room_id: string }) => c.room_id));
        if (pages > 0) assert.equal(typeof page.body.prev_batch, 'string');
        since = page.body.next_batch;
        pages++;
      } while (since && pages < 10);
      assert.equal(pages, 3);
      assert.equal(new Set(seen).size, 6);

      const search = await hs.request('POST', `${V3}/publicRooms`, { filter: { generic_search_term: 'needle' } }, bob.accessToken);
      assert.deepEqual(search.body.chunk.map((c: { room_id: string }) => c.room_id), [rooms[3]]);
      const spaces = await hs.request('POST', `${V3}/publicRooms`, { filter: { room_types: ['m.space'] } }, bob.accessToken);
      assert.deepEqual(spaces.body.chunk.map((c: { room_id: string; room_type: string }) => [c.room_id, c.room_type]), [[space, 'm.space']]);

      // Visibility: read by anyone, changed only by those with power.
      const vis = `${V3}/directory/list/room/${enc(hidden)}`;
      assert.deepEqual((await hs.request('GET', vis)).body, { visibility: 'private' });
      assert.equal((await hs.request('PUT', vis, { visibility: 'public' }, bob.accessToken)).status, 403);
      assert.equal((await hs.request('PUT', vis, { visibility: 'public' }, alice.accessToken)).status, 200);
      assert.deepEqual((await hs.request('GET', vis)).body, { visibility: 'public' });
      assert.equal((await hs.request('GET', `${V3}/directory/list/room/${enc('!nope:weft.test')}`)).status, 404);
      const after = await hs.request('GET', `${V3}/publicRooms?limit=100`, undefined, bob.accessToken);
      assert.equal(after.body.total_room_count_estimate, 7);
      assert.equal((await hs.request('GET', `${V3}/publicRooms?since=garbage`, undefined, bob.accessToken)).status, 400);
    });
  });
}
