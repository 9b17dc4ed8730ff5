// POST /knock/{roomIdOrAlias} (knocking.yaml; auth rules rooms/v7+): the knock
// is a member event the room's members see; members may invite (accept) or
// kick (reject) the knocker; rooms whose join rule is not knock refuse it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, membershipAction, setState, roomPath, V3 } from '../events/helpers.js';

const knock = (hs: TestServer, user: TestUser, target: string, body: Record<string, unknown> = {}) =>
  hs.request('POST', `${V3}/knock/${encodeURIComponent(target)}`, body, user.accessToken);

for (const engine of engines()) {
  describe(`knock: POST /knock/{roomIdOrAlias} (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let roomId: string;
    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      roomId = await createRoom(hs, alice, { room_version: '10', room_alias_name: 'knockers' });
      await setState(hs, alice, roomId, 'm.room.join_rules', { join_rule: 'knock' });
    });
    after(() => hs.close());

    it('a knock (by alias, with a reason) is visible to members; inviting accepts it', async () => {
      const bob = await hs.register('bob');
      const res = await knock(hs, bob, `#knockers:${hs.serverName}`, { reason: 'let me in' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.room_id, roomId);
      const member = await hs.request('GET', roomPath(roomId, `/state/m.room.member/${encodeURIComponent(bob.userId)}`), undefined, alice.accessToken);
      assert.equal(member.status, 200);
      assert.equal(member.body.membership, 'knock');
      assert.equal(member.body.reason, 'let me in');
      const members = await hs.request('GET', roomPath(roomId, '/members?membership=knock'), undefined, alice.accessToken);
      assert.deepEqual(members.body.chunk.map((e: { state_key: string }) => e.state_key), [bob.userId]);
      // The knocker cannot read the room.
      assert.equal((await hs.request('GET', roomPath(roomId, '/messages?dir=b'), undefined, bob.accessToken)).status, 403);
      await membershipAction(hs, alice, roomId, 'invite', { user_id: bob.userId });
      await membershipAction(hs, bob, roomId, 'join');
      // Knocking again once joined is refused by the auth rules.
      assert.equal((await knock(hs, bob, roomId)).status, 403);
    });

    it('kicking a knocker rejects the knock', async () => {
      const carol = await hs.register('carol');
      assert.equal((await knock(hs, carol, roomId)).status, 200);
      await membershipAction(hs, alice, roomId, 'kick', { user_id: carol.userId, reason: 'no' });
      const member = await hs.request('GET', roomPath(roomId, `/state/m.room.member/${encodeURIComponent(carol.userId)}`), undefined, alice.accessToken);
      assert.equal(member.body.membership, 'leave');
    });

    it("the knocker's /sync has the room under rooms.knock (stripped state ending with the knock) until it is answered", async () => {
      const frank = await hs.register('frank');
      await setState(hs, alice, roomId, 'm.room.name', { name: 'Knockers' });
      const sync = (since?: string) =>
        hs.request('GET', `${V3}/sync${since ? `?since=${encodeURIComponent(since)}&timeout=0` : ''}`, undefined, frank.accessToken);
      const before = await sync();
      assert.deepEqual(before.body.rooms.knock, {});
      assert.equal((await knock(hs, frank, roomId, { reason: 'hello' })).status, 200);

      const incremental = await sync(before.body.next_batch);
      const state = incremental.body.rooms.knock[roomId]?.knock_state?.events as { type: string; state_key: string; content: Record<string, unknown>; sender: string }[];
      assert.ok(state, JSON.stringify(incremental.body.rooms));
      assert.equal(state.find((e) => e.type === 'm.room.join_rules')?.content.join_rule, 'knock');
      assert.equal(state.find((e) => e.type === 'm.room.name')?.content.name, 'Knockers');
      const last = state[state.length - 1]!;
      assert.deepEqual([last.type, last.state_key, last.content.membership, last.sender], ['m.room.member', frank.userId, 'knock', frank.userId]);
      // Stripped state only: no event IDs, no timeline.
      assert.ok(state.every((e) => !('event_id' in e)));
      assert.equal(incremental.body.rooms.join[roomId], undefined);

      const initial = await sync();
      assert.ok(initial.body.rooms.knock[roomId]);
      // Nothing new for the knocker: the next incremental sync repeats nothing.
      assert.deepEqual((await sync(incremental.body.next_batch)).body.rooms.knock, {});

      // Accepted (invited): the room moves to rooms.invite.
      await membershipAction(hs, alice, roomId, 'invite', { user_id: frank.userId });
      const invited = await sync(incremental.body.next_batch);
      assert.ok(invited.body.rooms.invite[roomId]);
      assert.equal(invited.body.rooms.knock[roomId], undefined);
    });

    it('403 when the join rule is not knock or the room version predates knocking; 404 for unknown rooms', async () => {
      const dave = await hs.register('dave');
      const pub = await createRoom(hs, alice, { preset: 'public_chat', room_version: '10' });
      const res = await knock(hs, dave, pub);
      assert.equal(res.status, 403);
      assert.equal(res.body.errcode, 'M_FORBIDDEN');
      const old = await createRoom(hs, alice, { room_version: '6' });
      await setState(hs, alice, old, 'm.room.join_rules', { join_rule: 'knock' }).catch(() => undefined);
      assert.equal((await knock(hs, dave, old)).status, 403);
      assert.equal((await knock(hs, dave, `!nope:${hs.serverName}`)).status, 404);
      assert.equal((await knock(hs, dave, `#nope:${hs.serverName}`)).status, 404);
    });

    it('a banned user cannot knock', async () => {
      const eve = await hs.register('eve');
      await membershipAction(hs, alice, roomId, 'ban', { user_id: eve.userId });
      assert.equal((await knock(hs, eve, roomId)).status, 403);
    });
  });
}
