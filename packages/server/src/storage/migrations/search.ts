// Full-text search over room events (client-server-api "Server Side Search"):
// the searchable text of m.room.message (content.body), m.room.name
// (content.name) and m.room.topic (content.topic), indexed after commit by
// search/SearchIndexer.ts up to search_progress.indexed_through. SQLite: an
// FTS5 table (rowid = event_nid); PostgreSQL: a tsvector column with a GIN index.
import { sql } from 'kysely';
import type { Migration } from '../migrate.js';

export const search001: Migration = {
  id: 'search-001',
  async up(db, ddl) {
    if (ddl.engine === 'sqlite') {
      await sql`create virtual table event_search using fts5(value, room_nid unindexed, key unindexed, tokenize = 'unicode61 remove_diacritics 2')`.execute(db);
    } else {
      await db.schema
        .createTable('event_search')
        .addColumn('event_nid', 'bigint', (c) => c.primaryKey())
        .addColumn('room_nid', 'bigint', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('vector', sql`tsvector`, (c) => c.notNull())
        .execute();
      await sql`create index event_search_vector on event_search using gin (vector)`.execute(db);
      await db.schema.createIndex('event_search_room').on('event_search').column('room_nid').execute();
    }
    await db.schema
      .createTable('search_progress')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('indexed_through', ddl.bigint, (c) => c.notNull())
      .execute();
    await db.insertInto('search_progress' as never).values({ id: 1, indexed_through: 0 } as never).execute();
  },
};
