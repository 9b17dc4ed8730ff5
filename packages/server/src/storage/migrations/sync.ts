// Sync area schema: stored filters, account data (global and per room),
// receipts and presence. Every client-visible row carries `stream_pos` from the
// one StreamIdGenerator (WAVE2 "Stream positions"); typing stays in memory.
import type { Migration } from '../migrate.js';

export const sync001: Migration = {
  id: 'sync-001',
  async up(db, ddl) {
    // Spec "Filtering": filters are stored per user; the ID is opaque to clients.
    await db.schema
      .createTable('filters')
      .addColumn('filter_id', ddl.autoId.type, ddl.autoId.modify)
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('filter_json', 'text', (c) => c.notNull())
      .execute();

    // room_id '' = global account data (kept in the primary key, so no NULLs).
    await db.schema
      .createTable('account_data')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('room_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('stream_pos', ddl.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('account_data_pk', ['user_id', 'room_id', 'type'])
      .execute();
    await db.schema.createIndex('account_data_user_stream').on('account_data').columns(['user_id', 'stream_pos']).execute();

    // One row per (room, receipt type, user, thread) — receipts.md "Events":
    // each tuple is associated with only a single event_id. thread_id '' = unthreaded.
    await db.schema
      .createTable('receipts')
      .addColumn('room_id', 'text', (c) => c.notNull())
      .addColumn('receipt_type', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('thread_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('ts', ddl.bigint, (c) => c.notNull())
      .addColumn('stream_pos', ddl.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('receipts_pk', ['room_id', 'receipt_type', 'user_id', 'thread_id'])
      .execute();
    await db.schema.createIndex('receipts_stream').on('receipts').column('stream_pos').execute();

    await db.schema
      .createTable('presence')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('presence', 'text', (c) => c.notNull())
      .addColumn('status_msg', 'text')
      .addColumn('last_active_ts', ddl.bigint, (c) => c.notNull())
      .addColumn('currently_active', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('stream_pos', ddl.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('presence_stream').on('presence').column('stream_pos').execute();
  },
};
