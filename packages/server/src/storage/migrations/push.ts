// Pushers (client-server-api "Push Notifications"; pusher.yaml) and the durable
// outbox of notifications for push gateways (push/PushSender.ts), with the
// stream position up to which events were considered for pushing.
import type { Migration } from '../migrate.js';

export const push001: Migration = {
  id: 'push-001',
  async up(db, ddl) {
    await db.schema
      .createTable('pushers')
      .addColumn('id', ddl.autoId.type, ddl.autoId.modify)
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('pushkey', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('app_display_name', 'text', (c) => c.notNull())
      .addColumn('device_display_name', 'text', (c) => c.notNull())
      .addColumn('profile_tag', 'text')
      .addColumn('lang', 'text', (c) => c.notNull())
      .addColumn('data_json', 'text', (c) => c.notNull())
      .addColumn('created_ts', ddl.bigint, (c) => c.notNull())
      .addUniqueConstraint('pushers_unique', ['user_id', 'app_id', 'pushkey'])
      .execute();
    await db.schema
      .createTable('push_outbox')
      .addColumn('id', ddl.autoId.type, ddl.autoId.modify)
      .addColumn('pusher_id', ddl.bigint, (c) => c.notNull())
      .addColumn('body_json', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_try_ts', ddl.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('push_outbox_due').on('push_outbox').columns(['next_try_ts']).execute();
    await db.schema
      .createTable('push_progress')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('pushed_through', ddl.bigint, (c) => c.notNull())
      .execute();
    await db.insertInto('push_progress' as never).values({ id: 1, pushed_through: 0 } as never).execute();
  },
};
