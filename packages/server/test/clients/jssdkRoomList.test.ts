// Real-client test, part 5: what Element's room list and composer rely on, through matrix-js-sdk
// 37.5.0 — names of unnamed rooms from the sync summary's heroes (lazy-loading client), rejected
// invites, typing that expires by itself, private read receipts, and the event size limit.
// Runs on SQLite, and on PostgreSQL when WEFT_TEST_POSTGRES is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as sdk from 'matrix-js-sdk';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { newClient, releaseJsSdkTimers, startAndWaitPrepared, summarize, waitFor, waitUntil, type Exchange } from './jsSdkHelpers.js';

for (const engine of engines()) {
  describe(`matrix-js-sdk room list and ephemeral on ${engine}`, () => {
    let hs: TestServer;
    const log: Exchange[] = [];
    const clients: sdk.MatrixClient[] = [];
    let alice: sdk.MatrixClient;
    let bob: sdk.MatrixClient; // lazy-loads members
    let aliceU: TestUser;
    let bobU: TestUser;
    let roomId: string;

    const fail = (msg: string) => `${msg}; failed requests so far:\n${summarize(log)}`;
    const until = (client: sdk.MatrixClient, check: () => boolean, what: string, timeoutMs?: number) =>
      waitUntil(client, check, what, timeoutMs).catch((e: Error) => assert.fail(fail(e.message)));

    before(async () => {
      hs = await startTestServer({ engine });
      aliceU = await hs.register('alice');
      bobU = await hs.register('bob');
      alice = newClient(hs.baseUrl, log, aliceU);
      bob = newClient(hs.baseUrl, log, bobU);
      clients.push(alice, bob);
      await startAndWaitPrepared(alice, log);
      await startAndWaitPrepared(bob, log, 10, 15_000, { lazyLoadMembers: true });
      await alice.setDisplayName('Alice Liddell');
    });

    after(async () => {
      if (process.env.WEFT_CLIENT_LOG) console.error(summarize(log));
      for (const c of clients) c.stopClient();
      releaseJsSdkTimers();
      await hs?.close();
    });

    it('an unnamed room is named after the other member (sync summary m.heroes, lazy-loaded members)', async () => {
      roomId = (await alice.createRoom({ invite: [bobU.userId], preset: sdk.Preset.PrivateChat })).room_id;
      await until(bob, () => bob.getRoom(roomId)?.getMyMembership() === 'invite', 'bob to see the invite');
      await bob.joinRoom(roomId);
      await until(bob, () => bob.getRoom(roomId)?.getMyMembership() === 'join', 'bob joined');
      await until(bob, () => bob.getRoom(roomId)?.name === 'Alice Liddell', `bob's room name to be alice's display name (is "${bob.getRoom(roomId)?.name}")`);
      await until(alice, () => alice.getRoom(roomId)?.name === 'bob', `alice's room name to be bob (is "${alice.getRoom(roomId)?.name}")`);
    });

    it('a rejected invite leaves the invitee\'s room list and the inviter sees the leave', async () => {
      const { room_id: other } = await alice.createRoom({ name: 'declined', invite: [bobU.userId] });
      await until(bob, () => bob.getRoom(other)?.getMyMembership() === 'invite', 'bob to see the invite');
      await bob.leave(other);
      await until(bob, () => bob.getRoom(other)?.getMyMembership() === 'leave', 'bob\'s invite to turn into a leave');
      await until(alice, () => alice.getRoom(other)?.getMember(bobU.userId)?.membership === 'leave', 'alice to see the rejection');
      assert.ok(!(await bob.getJoinedRooms()).joined_rooms.includes(other));
    });

    it('typing expires by itself after its timeout (client-server-api "Typing Notifications")', async () => {
      const started = waitFor(alice, sdk.RoomMemberEvent.Typing, (_e: sdk.MatrixEvent, m: sdk.RoomMember) => m.roomId === roomId && m.userId === bobU.userId && m.typing, 'alice to see bob typing');
      started.catch(() => {});
      const t0 = Date.now();
      await bob.sendTyping(roomId, true, 1000);
      await started;
      await until(alice, () => alice.getRoom(roomId)?.getMember(bobU.userId)?.typing === false, 'the typing notification to expire without an explicit stop', 8000);
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 900, `not before its timeout (${elapsed} ms)`);
    });

    it('a private read receipt (m.read.private) reaches only its sender', async () => {
      const { event_id: id } = await alice.sendTextMessage(roomId, 'read privately');
      await until(bob, () => !!bob.getRoom(roomId)?.findEventById(id), 'bob to receive the message');
      await bob.sendReadReceipt(bob.getRoom(roomId)!.findEventById(id)!, sdk.ReceiptType.ReadPrivate);
      await until(bob, () => bob.getRoom(roomId)!.getReadReceiptForUserId(bobU.userId, true, sdk.ReceiptType.ReadPrivate)?.eventId === id, 'bob\'s own sync to carry his private receipt');
      // Give alice's sync a chance to (wrongly) deliver it, then check it did not.
      const { event_id: marker } = await bob.sendTextMessage(roomId, 'marker');
      await until(alice, () => !!alice.getRoom(roomId)?.findEventById(marker), 'alice to receive the marker');
      await sleep(200);
      const raw = await hs.request('GET', '/_matrix/client/v3/sync?timeout=0', undefined, aliceU.accessToken);
      const ephemeral = JSON.stringify(raw.body.rooms?.join?.[roomId]?.ephemeral ?? {});
      assert.ok(!ephemeral.includes('m.read.private'), `alice's sync must not contain bob's private receipt: ${ephemeral}`);
      assert.notEqual(alice.getRoom(roomId)!.getReadReceiptForUserId(bobU.userId, true, sdk.ReceiptType.ReadPrivate)?.eventId, id);
    });

    it('an event over 65,536 bytes is refused with 413 M_TOO_LARGE (what the composer shows)', async () => {
      const err = await bob.sendTextMessage(roomId, 'x'.repeat(70_000)).then(
        () => assert.fail('sent'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof sdk.MatrixError, String(err));
      assert.equal(err.httpStatus, 413);
      assert.equal(err.errcode, 'M_TOO_LARGE');
    });
  });
}
