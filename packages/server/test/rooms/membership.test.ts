// Membership endpoints (joining/inviting/leaving/kicking/banning.yaml) with
// their permission checks and errors; /joined_rooms; forget; profile changes
// reflected into member events.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, currentState, membership, R0, V3 } from './helpers.js';

const enc = encodeURIComponent;

for (const engine of engines()) {
  describe(`membership (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let carol: TestUser;
    before(async () => {
      hs = await startTestServer({ engine });
      [alice, bob, carol] = [await hs.register('alice'), await hs.register('bob'), await hs.register('carol')];
    });
    after(() => hs.close());

    const post = (user: TestUser, path: string, body: unknown = {}) => hs.request('POST', `${V3}${path}`, body, user.accessToken);

    it('invite-only room: join refused until invited; invite → join; /joined_rooms', async () => {
      const roomId = await createRoom(hs, alice);
      const refused = await post(bob, `/rooms/${enc(roomId)}/join`);
      assert.equal(refused.status, 403);
      assert.equal(refused.body.errcode, 'M_FORBIDDEN');
      assert.equal((await post(alice, `/rooms/${enc(roomId)}/invite`, { user_id: bob.userId })).status, 200);
      assert.equal(await membership(hs, roomId, bob.userId), 'invite');
      const join = await post(bob, `/join/${enc(roomId)}`);
      assert.equal(join.status, 200);
      assert.deepEqual(join.body, { room_id: roomId });
      assert.equal(await membership(hs, roomId, bob.userId), 'join');
      const joined = await hs.request('GET', `${V3}/joined_rooms`, undefined, bob.accessToken);
      assert.ok(joined.body.joined_rooms.includes(roomId));
      // Inviting someone already joined is refused.
      const dup = await post(alice, `/rooms/${enc(roomId)}/invite`, { user_id: bob.userId });
      assert.equal(dup.status, 403);
      // Joining again changes nothing and succeeds.
      const before = (await currentState(hs, roomId)).get(`m.room.member|${bob.userId}`)!.event_id;
      assert.equal((await post(bob, `/rooms/${enc(roomId)}/join`)).status, 200);
      assert.equal((await currentState(hs, roomId)).get(`m.room.member|${bob.userId}`)!.event_id, before);
    });

    it('public room: join by alias, leave, forget (400 while joined)', async () => {
      const roomId = await createRoom(hs, alice, { preset: 'public_chat', room_alias_name: 'lobby' });
      const join = await post(carol, `/join/${enc('#lobby:weft.test')}`);
      assert.equal(join.status, 200);
      assert.equal(join.body.room_id, roomId);
      const forgetJoined = await post(carol, `/rooms/${enc(roomId)}/forget`);
      assert.equal(forgetJoined.status, 400);
      assert.equal((await post(carol, `/rooms/${enc(roomId)}/leave`, { reason: 'bye' })).status, 200);
      assert.equal(await membership(hs, roomId, carol.userId), 'leave');
      assert.equal((await post(carol, `/rooms/${enc(roomId)}/forget`)).status, 200);
      assert.equal(await hs.hs.storage.rooms.isForgotten(carol.userId, roomId), true);
      // Unknown alias / room.
      assert.equal((await post(carol, `/join/${enc('#nope:weft.test')}`)).status, 404);
      assert.equal((await post(carol, `/join/${enc('!nope:weft.test')}`)).status, 404);
      assert.equal((await post(carol, `/rooms/${enc('!nope:weft.test')}/leave`)).status, 404);
      // Leaving a room one was never in.
      const other = await createRoom(hs, alice);
      assert.equal((await post(carol, `/rooms/${enc(other)}/leave`)).status, 403);
    });

    it('kick, ban, unban need power; banned users cannot join', async () => {
      const roomId = await createRoom(hs, alice, { preset: 'public_chat' });
      await post(bob, `/join/${enc(roomId)}`);
      await post(carol, `/join/${enc(roomId)}`);
      // Bob (power 0) may not kick or ban.
      const kickNoPower = await post(bob, `/rooms/${enc(roomId)}/kick`, { user_id: carol.userId });
      assert.equal(kickNoPower.status, 403);
      assert.equal(kickNoPower.body.errcode, 'M_FORBIDDEN');
      assert.equal((await post(bob, `/rooms/${enc(roomId)}/ban`, { user_id: carol.userId })).status, 403);
      // Alice kicks Carol with a reason.
      assert.equal((await post(alice, `/rooms/${enc(roomId)}/kick`, { user_id: carol.userId, reason: 'spam' })).status, 200);
      const kicked = (await currentState(hs, roomId)).get(`m.room.member|${carol.userId}`)!;
      assert.deepEqual(kicked.content, { membership: 'leave', reason: 'spam' });
      assert.equal(kicked.sender, alice.userId);
      // Kicking someone not in the room.
      assert.equal((await post(alice, `/rooms/${enc(roomId)}/kick`, { user_id: carol.userId })).status, 403);
      // Ban, then Carol cannot join; unban, then she can.
      assert.equal((await post(alice, `/rooms/${enc(roomId)}/ban`, { user_id: carol.userId, reason: 'really' })).status, 200);
      assert.equal(await membership(hs, roomId, carol.userId), 'ban');
      assert.equal((await post(carol, `/join/${enc(roomId)}`)).status, 403);
      assert.equal((await post(bob, `/rooms/${enc(roomId)}/unban`, { user_id: carol.userId })).status, 403);
      assert.equal((await post(alice, `/rooms/${enc(roomId)}/unban`, { user_id: carol.userId })).status, 200);
      assert.equal(await membership(hs, roomId, carol.userId), 'leave');
      assert.equal((await post(alice, `/rooms/${enc(roomId)}/unban`, { user_id: carol.userId })).status, 403);
      assert.equal((await post(carol, `/join/${enc(roomId)}`)).status, 200);
      // Bad input.
      const missing = await post(alice, `/rooms/${enc(roomId)}/kick`, {});
      assert.equal(missing.status, 400);
      assert.equal(missing.body.errcode, 'M_MISSING_PARAM');
      const badUser = await post(alice, `/rooms/${enc(roomId)}/invite`, { user_id: 'bob' });
      assert.equal(badUser.status, 400);
    });

    it('also answers under r0', async () => {
      const res = await hs.request('POST', `${R0}/createRoom`, {}, alice.accessToken);
      assert.equal(res.status, 200);
      const joined = await hs.request('GET', `${R0}/joined_rooms`, undefined, alice.accessToken);
      assert.ok(joined.body.joined_rooms.includes(res.body.room_id));
    });

    it('profile changes are reflected into member events of joined rooms', async () => {
      const roomId = await createRoom(hs, alice);
      // Through the account service (what PUT /profile/{userId}/displayname calls), which runs the hooks.
      await hs.hs.accounts.setProfileField(alice.userId, 'displayname', 'Alice A.');
      await hs.hs.rooms.pipeline.flushed();
      const member = (await currentState(hs, roomId)).get(`m.room.member|${alice.userId}`)!;
      assert.equal(member.content.displayname, 'Alice A.');
      assert.equal(member.content.membership, 'join');
    });

    it('a deactivated user leaves every room (joined and invited)', async () => {
      const dave = await hs.register('dave');
      const joinedRoom = await createRoom(hs, alice, { preset: 'public_chat' });
      const invitedRoom = await createRoom(hs, alice, { invite: [dave.userId] });
      assert.equal((await post(dave, `/join/${enc(joinedRoom)}`)).status, 200);
      await hs.hs.accounts.deactivate(dave.userId);
      await hs.hs.rooms.pipeline.flushed();
      assert.equal(await membership(hs, joinedRoom, dave.userId), 'leave');
      assert.equal(await membership(hs, invitedRoom, dave.userId), 'leave');
    });
  });
}
