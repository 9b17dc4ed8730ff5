// History visibility on the read paths (modules/history_visibility.md): a user
// who joins later sees or does not see earlier history per each setting; a
// user who left sees nothing newer; world_readable rooms can be read without
// joining; /event, /context and /sync apply the same rules as /messages.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, membershipAction, messages, roomPath, send, setState, visibleBodies, V3 } from './helpers.js';

type Ev = { event_id: string; type: string; content: Record<string, unknown> };

for (const engine of engines()) {
  describe(`history visibility (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
    });
    after(() => hs.close());

    /** alice: "before"; invites bob: "invited"; bob joins: "joined"; bob leaves: "left". */
    async function scenario(visibility: string) {
      const bob = await hs.register();
      const eve = await hs.register();
      const roomId = await createRoom(hs, alice, {
        preset: 'public_chat',
        initial_state: [{ type: 'm.room.history_visibility', content: { history_visibility: visibility } }],
      });
      const ids: Record<string, string> = {};
      ids.before = await send(hs, alice, roomId, 'before');
      await membershipAction(hs, alice, roomId, 'invite', { user_id: bob.userId });
      ids.invited = await send(hs, alice, roomId, 'invited');
      await membershipAction(hs, bob, roomId, 'join');
      ids.joined = await send(hs, alice, roomId, 'joined');
      return { bob, eve, roomId, ids };
    }

    const expected: Record<string, string[]> = {
      world_readable: ['before', 'invited', 'joined'],
      shared: ['before', 'invited', 'joined'],
      invited: ['invited', 'joined'],
      joined: ['joined'],
    };

    for (const [visibility, bodies] of Object.entries(expected)) {
      it(`${visibility}: a later joiner sees ${bodies.join(', ')}; after leaving, nothing newer`, async () => {
        const { bob, roomId, ids } = await scenario(visibility);
        assert.deepEqual(await visibleBodies(hs, bob, roomId), bodies);
        // Forwards from the start gives the same.
        const fwd = await messages(hs, bob, roomId, { dir: 'f', limit: 100 });
        assert.deepEqual(fwd.body.chunk.filter((e: Ev) => e.type === 'm.room.message').map((e: Ev) => e.content.body), bodies);
        // /event agrees.
        for (const [body, id] of Object.entries(ids)) {
          const res = await hs.request('GET', roomPath(roomId, `/event/${encodeURIComponent(id)}`), undefined, bob.accessToken);
          assert.equal(res.status, bodies.includes(body) ? 200 : 404, `${visibility} /event ${body}`);
        }
        // Leave; alice keeps talking.
        await membershipAction(hs, bob, roomId, 'leave');
        const later = await send(hs, alice, roomId, 'later');
        const afterLeave = await visibleBodies(hs, bob, roomId);
        if (visibility === 'world_readable') assert.deepEqual(afterLeave, [...bodies, 'later']);
        else assert.deepEqual(afterLeave, bodies);
        const ev = await hs.request('GET', roomPath(roomId, `/event/${encodeURIComponent(later)}`), undefined, bob.accessToken);
        assert.equal(ev.status, visibility === 'world_readable' ? 200 : 404);
        // The user's own leave is visible to them whatever the setting.
        const tail = await messages(hs, bob, roomId, { dir: 'b', limit: 5, filter: { types: ['m.room.member'] } });
        assert.equal(tail.body.chunk[0].state_key, bob.userId);
        assert.equal(tail.body.chunk[0].content.membership, 'leave');
      });
    }

    it('world_readable rooms can be read without joining; other rooms are 403', async () => {
      const { eve, roomId } = await scenario('world_readable');
      assert.deepEqual(await visibleBodies(hs, eve, roomId), ['before', 'invited', 'joined']);
      assert.equal((await hs.request('GET', roomPath(roomId, '/state'), undefined, eve.accessToken)).status, 200);
      assert.equal((await hs.request('GET', roomPath(roomId, '/members'), undefined, eve.accessToken)).status, 200);
      const shared = await scenario('shared');
      const res = await messages(hs, shared.eve, shared.roomId, { dir: 'b' });
      assert.equal(res.status, 403);
      assert.equal(res.body.errcode, 'M_FORBIDDEN');
    });

    it('switching visibility applies from the switch on, not retroactively', async () => {
      const { bob, roomId } = await scenario('joined');
      await membershipAction(hs, bob, roomId, 'leave');
      await send(hs, alice, roomId, 'while-joined-only');
      const hvId = await setState(hs, alice, roomId, 'm.room.history_visibility', { history_visibility: 'shared' });
      await send(hs, alice, roomId, 'while-shared');
      // A brand-new member sees only what was sent under `shared`, plus the
      // history_visibility change itself (visible after it).
      const carol = await hs.register();
      await membershipAction(hs, carol, roomId, 'join');
      assert.deepEqual(await visibleBodies(hs, carol, roomId), ['while-shared']);
      const ev = await hs.request('GET', roomPath(roomId, `/event/${encodeURIComponent(hvId)}`), undefined, carol.accessToken);
      assert.equal(ev.status, 200);
    });

    it('/context refuses events the user may not see and hides them around visible ones', async () => {
      const { bob, roomId, ids } = await scenario('joined');
      const hidden = await hs.request('GET', roomPath(roomId, `/context/${encodeURIComponent(ids.before!)}`), undefined, bob.accessToken);
      assert.equal(hidden.status, 404);
      const ctx = await hs.request('GET', roomPath(roomId, `/context/${encodeURIComponent(ids.joined!)}?limit=20`), undefined, bob.accessToken);
      assert.equal(ctx.status, 200);
      const around = [...ctx.body.events_before, ...ctx.body.events_after].map((e: Ev) => e.event_id);
      assert.ok(!around.includes(ids.before) && !around.includes(ids.invited));
    });

    it('/sync applies history visibility to a new member\'s timeline', async () => {
      const { bob, roomId } = await scenario('joined');
      const sync = await hs.request('GET', `${V3}/sync`, undefined, bob.accessToken);
      assert.equal(sync.status, 200);
      const timeline = sync.body.rooms.join[roomId].timeline.events as Ev[];
      const msgs = timeline.filter((e) => e.type === 'm.room.message').map((e) => e.content.body);
      assert.deepEqual(msgs, ['joined']);
    });
  });
}
