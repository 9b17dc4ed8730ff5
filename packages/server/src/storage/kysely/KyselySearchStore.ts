// SearchStore over Kysely: FTS5 on SQLite, tsvector/GIN on PostgreSQL — the one
// store whose queries differ by engine (full-text search is not portable SQL).
import { sql, type Kysely } from 'kysely';
import type { Engine, SqlDb } from '../Database.js';
import type { SearchDoc, SearchHit, SearchQuery, SearchStore } from '../ports/search.js';

const SEARCHABLE_TYPES = ['m.room.message', 'm.room.name', 'm.room.topic'];
/** Read with them: a redaction takes its target's text out of the index. */
const INDEXER_TYPES = [...SEARCHABLE_TYPES, 'm.room.redaction'];
/** Documents per INSERT (4 parameters each: far below both engines' limits). */
const INSERT_CHUNK = 200;

export class KyselySearchStore implements SearchStore {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private readonly db: Kysely<any>;
  constructor(db: SqlDb, private readonly engine: Engine) {
    this.db = db;
  }

  async indexedThrough(): Promise<number> {
    const row = await this.db.selectFrom('search_progress').select('indexed_through').where('id', '=', 1).executeTakeFirst();
    return Number(row?.indexed_through ?? 0);
  }

  async unindexed(after: number, upto: number, limit: number) {
    const rows = await this.db
      .selectFrom('events')
      .select(['event_nid', 'room_nid', 'stream_pos', 'type', 'json'])
      .where('stream_pos', '>', after)
      .where('stream_pos', '<=', upto)
      .where('type', 'in', INDEXER_TYPES)
      .orderBy('stream_pos')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ eventNid: Number(r.event_nid), roomNid: Number(r.room_nid), streamPos: Number(r.stream_pos), type: r.type as string, json: r.json as string }));
  }

  async index(docs: readonly SearchDoc[], redactedEventIds: readonly string[], indexedThrough: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      // Multi-row inserts: one statement per INSERT_CHUNK documents.
      for (let i = 0; i < docs.length; i += INSERT_CHUNK) {
        const chunk = docs.slice(i, i + INSERT_CHUNK);
        if (this.engine === 'sqlite') {
          await tx.insertInto('event_search').values(chunk.map((d) => ({ rowid: d.eventNid, value: d.value, room_nid: d.roomNid, key: d.key }))).execute();
        } else {
          await tx
            .insertInto('event_search')
            .values(chunk.map((d) => ({ event_nid: d.eventNid, room_nid: d.roomNid, key: d.key, vector: sql`to_tsvector('simple', ${d.value})` })))
            .onConflict((oc) => oc.doNothing())
            .execute();
        }
      }
      for (let i = 0; i < redactedEventIds.length; i += INSERT_CHUNK) {
        const targets = tx.selectFrom('events').select('event_nid').where('event_id', 'in', redactedEventIds.slice(i, i + INSERT_CHUNK));
        await tx.deleteFrom('event_search').where(this.engine === 'sqlite' ? 'rowid' : 'event_nid', 'in', targets).execute();
      }
      await tx.updateTable('search_progress').set({ indexed_through: indexedThrough }).where('id', '=', 1).execute();
    });
  }

  async search(q: SearchQuery): Promise<{ hits: SearchHit[]; count: number }> {
    if (q.words.length === 0 || q.roomNids.length === 0 || q.keys.length === 0) return { hits: [], count: 0 };
    // The engines differ in the match and the rank only; every word is a prefix, and the
    // client's text never reaches the engine's query syntax (FTS5: each word quoted;
    // tsquery: words are letters, digits and _ only).
    const sqlite = this.engine === 'sqlite';
    const tsq = sql`to_tsquery('simple', ${q.words.map((w) => `${w}:*`).join(' & ')})`;
    const from = sqlite ? sql`event_search s join events e on e.event_nid = s.rowid` : sql`event_search s join events e on e.event_nid = s.event_nid`;
    const match = sqlite ? sql`event_search match ${q.words.map((w) => `"${w.replace(/"/g, '""')}"*`).join(' AND ')}` : sql`s.vector @@ ${tsq}`;
    // Higher is better (bm25 is lower-is-better).
    const rank = sqlite ? sql`-bm25(event_search)` : sql`ts_rank(s.vector, ${tsq})`;
    const where = sql`${match} and s.room_nid in (${sql.join(q.roomNids)}) and s.key in (${sql.join(q.keys)}) and e.redacted_by is null`;
    const columns = sql`e.event_id, e.event_nid, e.room_nid, e.stream_pos, ${rank} as rank`;
    const page = q.order === 'recent'
      ? sql`select ${columns} from ${from} where ${where} ${q.beforePos !== undefined ? sql`and e.stream_pos < ${q.beforePos}` : sql``} order by e.stream_pos desc limit ${q.limit}`
      : sql`select ${columns} from ${from} where ${where} order by rank desc, e.stream_pos desc limit ${q.limit} offset ${q.offset ?? 0}`;
    const [rows, count] = await Promise.all([
      page.execute(this.db),
      sql<{ n: number }>`select count(*) as n from ${from} where ${where}`.execute(this.db),
    ]);
    return { hits: rows.rows.map(toHit), count: Number(count.rows[0]?.n ?? 0) };
  }
}

function toHit(r: unknown): SearchHit {
  const row = r as { event_id: string; event_nid: number | string; room_nid: number | string; stream_pos: number | string; rank: number | string };
  return { eventId: row.event_id, eventNid: Number(row.event_nid), roomNid: Number(row.room_nid), streamPos: Number(row.stream_pos), rank: Number(row.rank) };
}
