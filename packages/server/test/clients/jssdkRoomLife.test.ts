// Real-client test, part 2: what an Element user does in a room beyond chatting, through
// matrix-js-sdk 37.5.0 — directory and alias join, lazy-loaded members (/members), room name and
// topic changes, display-name changes reflected into member events, redaction, /event and /context
// (permalinks), account data, tags and read markers, presence, leave + forget, logout.
// Runs on SQLite, and on PostgreSQL when WEFT_TEST_POSTGRES is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as sdk from 'matrix-js-sdk';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { newClient, releaseJsSdkTimers, startAndWaitPrepared, summarize, waitUntil, type Exchange } from './jsSdkHelpers.js';

for (const engine of engines()) {
  describe(`matrix-js-sdk room life on ${engine}`, () => {
    let hs: TestServer;
    const log: Exchange[] = [];
    const clients: sdk.MatrixClient[] = [];
    let alice: sdk.MatrixClient;
    let bob: sdk.MatrixClient; // lazy-loads members, as Element does
    let aliceU: TestUser;
    let bobU: TestUser;
    let carolU: TestUser;
    let roomId: string;
    let alias: string;

    const fail = (msg: string) => `${msg}; failed requests so far:\n${summarize(log)}`;
    const until = (client: sdk.MatrixClient, check: () => boolean, what: string, timeoutMs?: number) =>
      waitUntil(client, check, what, timeoutMs).catch((e: Error) => assert.fail(fail(e.message)));
    const client = (u: TestUser, opts: Partial<sdk.ICreateClientOpts> = {}) => {
      const c = newClient(hs.baseUrl, log, u, opts);
      clients.push(c);
      return c;
    };

    before(async () => {
      hs = await startTestServer({ engine });
      aliceU = await hs.register('alice');
      bobU = await hs.register('bob');
      carolU = await hs.register('carol');
      alice = client(aliceU, { timelineSupport: true });
      bob = client(bobU, { timelineSupport: true });
      await startAndWaitPrepared(alice, log, 20);
      await startAndWaitPrepared(bob, log, 20, 15_000, { lazyLoadMembers: true });
    });

    after(async () => {
      if (process.env.WEFT_CLIENT_LOG) console.error(summarize(log));
      for (const c of clients) c.stopClient();
      releaseJsSdkTimers();
      await hs?.close();
    });

    it('a public room with an alias is listed in the directory and joined by alias', async () => {
      const created = await alice.createRoom({ name: 'Life', topic: 'first topic', room_alias_name: 'life', visibility: sdk.Visibility.Public, preset: sdk.Preset.PublicChat });
      roomId = created.room_id;
      alias = `#life:${hs.serverName}`;
      assert.equal((await bob.getRoomIdForAlias(alias)).room_id, roomId);
      const dir = await bob.publicRooms({ limit: 10 });
      const entry = dir.chunk.find((r) => r.room_id === roomId);
      assert.ok(entry, `the room is in /publicRooms: ${JSON.stringify(dir)}`);
      assert.equal(entry.name, 'Life');
      assert.equal(entry.topic, 'first topic');
      assert.equal(entry.canonical_alias, alias);
      assert.equal(entry.num_joined_members, 1);

      await bob.joinRoom(alias);
      await until(bob, () => bob.getRoom(roomId)?.getMyMembership() === 'join', 'bob in the room after joining by alias');
      await until(alice, () => alice.getRoom(roomId)?.getMember(bobU.userId)?.membership === 'join', 'alice to see bob join');
      assert.equal(bob.getRoom(roomId)!.name, 'Life');
    });

    it('a lazy-loading client loads the full member list through /members', async () => {
      const carol = await hs.request('POST', `/_matrix/client/v3/join/${encodeURIComponent(alias)}`, {}, carolU.accessToken);
      assert.equal(carol.status, 200, JSON.stringify(carol.body));
      await until(bob, () => bob.getRoom(roomId)?.getJoinedMemberCount() === 3, 'bob to count 3 joined members (room summary)');
      const room = bob.getRoom(roomId)!;
      await room.loadMembersIfNeeded();
      const joined = room.getJoinedMembers().map((m) => m.userId).sort();
      assert.deepEqual(joined, [aliceU.userId, bobU.userId, carolU.userId].sort());
    });

    it('room name and topic changes reach the other member', async () => {
      await alice.setRoomName(roomId, 'Life, renamed');
      await alice.setRoomTopic(roomId, 'second topic');
      await until(bob, () => bob.getRoom(roomId)?.name === 'Life, renamed', 'bob to see the new name');
      await until(bob, () => bob.getRoom(roomId)?.currentState.getStateEvents('m.room.topic', '')?.getContent().topic === 'second topic', 'bob to see the new topic');
    });

    it('a display-name change is reflected into the member event of every joined room', async () => {
      await bob.setDisplayName('Bobby');
      await until(alice, () => alice.getRoom(roomId)?.getMember(bobU.userId)?.name === 'Bobby', 'alice to see bob as "Bobby"');
      const member = alice.getRoom(roomId)!.currentState.getStateEvents('m.room.member', bobU.userId)!;
      assert.equal(member.getContent().membership, 'join');
      assert.equal(member.getContent().displayname, 'Bobby');
      assert.equal(member.getPrevContent().membership, 'join', 'prev_content: a profile change of a joined member, not a re-join');
    });

    it('a redaction strips the event at the other member', async () => {
      const { event_id: id } = await alice.sendTextMessage(roomId, 'oops, secret');
      await until(bob, () => !!bob.getRoom(roomId)?.findEventById(id), 'bob to receive the message');
      await alice.redactEvent(roomId, id);
      await until(bob, () => bob.getRoom(roomId)!.findEventById(id)!.isRedacted(), 'bob to see it redacted');
      assert.deepEqual(bob.getRoom(roomId)!.findEventById(id)!.getContent(), {});
      const fetched = await bob.fetchRoomEvent(roomId, id);
      assert.deepEqual(fetched.content, {}, '/event serves the redacted form');
      assert.ok((fetched.unsigned as { redacted_because?: unknown } | undefined)?.redacted_because, 'unsigned.redacted_because');
    });

    it('/event and /context: jumping to an old event (a permalink) and paginating around it', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) ids.push((await alice.sendTextMessage(roomId, `ctx ${i}`)).event_id);
      const target = ids[10]!;
      const ev = await bob.fetchRoomEvent(roomId, target);
      assert.equal(ev.event_id, target);
      assert.equal((ev.content as { body?: string }).body, 'ctx 10');

      const fresh = client(carolU, { timelineSupport: true });
      await startAndWaitPrepared(fresh, log, 3);
      const room = fresh.getRoom(roomId)!;
      const timeline = await fresh.getEventTimeline(room.getUnfilteredTimelineSet(), target);
      assert.ok(timeline, 'a timeline around the event (GET /context)');
      const window = new sdk.TimelineWindow(fresh, room.getUnfilteredTimelineSet(), { windowLimit: 100 });
      await window.load(target, 5);
      while (window.canPaginate(sdk.EventTimeline.FORWARDS)) if (!(await window.paginate(sdk.EventTimeline.FORWARDS, 7))) break;
      for (let guard = 0; guard < 5 && window.canPaginate(sdk.EventTimeline.BACKWARDS); guard++) await window.paginate(sdk.EventTimeline.BACKWARDS, 4);
      const bodies = window.getEvents().map((e) => e.getContent().body).filter((b): b is string => typeof b === 'string' && b.startsWith('ctx '));
      const first = Number(bodies[0]!.slice(4));
      assert.ok(first <= 10, `window reaches back past the target (starts at ${first})`);
      assert.deepEqual(bodies, Array.from({ length: 30 - first }, (_, i) => `ctx ${first + i}`), 'contiguous, ordered, no duplicates');
    });

    it('account data, room tags and read markers round-trip through sync', async () => {
      await alice.setAccountData('org.weft.test' as never, { hello: 'world' } as never);
      await until(alice, () => alice.getAccountData('org.weft.test' as never)?.getContent().hello === 'world', 'global account data in sync');
      await alice.setRoomTag(roomId, 'm.favourite', { order: 0.25 });
      await until(alice, () => alice.getRoom(roomId)?.tags['m.favourite']?.order === 0.25, 'the m.favourite tag in sync');
      const last = alice.getRoom(roomId)!.getLiveTimeline().getEvents().at(-1)!;
      await alice.setRoomReadMarkers(roomId, last.getId()!);
      await until(alice, () => alice.getRoom(roomId)?.getAccountData('m.fully_read')?.getContent().event_id === last.getId(), 'm.fully_read room account data in sync');
    });

    it('presence set by one member is seen by the other', async () => {
      await alice.setPresence({ presence: 'online', status_msg: 'testing weft' });
      await until(bob, () => bob.getUser(aliceU.userId)?.presence === 'online' && bob.getUser(aliceU.userId)?.presenceStatusMsg === 'testing weft', 'bob to see alice online with her status');
    });

    it('a client that was offline catches up: limited incremental sync, then backfill without gaps', async () => {
      const last = bob.getRoom(roomId)!.getLiveTimeline().getEvents().at(-1)!.getId()!;
      const token = bob.store.getSyncToken();
      assert.ok(token, 'bob has a sync token to resume from');
      bob.stopClient();
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) ids.push((await alice.sendTextMessage(roomId, `gap ${i}`)).event_id);
      // Restart the same client: its memory store resumes /sync from `since`.
      await bob.startClient({ initialSyncLimit: 20, lazyLoadMembers: true });
      await until(bob, () => !!bob.getRoom(roomId)?.findEventById(ids.at(-1)!), 'bob to receive the newest message after resuming');
      const room = bob.getRoom(roomId)!;
      // With timelineSupport the js-sdk keeps the pre-gap events in an older timeline and links it to
      // the live one when backfill reaches them; walk that chain (oldest first).
      const chain = () => {
        const out: sdk.EventTimeline[] = [];
        for (let t: sdk.EventTimeline | null = room.getLiveTimeline(); t; t = t.getNeighbouringTimeline(sdk.EventTimeline.BACKWARDS)) out.unshift(t);
        return out.flatMap((t) => t.getEvents());
      };
      let pages = 0;
      for (; pages < 20 && !chain().some((e) => e.getId() === last); pages++) {
        if (room.getLiveTimeline().getPaginationToken(sdk.EventTimeline.BACKWARDS) === null) break;
        await bob.paginateEventTimeline(room.getLiveTimeline(), { backwards: true, limit: 15 });
      }
      assert.ok(pages > 0, 'the resumed sync was limited (40 messages > the timeline limit), so backfill was needed');
      const events = chain();
      assert.ok(events.some((e) => e.getId() === last), 'backfill reached the last event seen before going offline');
      const bodies = events.map((e) => e.getContent().body).filter((b): b is string => typeof b === 'string' && b.startsWith('gap '));
      assert.deepEqual(bodies, ids.map((_, i) => `gap ${i}`), 'every missed message once, in order');
      const seen = events.map((e) => e.getId());
      assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    });

    it('media, search and the user directory through the SDK: uploadContent, an image message, an authenticated download, searchRoomEvents, searchUserDirectory', async () => {
      const bytes = Buffer.from('not really a png, but bytes all the same');
      const { content_uri: mxc } = await alice.uploadContent(bytes, { name: 'cake.png', type: 'image/png' });
      assert.match(mxc, /^mxc:\/\//);
      const { event_id: imageId } = await alice.sendMessage(roomId, { msgtype: sdk.MsgType.Image, body: 'cake.png', url: mxc } as never);
      await until(bob, () => bob.getRoom(roomId)?.findEventById(imageId) !== undefined, 'bob receives the image message');
      const url = bob.mxcUrlToHttp(bob.getRoom(roomId)!.findEventById(imageId)!.getContent().url, undefined, undefined, undefined, false, true, true);
      assert.ok(url?.includes('/_matrix/client/v1/media/download/'), String(url));
      const res = await fetch(url!, { headers: { authorization: `Bearer ${bob.getAccessToken()}` } });
      assert.equal(res.status, 200);
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);

      await alice.sendTextMessage(roomId, 'a searchable sentence about marmalade');
      const results = await bob.searchRoomEvents({ term: 'marmalade' });
      assert.deepEqual(results.results.map((r) => r.context.getEvent().getContent().body), ['a searchable sentence about marmalade']);

      const found = await bob.searchUserDirectory({ term: 'alice' });
      assert.ok(found.results.some((u) => u.user_id === aliceU.userId), JSON.stringify(found));
    });

    it('leave and forget', async () => {
      await bob.leave(roomId);
      await until(alice, () => alice.getRoom(roomId)?.getMember(bobU.userId)?.membership === 'leave', 'alice to see bob leave');
      await until(bob, () => bob.getRoom(roomId)?.getMyMembership() === 'leave', 'bob to sync his own leave');
      await bob.forget(roomId);
      const joined = await bob.getJoinedRooms();
      assert.ok(!joined.joined_rooms.includes(roomId));
    });

    it('logout invalidates the access token', async () => {
      bob.stopClient();
      await bob.logout();
      const who = await hs.request('GET', '/_matrix/client/v3/account/whoami', undefined, bobU.accessToken);
      assert.equal(who.status, 401);
      assert.equal(who.body.errcode, 'M_UNKNOWN_TOKEN');
    });
  });
}
