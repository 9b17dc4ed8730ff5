// POST /search (search.yaml): room events by words, rank and recent order,
// paging, keys, filters, context with profiles, state, visibility, redactions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, membershipAction, roomPath, send, setState } from '../events/helpers.js';

const V3 = '/_matrix/client/v3';
type Result = { rank: number; result: { event_id: string; type: string; room_id: string; content: Record<string, any> }; context?: Record<string, any> };

for (const engine of engines()) {
  describe(`search (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    let bob: TestUser;
    let roomId: string;
    let love: string;
    let lie: string;
    const search = async (roomEvents: Record<string, unknown>, who: TestUser = alice, nextBatch?: string) => {
      const qs = nextBatch ? `?next_batch=${encodeURIComponent(nextBatch)}` : '';
      const res = await hs.request('POST', `${V3}/search${qs}`, { search_categories: { room_events: roomEvents } }, who.accessToken);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.search_categories.room_events as { count: number; highlights: string[]; results: Result[]; next_batch?: string; state?: Record<string, unknown[]> };
    };
    const ids = (r: { results: Result[] }) => r.results.map((x) => x.result.event_id);

    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
      bob = await hs.register('bob');
      await hs.request('PUT', `${V3}/profile/${encodeURIComponent(alice.userId)}/displayname`, { displayname: 'Alice A' }, alice.accessToken);
      roomId = await createRoom(hs, alice, { preset: 'private_chat', name: 'Cakes', topic: 'Baking club' });
      await membershipAction(hs, alice, roomId, 'invite', { user_id: bob.userId });
      await membershipAction(hs, bob, roomId, 'join');
      love = await send(hs, alice, roomId, 'I love chocolate cake');
      await send(hs, bob, roomId, 'nothing to see');
      lie = await send(hs, bob, roomId, 'The cake is a lie');
      // A room alice is not in.
      const secret = await createRoom(hs, bob, { preset: 'private_chat' });
      await send(hs, bob, secret, 'secret cake recipe');
    });
    after(() => hs.close());

    it('finds messages (and the room name) by word prefix in the rooms the user is in; count and highlights', async () => {
      const r = await search({ search_term: 'CAKE' });
      assert.deepEqual(new Set(r.results.map((x) => x.result.content.body ?? x.result.content.name)), new Set(['I love chocolate cake', 'The cake is a lie', 'Cakes']));
      assert.equal(r.count, 3);
      assert.deepEqual(r.highlights, ['cake']);
      assert.ok(r.results.every((x) => x.result.room_id === roomId && typeof x.rank === 'number'));
      // Every word must match.
      assert.deepEqual(ids(await search({ search_term: 'chocolate cake' })), [love]);
      assert.deepEqual(ids(await search({ search_term: 'chocolate lie' })), []);
      // Syntax of the index's query language is just text.
      assert.deepEqual(ids(await search({ search_term: '"lie" (cake* NEAR' })), []);
      assert.deepEqual(ids(await search({ search_term: '"lie" (cake*' })), [lie]);
    });

    it('order_by recent pages newest first with next_batch; keys narrow the fields', async () => {
      const first = await search({ search_term: 'cake', order_by: 'recent', keys: ['content.body'], filter: { limit: 1 } });
      assert.deepEqual(ids(first), [lie]);
      assert.ok(first.next_batch);
      const second = await search({ search_term: 'cake', order_by: 'recent', keys: ['content.body'], filter: { limit: 1 } }, alice, first.next_batch);
      assert.deepEqual(ids(second), [love]);
      const topic = await search({ search_term: 'baking', keys: ['content.topic'] });
      assert.deepEqual(topic.results.map((x) => x.result.type), ['m.room.topic']);
      assert.deepEqual(ids(await search({ search_term: 'baking', keys: ['content.body'] })), []);
    });

    it('filters by sender and room; a message sent just before is found; redacted ones are not', async () => {
      assert.deepEqual(ids(await search({ search_term: 'cake', keys: ['content.body'], filter: { senders: [bob.userId] } })), [lie]);
      assert.deepEqual(ids(await search({ search_term: 'cake', filter: { rooms: ['!elsewhere:x'] } })), []);
      const fresh = await send(hs, alice, roomId, 'fresh pancakes and cake');
      assert.ok(ids(await search({ search_term: 'pancakes' })).includes(fresh));
      const red = await hs.request('PUT', roomPath(roomId, `/redact/${encodeURIComponent(fresh)}/r1`), {}, alice.accessToken);
      assert.equal(red.status, 200);
      assert.deepEqual(ids(await search({ search_term: 'pancakes' })), []);
      // The redaction also took the text out of the index (not only out of the results).
      const { engine: eng, db } = hs.hs.storage.database;
      const key = eng === 'sqlite' ? sql.raw('rowid') : sql.raw('event_nid');
      const left = await sql<{ n: number }>`select count(*) as n from event_search where ${key} in (select event_nid from events where event_id = ${fresh})`.execute(db);
      assert.equal(Number(left.rows[0]!.n), 0);
    });

    it('event_context with profiles, and include_state', async () => {
      const r = await search({ search_term: 'chocolate', event_context: { before_limit: 1, after_limit: 1, include_profile: true }, include_state: true });
      assert.equal(r.results.length, 1);
      const ctx = r.results[0]!.context!;
      assert.equal(ctx.events_after[0].content.body, 'nothing to see');
      assert.equal(ctx.events_before.length, 1);
      assert.equal(typeof ctx.start, 'string');
      assert.equal(typeof ctx.end, 'string');
      assert.equal(ctx.profile_info[alice.userId].displayname, 'Alice A');
      assert.ok(r.state![roomId]!.some((e: any) => e.type === 'm.room.create'));
    });

    it('history visibility: a user who joined later does not find what was said before (joined visibility)', async () => {
      const carol = await hs.register('carol');
      await setState(hs, alice, roomId, 'm.room.history_visibility', { history_visibility: 'joined' });
      const before = await send(hs, alice, roomId, 'quiche before carol');
      await membershipAction(hs, alice, roomId, 'invite', { user_id: carol.userId });
      await membershipAction(hs, carol, roomId, 'join');
      const afterId = await send(hs, alice, roomId, 'quiche after carol');
      assert.deepEqual(ids(await search({ search_term: 'quiche', order_by: 'recent' }, carol)), [afterId]);
      assert.deepEqual(ids(await search({ search_term: 'quiche', order_by: 'recent' })), [afterId, before]);
    });

    it('bad requests → 400; no room_events category → empty', async () => {
      const post = (body: unknown, qs = '') => hs.request('POST', `${V3}/search${qs}`, body, alice.accessToken);
      assert.equal((await post({})).body.errcode, 'M_MISSING_PARAM');
      assert.equal((await post({ search_categories: { room_events: {} } })).body.errcode, 'M_MISSING_PARAM');
      assert.equal((await post({ search_categories: { room_events: { search_term: 'x', order_by: 'size' } } })).status, 400);
      assert.equal((await post({ search_categories: { room_events: { search_term: 'x', keys: ['content.url'] } } })).status, 400);
      assert.equal((await post({ search_categories: { room_events: { search_term: 'x' } } }, '?next_batch=zz')).status, 400);
      const empty = await post({ search_categories: {} });
      assert.equal(empty.status, 200);
      assert.deepEqual(empty.body, { search_categories: {} });
    });
  });
}
