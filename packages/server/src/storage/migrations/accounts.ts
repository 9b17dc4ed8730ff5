// Accounts area schema: users (with profile columns), devices, access and
// refresh tokens, registration tokens.
import type { Migration } from '../migrate.js';

export const accounts001: Migration = {
  id: 'accounts-001',
  async up(db, ddl) {
    await db.schema
      .createTable('users')
      // Integer ID for tables that reference users heavily (memberships, receipts…).
      .addColumn('id', ddl.autoId.type, ddl.autoId.modify)
      .addColumn('user_id', 'text', (c) => c.notNull().unique())
      .addColumn('password_hash', 'text')
      .addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('is_guest', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('user_type', 'text')
      .addColumn('deactivated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_ts', ddl.bigint, (c) => c.notNull())
      .addColumn('displayname', 'text')
      .addColumn('avatar_url', 'text')
      .execute();

    await db.schema
      .createTable('devices')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text')
      .addColumn('created_ts', ddl.bigint, (c) => c.notNull())
      .addColumn('last_seen_ts', ddl.bigint)
      .addColumn('last_seen_ip', 'text')
      .addPrimaryKeyConstraint('devices_pk', ['user_id', 'device_id'])
      .execute();

    await db.schema
      .createTable('refresh_tokens')
      .addColumn('id', ddl.autoId.type, ddl.autoId.modify)
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('created_ts', ddl.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('refresh_tokens_device').on('refresh_tokens').columns(['user_id', 'device_id']).execute();

    await db.schema
      .createTable('access_tokens')
      .addColumn('id', ddl.autoId.type, ddl.autoId.modify)
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('created_ts', ddl.bigint, (c) => c.notNull())
      .addColumn('expires_ts', ddl.bigint)
      .addColumn('refresh_token_id', ddl.bigint)
      .execute();
    await db.schema.createIndex('access_tokens_device').on('access_tokens').columns(['user_id', 'device_id']).execute();

    // Synapse's registration_tokens table has the same columns.
    await db.schema
      .createTable('registration_tokens')
      .addColumn('token', 'text', (c) => c.primaryKey())
      .addColumn('uses_allowed', 'integer')
      .addColumn('pending', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('completed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expiry_time', ddl.bigint)
      .execute();
  },
};
