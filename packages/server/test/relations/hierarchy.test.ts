// GET /v1/rooms/{roomId}/hierarchy (space_hierarchy.yaml; "Spaces"): local
// space trees depth-first in the spec's child order, only rooms the user may
// see, max_depth, suggested_only, paging with pinned parameters, 403.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { serverWithAliceAndBob } from './helpers.js';
import { createRoom, setState } from '../events/helpers.js';

const V1 = '/_matrix/client/v1';
const hierarchy = (roomId: string, q = '') => `${V1}/rooms/${encodeURIComponent(roomId)}/hierarchy${q}`;
const ids = (rooms: { room_id: string }[]) => rooms.map((r) => r.room_id);

for (const engine of engines()) {
  describe(`hierarchy: GET /v1/rooms/{roomId}/hierarchy (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let space: string;
    let sub: string;
    let a: string;
    let d: string;
    let privateRoom: string;
    before(async () => {
      ({ hs, alice, bob } = await serverWithAliceAndBob(engine));
      const via = [hs.serverName];
      space = await createRoom(hs, alice, { preset: 'public_chat', name: 'Space', creation_content: { type: 'm.space' } });
      sub = await createRoom(hs, alice, { preset: 'public_chat', name: 'Sub', creation_content: { type: 'm.space' } });
      a = await createRoom(hs, alice, { preset: 'public_chat', name: 'A', topic: 'room a' });
      d = await createRoom(hs, alice, { preset: 'public_chat', name: 'D' });
      privateRoom = await createRoom(hs, alice, { preset: 'private_chat', name: 'Secret' });
      await setState(hs, alice, space, 'm.space.child', { via, order: 'b', suggested: true }, a);
      await setState(hs, alice, space, 'm.space.child', { via, order: 'a' }, sub);
      await setState(hs, alice, space, 'm.space.child', { via }, privateRoom);
      // No via: not a valid child.
      await setState(hs, alice, space, 'm.space.child', {}, d);
      await setState(hs, alice, sub, 'm.space.child', { via }, d);
      // A cycle back to the top is not followed twice.
      await setState(hs, alice, sub, 'm.space.child', { via }, space);
    });
    after(() => hs.close());

    it('walks the tree depth-first in child order, leaving out rooms the user cannot see', async () => {
      const res = await hs.request('GET', hierarchy(space), undefined, bob.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(ids(res.body.rooms), [space, sub, d, a]);
      assert.equal(res.body.next_batch, undefined);
      const top = res.body.rooms[0];
      assert.equal(top.name, 'Space');
      assert.equal(top.room_type, 'm.space');
      assert.equal(top.num_joined_members, 1);
      assert.equal(top.join_rule, 'public');
      assert.deepEqual(top.children_state.map((c: { state_key: string }) => c.state_key), [sub, a, privateRoom]);
      assert.equal(typeof top.children_state[0].origin_server_ts, 'number');
      assert.equal(top.children_state[0].sender, alice.userId);
      assert.deepEqual(res.body.rooms[3].children_state, []);
      assert.equal(res.body.rooms[3].topic, 'room a');
      // alice is in the private room: she sees it.
      const mine = await hs.request('GET', hierarchy(space), undefined, alice.accessToken);
      assert.deepEqual(ids(mine.body.rooms), [space, sub, d, a, privateRoom]);
    });

    it('max_depth and suggested_only', async () => {
      const shallow = await hs.request('GET', hierarchy(space, '?max_depth=1'), undefined, bob.accessToken);
      assert.deepEqual(ids(shallow.body.rooms), [space, sub, a]);
      const top = await hs.request('GET', hierarchy(space, '?max_depth=0'), undefined, bob.accessToken);
      assert.deepEqual(ids(top.body.rooms), [space]);
      const suggested = await hs.request('GET', hierarchy(space, '?suggested_only=true'), undefined, bob.accessToken);
      assert.deepEqual(ids(suggested.body.rooms), [space, a]);
    });

    it('pages with limit and next_batch; the token pins max_depth and suggested_only', async () => {
      const seen: string[] = [];
      let from: string | undefined;
      for (let i = 0; i < 5; i++) {
        const res = await hs.request('GET', hierarchy(space, `?limit=3${from ? `&from=${encodeURIComponent(from)}` : ''}`), undefined, bob.accessToken);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        seen.push(...ids(res.body.rooms));
        from = res.body.next_batch;
        if (!from) break;
      }
      assert.deepEqual(seen, [space, sub, d, a]);
      const first = await hs.request('GET', hierarchy(space, '?limit=1'), undefined, bob.accessToken);
      const changed = await hs.request('GET', hierarchy(space, `?limit=1&max_depth=1&from=${encodeURIComponent(first.body.next_batch)}`), undefined, bob.accessToken);
      assert.equal(changed.status, 400);
      assert.equal(changed.body.errcode, 'M_INVALID_PARAM');
      assert.equal((await hs.request('GET', hierarchy(space, '?from=garbage'), undefined, bob.accessToken)).status, 400);
    });

    it('403 for a room the user cannot view or an unknown room', async () => {
      const res = await hs.request('GET', hierarchy(privateRoom), undefined, bob.accessToken);
      assert.equal(res.status, 403);
      assert.equal(res.body.errcode, 'M_FORBIDDEN');
      assert.equal((await hs.request('GET', hierarchy(`!nope:${hs.serverName}`), undefined, bob.accessToken)).status, 403);
    });
  });
}
