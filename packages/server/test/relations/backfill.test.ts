// Migration relations-001 backfills event_relations from events already stored
// (a database that predates the index): white-box, re-running the migration on
// a server whose index was dropped.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { engines, startTestServer, type TestServer, type TestUser } from '../harness.js';
import { createRoom, send } from '../events/helpers.js';
import { relations001 } from '../../src/storage/migrations/relations.js';
import { ddlHelpers } from '../../src/storage/dialect.js';

for (const engine of engines()) {
  describe(`relations-001 backfill (${engine})`, () => {
    let hs: TestServer;
    let alice: TestUser;
    before(async () => {
      hs = await startTestServer({ engine });
      alice = await hs.register('alice');
    });
    after(() => hs.close());

    it('indexes stored events that declare m.relates_to, and only those', async () => {
      const roomId = await createRoom(hs, alice);
      const root = await send(hs, alice, roomId, 'root');
      const reaction = await send(hs, alice, roomId, { 'm.relates_to': { rel_type: 'm.annotation', event_id: root, key: 'x' } }, 'm.reaction');
      await send(hs, alice, roomId, { msgtype: 'm.text', body: 'reply', 'm.relates_to': { 'm.in_reply_to': { event_id: root } } });
      await send(hs, alice, roomId, { msgtype: 'm.text', body: 'bad', 'm.relates_to': { rel_type: 5, event_id: root } });
      const database = hs.hs.storage.database;
      await sql`drop table event_relations`.execute(database.db);
      await database.transaction((tx) => relations001.up(tx, ddlHelpers(database.engine)));
      const rows = await sql<{ relates_to_id: string; rel_type: string }>`select relates_to_id, rel_type from event_relations`.execute(database.db);
      assert.deepEqual(rows.rows.map((r) => [r.relates_to_id, r.rel_type]), [[root, 'm.annotation']]);
      const res = await hs.request('GET', `/_matrix/client/v1/rooms/${encodeURIComponent(roomId)}/relations/${encodeURIComponent(root)}`, undefined, alice.accessToken);
      assert.deepEqual(res.body.chunk.map((e: { event_id: string }) => e.event_id), [reaction]);
    });
  });
}
