// Reported content (client-server-api "Reporting content"): events, rooms and
// users reported by local users, for the server's admins.
import type { Migration } from '../migrate.js';

export const reports001: Migration = {
  id: 'reports-001',
  async up(db, ddl) {
    await db.schema
      .createTable('content_reports')
      .addColumn('id', ddl.autoId.type, ddl.autoId.modify)
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('room_id', 'text')
      .addColumn('event_id', 'text')
      .addColumn('target_user_id', 'text')
      .addColumn('reporter', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('received_ts', ddl.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('content_reports_kind').on('content_reports').columns(['kind', 'id']).execute();
  },
};
