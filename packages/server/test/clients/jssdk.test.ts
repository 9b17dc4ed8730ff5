// Real-client test: two matrix-js-sdk 37.5.0 clients use a Weft server the way Element does
// (register with UIA, log in, sync, create a room, invite, join, talk, type, read, page back), plus
// the seeds' original API (`/_matrix/client/api/v1/.../send/{type}?access_token=`) delivering an
// arbitrary event type unchanged. Runs on SQLite, and on PostgreSQL when WEFT_TEST_POSTGRES is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as sdk from 'matrix-js-sdk';
import { engines, startTestServer, type TestServer } from '../harness.js';
import { newClient, registerWithDummyAuth, releaseJsSdkTimers, startAndWaitPrepared, summarize, waitFor, waitUntil, type Exchange } from './jsSdkHelpers.js';

type MessagesPage = Awaited<ReturnType<sdk.MatrixClient['createMessagesRequest']>>;

const PASSWORD = 'js-sdk correct horse';
const HISTORY = 60; // ≥ 50 earlier messages to page back through

for (const engine of engines()) {
  describe(`matrix-js-sdk on ${engine}`, () => {
    let hs: TestServer;
    const log: Exchange[] = [];
    const clients: sdk.MatrixClient[] = [];
    let alice: sdk.MatrixClient;
    let bob: sdk.MatrixClient;
    let aliceId: string;
    let bobId: string;
    let aliceToken: string;
    let roomId: string;

    const fail = (msg: string) => `${msg}; failed requests so far:\n${summarize(log)}`;

    /** Logs in (a new device) through the js-sdk's loginRequest and returns a syncing-capable client. */
    const loginClient = async (localpart: string, deviceId?: string): Promise<sdk.MatrixClient> => {
      const anon = newClient(hs.baseUrl, log);
      const res = await anon.loginRequest({
        type: 'm.login.password',
        identifier: { type: 'm.id.user', user: localpart },
        password: PASSWORD,
        ...(deviceId ? { device_id: deviceId } : {}),
        initial_device_display_name: `js-sdk ${localpart}`,
      });
      assert.ok(res.access_token && res.device_id && res.user_id, 'login returned credentials');
      const c = newClient(hs.baseUrl, log, { userId: res.user_id, accessToken: res.access_token, deviceId: res.device_id });
      clients.push(c);
      return c;
    };

    before(async () => {
      hs = await startTestServer({ engine });
    });

    after(async () => {
      if (process.env.WEFT_CLIENT_LOG) console.error(summarize(log));
      for (const c of clients) c.stopClient();
      releaseJsSdkTimers();
      await hs?.close();
    });

    it('registers two users through UIA (m.login.dummy) and logs them in with passwords', async () => {
      const anon = newClient(hs.baseUrl, log);
      const a = await registerWithDummyAuth(anon, 'alice', PASSWORD);
      const b = await registerWithDummyAuth(anon, 'bob', PASSWORD);
      assert.equal(a.user_id, `@alice:${hs.serverName}`);
      assert.equal(b.user_id, `@bob:${hs.serverName}`);
      assert.ok(a.access_token, 'registration returned an access token');
      aliceId = a.user_id;
      bobId = b.user_id;
      alice = await loginClient('alice');
      bob = await loginClient('bob');
      aliceToken = alice.getAccessToken()!;
      const who = await alice.whoami();
      assert.equal(who.user_id, aliceId);
    });

    it('GET /pushrules/ answers (the js-sdk and Element fetch it before their first /sync, retrying forever)', async () => {
      const res = await hs.request('GET', '/_matrix/client/v3/pushrules/', undefined, aliceToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body.global?.override, 'the default rule set (client-server-api "Predefined Rules")');
    });

    it('both clients complete their initial sync', async () => {
      await startAndWaitPrepared(alice, log, 20);
      await startAndWaitPrepared(bob, log, 20);
      assert.equal(alice.getSyncState() === sdk.SyncState.Error, false);
      assert.ok(alice.pushRules?.global.override?.some((r) => r.rule_id === '.m.rule.master'), 'the client loaded the push rules');
    });

    it('alice creates a room and invites bob; bob sees the invite through sync and joins', async () => {
      const created = await alice.createRoom({ name: 'js-sdk room', preset: sdk.Preset.PrivateChat });
      roomId = created.room_id;
      assert.match(roomId, /^!.+:weft\.test$/);

      await alice.invite(roomId, bobId);
      await waitUntil(bob, () => bob.getRoom(roomId)?.getMyMembership() === 'invite', 'bob to see the invite').catch((e: Error) => assert.fail(fail(e.message)));
      const inviteRoom = bob.getRoom(roomId)!;
      assert.equal(inviteRoom.getMyMembership(), 'invite');
      // Stripped state (client-server-api "m.room.member" invite_room_state) names the room.
      assert.equal(inviteRoom.name, 'js-sdk room', 'the invite carries the room name in stripped state');
      assert.equal(inviteRoom.currentState.getMember(bobId)?.events.member?.getSender(), aliceId, 'bob knows who invited him');

      await bob.joinRoom(roomId);
      await Promise.all([
        waitUntil(alice, () => alice.getRoom(roomId)?.getMember(bobId)?.membership === 'join', 'alice to see bob join'),
        waitUntil(bob, () => bob.getRoom(roomId)?.getMyMembership() === 'join', 'bob to sync his own join'),
      ]).catch((e: Error) => assert.fail(fail(e.message)));
      assert.deepEqual(bob.getRoom(roomId)!.getJoinedMembers().map((m) => m.userId).sort(), [aliceId, bobId].sort());
      assert.equal(bob.getRoom(roomId)!.name, 'js-sdk room');
    });

    it('messages go both ways through sync, each exactly once (local echo replaced, not duplicated)', async () => {
      const seen = (client: sdk.MatrixClient, eventId: string) =>
        waitUntil(client, () => client.getRoom(roomId)?.findEventById(eventId)?.status === null, `${eventId} to reach ${client.getUserId()} through sync`).catch((e: Error) => assert.fail(fail(e.message)));

      const { event_id: e1 } = await alice.sendTextMessage(roomId, 'hello bob');
      await seen(bob, e1);
      const { event_id: e2 } = await bob.sendTextMessage(roomId, 'hello alice');
      await seen(alice, e2);
      await seen(alice, e1); // the sender's own event, confirmed by sync
      await seen(bob, e2);

      for (const [client, id, sender] of [[bob, e1, aliceId], [alice, e2, bobId]] as const) {
        const ev = client.getRoom(roomId)!.findEventById(id);
        assert.ok(ev, `${client.getUserId()} has ${id}`);
        assert.equal(ev.getSender(), sender);
        assert.equal(ev.getType(), 'm.room.message');
        assert.deepEqual(ev.getContent(), { msgtype: 'm.text', body: ev.getContent().body });
      }
      // The sender's own timeline: the synced event replaced the local echo (matched through
      // unsigned.transaction_id, client-server-api "Local echo"), so it appears once.
      const aliceTimeline = alice.getRoom(roomId)!.getLiveTimeline().getEvents();
      assert.equal(aliceTimeline.filter((ev) => ev.getContent().body === 'hello bob').length, 1);
      assert.ok(aliceTimeline.every((ev) => ev.status === null), 'no event left pending or unsent');
    });

    it('typing notifications reach the other member (RoomMember.typing)', async () => {
      const started = waitFor(alice, sdk.RoomMemberEvent.Typing, (_e: sdk.MatrixEvent, m: sdk.RoomMember) => m.roomId === roomId && m.userId === bobId && m.typing, 'alice to see bob typing');
      started.catch(() => {}); // awaited below; do not let a failed send leave it unhandled
      await bob.sendTyping(roomId, true, 20_000);
      await started.catch((e: Error) => assert.fail(fail(e.message)));
      const stopped = waitFor(alice, sdk.RoomMemberEvent.Typing, (_e: sdk.MatrixEvent, m: sdk.RoomMember) => m.roomId === roomId && m.userId === bobId && !m.typing, 'alice to see bob stop typing');
      stopped.catch(() => {});
      await bob.sendTyping(roomId, false, 0);
      await stopped.catch((e: Error) => assert.fail(fail(e.message)));
    });

    it('read receipts reach the other member', async () => {
      const { event_id: eventId } = await alice.sendTextMessage(roomId, 'read me');
      await waitUntil(bob, () => !!bob.getRoom(roomId)?.findEventById(eventId), 'bob to receive "read me"').catch((e: Error) => assert.fail(fail(e.message)));
      const event = bob.getRoom(roomId)!.findEventById(eventId)!;
      const aliceSees = waitFor(
        alice,
        sdk.RoomEvent.Receipt,
        (ev: sdk.MatrixEvent, room: sdk.Room) => room.roomId === roomId && JSON.stringify(ev.getContent()).includes(bobId),
        'alice to see bob\'s receipt',
      );
      aliceSees.catch(() => {});
      await bob.sendReadReceipt(event);
      await aliceSees.catch((e: Error) => assert.fail(fail(e.message)));
      const room = alice.getRoom(roomId)!;
      assert.equal(room.getEventReadUpTo(bobId), eventId);
      const receipts = room.getReceiptsForEvent(room.findEventById(eventId)!);
      assert.ok(receipts.some((r) => r.userId === bobId && r.type === sdk.ReceiptType.Read), JSON.stringify(receipts));
    });

    it('unread notification counts rise with messages and clear after a read receipt', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await alice.sendTextMessage(roomId, `unread ${i}`)).event_id);
      const room = bob.getRoom(roomId)!;
      await waitUntil(bob, () => !!room.findEventById(ids[2]!) && room.getUnreadNotificationCount(sdk.NotificationCountType.Total) === 3, 'bob to count 3 unread (sync unread_notifications)')
        .catch((e: Error) => assert.fail(fail(`${e.message}; count is ${room.getUnreadNotificationCount(sdk.NotificationCountType.Total)}`)));
      await bob.sendReadReceipt(room.findEventById(ids[2]!)!);
      // Raw /sync so the js-sdk's own local-echo bookkeeping cannot hide what the server says.
      const raw = await hs.request('GET', '/_matrix/client/v3/sync?timeout=0', undefined, bob.getAccessToken()!);
      assert.equal(raw.status, 200);
      assert.equal(raw.body.rooms.join[roomId].unread_notifications?.notification_count, 0, JSON.stringify(raw.body.rooms.join[roomId].unread_notifications));
    });

    it('the seeds\' api/v1 send delivers org.matrix.midi unchanged to the other client', async () => {
      const midi = { note: '71', velocity: 68, state: 'on', channel: 1, midi_ts: 374023441 };
      let eventId = '';
      const delivered = new Promise<sdk.MatrixEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(fail('timed out waiting for the midi event at bob'))), 10_000);
        const on = (ev: sdk.MatrixEvent) => {
          if (ev.getType() !== 'org.matrix.midi' || ev.getRoomId() !== roomId) return;
          clearTimeout(timer);
          bob.off(sdk.RoomEvent.Timeline, on);
          resolve(ev);
        };
        bob.on(sdk.RoomEvent.Timeline, on);
      });
      const res = await fetch(`${hs.baseUrl}/_matrix/client/api/v1/rooms/${encodeURIComponent(roomId)}/send/org.matrix.midi?access_token=${aliceToken}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(midi),
      });
      const body = (await res.json()) as { event_id?: string };
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.match(body.event_id ?? '', /^\$/);
      eventId = body.event_id!;
      const ev = await delivered;
      assert.equal(ev.getId(), eventId);
      assert.equal(ev.getSender(), aliceId);
      assert.deepEqual(ev.getContent(), midi);
    });

    it(`a fresh client pages back through ${HISTORY} earlier messages without gaps or duplicates`, async () => {
      let lastId = '';
      for (let i = 0; i < HISTORY; i++) lastId = (await alice.sendTextMessage(roomId, `history ${i}`)).event_id;
      await waitUntil(bob, () => !!bob.getRoom(roomId)?.findEventById(lastId), 'bob to receive the last history message', 30_000).catch((e: Error) => assert.fail(fail(e.message)));

      // A new device of bob's starts with a short initial timeline and scrolls back (GET /messages
      // from the sync's prev_batch, then from each `end`) until it reaches the room's creation.
      const fresh = await loginClient('bob');
      await startAndWaitPrepared(fresh, log, 5);
      const room = fresh.getRoom(roomId);
      assert.ok(room, 'the fresh client knows the room');
      assert.ok(room.getLiveTimeline().getEvents().length <= 5 + 2, 'initial timeline was limited');
      for (let guard = 0; guard < 50; guard++) {
        const events = room.getLiveTimeline().getEvents();
        if (events[0]?.getType() === 'm.room.create') break;
        if (room.oldState.paginationToken === null) break;
        await fresh.scrollback(room, 20);
      }
      const events = room.getLiveTimeline().getEvents();
      assert.equal(events[0]?.getType(), 'm.room.create', fail('scrollback reached the m.room.create event'));
      const ids = events.map((e) => e.getId());
      assert.equal(new Set(ids).size, ids.length, 'no duplicate events in the scrolled-back timeline');
      const bodies = events.map((e) => e.getContent().body).filter((b): b is string => typeof b === 'string' && b.startsWith('history '));
      assert.deepEqual(bodies, Array.from({ length: HISTORY }, (_, i) => `history ${i}`), 'history in order with no gaps');
      const types = events.map((e) => e.getType());
      for (const t of ['m.room.create', 'm.room.member', 'm.room.power_levels', 'm.room.join_rules', 'm.room.name', 'org.matrix.midi']) {
        assert.ok(types.includes(t), `timeline has ${t}`);
      }
      // Stream order: origin_server_ts never goes backwards in a single-server room.
      for (let i = 1; i < events.length; i++) assert.ok(events[i]!.getTs() >= events[i - 1]!.getTs(), 'timeline in order');

      // The same history through raw createMessagesRequest pages of 7, backwards from the sync token,
      // must equal the scrolled-back timeline; then paging forwards from a middle `end` replays the
      // later part in order.
      const from = fresh.store.getSyncToken();
      assert.ok(from, 'the fresh client has a sync token');
      const seenIds: string[] = [];
      const ends: string[] = [];
      let token: string | null = from;
      for (let guard = 0; guard < 100 && token; guard++) {
        const page: MessagesPage = await fresh.createMessagesRequest(roomId, token, 7, sdk.Direction.Backward);
        assert.ok(page.chunk.length <= 7, 'limit respected');
        for (const e of page.chunk) seenIds.push(e.event_id);
        if (page.chunk.length === 0 || !page.end) break;
        ends.push(page.end);
        token = page.end;
      }
      assert.equal(new Set(seenIds).size, seenIds.length, 'no duplicates across /messages pages');
      assert.deepEqual([...seenIds].reverse(), ids, '/messages backwards = the scrolled-back timeline, reversed');

      const mid = ends[Math.floor(ends.length / 2)]!;
      const forwardIds: string[] = [];
      token = mid;
      for (let guard = 0; guard < 100 && token; guard++) {
        const page: MessagesPage = await fresh.createMessagesRequest(roomId, token, 9, sdk.Direction.Forward);
        for (const e of page.chunk) forwardIds.push(e.event_id);
        if (page.chunk.length === 0 || !page.end) break;
        token = page.end;
      }
      const midIndex = ids.length - (Math.floor(ends.length / 2) + 1) * 7;
      assert.deepEqual(forwardIds, ids.slice(midIndex), 'forward pagination from a backward `end` replays the rest in order');
    });
  });
}
