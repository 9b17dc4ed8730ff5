// Real-client test, part 3: direct messages and moderation through matrix-js-sdk 37.5.0 — a DM
// created with is_direct (Element's "Start chat"), power levels, custom state, kick, ban and unban,
// and errors surfacing as the MatrixError a client shows its user.
// Runs on SQLite, and on PostgreSQL when WEFT_TEST_POSTGRES is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as sdk from 'matrix-js-sdk';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { newClient, releaseJsSdkTimers, startAndWaitPrepared, summarize, waitUntil, type Exchange } from './jsSdkHelpers.js';

for (const engine of engines()) {
  describe(`matrix-js-sdk DMs and moderation on ${engine}`, () => {
    let hs: TestServer;
    const log: Exchange[] = [];
    const clients: sdk.MatrixClient[] = [];
    let alice: sdk.MatrixClient;
    let bob: sdk.MatrixClient;
    let carol: sdk.MatrixClient;
    let aliceU: TestUser;
    let bobU: TestUser;
    let carolU: TestUser;
    let groupId: string;

    const fail = (msg: string) => `${msg}; failed requests so far:\n${summarize(log)}`;
    const until = (client: sdk.MatrixClient, check: () => boolean, what: string) =>
      waitUntil(client, check, what).catch((e: Error) => assert.fail(fail(e.message)));
    const membership = (client: sdk.MatrixClient, roomId: string, userId: string) => client.getRoom(roomId)?.getMember(userId)?.membership;
    /** The MatrixError a rejected js-sdk call carries (what Element shows the user). */
    const rejection = async (p: Promise<unknown>): Promise<sdk.MatrixError> => {
      try {
        await p;
      } catch (err) {
        assert.ok(err instanceof sdk.MatrixError, `a MatrixError, got ${String(err)}`);
        return err;
      }
      assert.fail('the call succeeded; it must be refused');
    };

    before(async () => {
      hs = await startTestServer({ engine });
      [aliceU, bobU, carolU] = [await hs.register('alice'), await hs.register('bob'), await hs.register('carol')];
      [alice, bob, carol] = [aliceU, bobU, carolU].map((u) => {
        const c = newClient(hs.baseUrl, log, u);
        clients.push(c);
        return c;
      }) as [sdk.MatrixClient, sdk.MatrixClient, sdk.MatrixClient];
      for (const c of clients) await startAndWaitPrepared(c, log, 10);
    });

    after(async () => {
      if (process.env.WEFT_CLIENT_LOG) console.error(summarize(log));
      for (const c of clients) c.stopClient();
      releaseJsSdkTimers();
      await hs?.close();
    });

    it('a DM (is_direct invite, trusted_private_chat) is recognised as such by the invitee', async () => {
      const { room_id: dmId } = await alice.createRoom({ is_direct: true, invite: [bobU.userId], preset: sdk.Preset.TrustedPrivateChat });
      await until(bob, () => bob.getRoom(dmId)?.getMyMembership() === 'invite', 'bob to see the DM invite');
      const invite = bob.getRoom(dmId)!.currentState.getStateEvents('m.room.member', bobU.userId)!;
      assert.equal(invite.getContent().is_direct, true, 'the invite member event carries is_direct');
      assert.equal(bob.getRoom(dmId)!.getDMInviter(), aliceU.userId);
      await bob.joinRoom(dmId);
      await until(alice, () => membership(alice, dmId, bobU.userId) === 'join', 'alice to see bob join the DM');
      // trusted_private_chat: the invitee gets the creator's power level (client-server-api createRoom presets).
      assert.equal(alice.getRoom(dmId)!.getMember(bobU.userId)!.powerLevel, 100);
      await alice.setAccountData(sdk.EventType.Direct, { [bobU.userId]: [dmId] });
      await until(alice, () => JSON.stringify(alice.getAccountData(sdk.EventType.Direct)?.getContent()) === JSON.stringify({ [bobU.userId]: [dmId] }), 'm.direct in alice\'s sync');
    });

    it('power levels and custom state events reach the other members', async () => {
      groupId = (await alice.createRoom({ name: 'moderated', preset: sdk.Preset.PrivateChat, invite: [bobU.userId, carolU.userId] })).room_id;
      for (const c of [bob, carol]) {
        await until(c, () => c.getRoom(groupId)?.getMyMembership() === 'invite', `${c.getUserId()} to see the invite`);
        await c.joinRoom(groupId);
      }
      await until(alice, () => membership(alice, groupId, carolU.userId) === 'join' && membership(alice, groupId, bobU.userId) === 'join', 'both joined');

      await alice.setPowerLevel(groupId, bobU.userId, 50);
      await until(bob, () => bob.getRoom(groupId)?.getMember(bobU.userId)?.powerLevel === 50, 'bob to see his power level 50');
      await alice.sendStateEvent(groupId, 'org.weft.custom' as never, { answer: 42 } as never, 'k1');
      await until(carol, () => carol.getRoom(groupId)?.currentState.getStateEvents('org.weft.custom', 'k1')?.getContent().answer === 42, 'carol to see the custom state');
      // Carol (power 0) may not change the name (m.room.name needs 50 under private_chat).
      const err = await rejection(carol.setRoomName(groupId, 'hijacked'));
      assert.equal(err.httpStatus, 403);
      assert.equal(err.errcode, 'M_FORBIDDEN');
    });

    it('kick: the kicked member sees it with the reason and cannot rejoin an invite-only room', async () => {
      await bob.kick(groupId, carolU.userId, 'be nice');
      await until(carol, () => carol.getRoom(groupId)?.getMyMembership() === 'leave', 'carol to see her kick');
      const ev = carol.getRoom(groupId)!.currentState.getStateEvents('m.room.member', carolU.userId)!;
      assert.equal(ev.getSender(), bobU.userId);
      assert.equal(ev.getContent().reason, 'be nice');
      const err = await rejection(carol.joinRoom(groupId));
      assert.equal(err.httpStatus, 403);
      assert.equal(err.errcode, 'M_FORBIDDEN');
      const sendErr = await rejection(carol.sendTextMessage(groupId, 'still here?'));
      assert.equal(sendErr.errcode, 'M_FORBIDDEN');
    });

    it('ban and unban', async () => {
      await alice.ban(groupId, carolU.userId, 'spam');
      await until(bob, () => membership(bob, groupId, carolU.userId) === 'ban', 'bob to see the ban');
      assert.equal((await rejection(alice.invite(groupId, carolU.userId))).errcode, 'M_FORBIDDEN', 'a banned user cannot be invited');
      await alice.unban(groupId, carolU.userId);
      await until(bob, () => membership(bob, groupId, carolU.userId) === 'leave', 'bob to see the unban (leave)');
      await alice.invite(groupId, carolU.userId);
      await until(carol, () => carol.getRoom(groupId)?.getMyMembership() === 'invite', 'carol to see the new invite');
      await carol.joinRoom(groupId);
      await until(bob, () => membership(bob, groupId, carolU.userId) === 'join', 'bob to see carol back');
    });
  });
}
