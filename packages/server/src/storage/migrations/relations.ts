// Relations index (client-server-api "Event relationships"): one row per event
// whose content carries m.relates_to {rel_type, event_id}, written by the
// event persister in the same transaction as the event. Redacted children are
// left out at read time (events.redacted_by), so redactions need no write here.
import type { Migration } from '../migrate.js';
import { relationOf } from '../../relations/relationOf.js';

export const relations001: Migration = {
  id: 'relations-001',
  async up(db, ddl) {
    await db.schema
      .createTable('event_relations')
      .addColumn('event_nid', ddl.bigint, (c) => c.primaryKey())
      .addColumn('room_nid', ddl.bigint, (c) => c.notNull())
      .addColumn('relates_to_id', 'text', (c) => c.notNull())
      .addColumn('rel_type', 'text', (c) => c.notNull())
      .addColumn('stream_pos', ddl.bigint, (c) => c.notNull())
      .execute();
    // GET /relations/{eventId}: children of one parent in stream order.
    await db.schema.createIndex('event_relations_parent').on('event_relations').columns(['relates_to_id', 'stream_pos']).execute();
    // GET /threads: a room's m.thread children.
    await db.schema
      .createIndex('event_relations_room_type')
      .on('event_relations')
      .columns(['room_nid', 'rel_type', 'stream_pos'])
      .execute();

    // Backfill from events already stored (pages by event_nid; only events
    // whose JSON mentions m.relates_to are parsed).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const tx = db as any;
    let after = -1;
    for (;;) {
      const rows: { event_nid: number | string; room_nid: number | string; stream_pos: number | string; json: string }[] = await tx
        .selectFrom('events')
        .select(['event_nid', 'room_nid', 'stream_pos', 'json'])
        .where('event_nid', '>', after)
        .orderBy('event_nid')
        .limit(2000)
        .execute();
      if (rows.length === 0) break;
      after = Number(rows[rows.length - 1]!.event_nid);
      const out = [];
      for (const r of rows) {
        if (!r.json.includes('"m.relates_to"')) continue;
        const content = (JSON.parse(r.json) as { content?: Record<string, unknown> }).content;
        const rel = content && typeof content === 'object' ? relationOf(content) : undefined;
        if (!rel) continue;
        out.push({ event_nid: Number(r.event_nid), room_nid: Number(r.room_nid), relates_to_id: rel.relatesTo, rel_type: rel.relType, stream_pos: Number(r.stream_pos) });
      }
      for (let i = 0; i < out.length; i += 200) await tx.insertInto('event_relations').values(out.slice(i, i + 200)).execute();
    }
  },
};
