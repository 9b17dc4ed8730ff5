// Media repository (client-server-api "Content repository"): one row per local
// upload; the bytes live in files under media_store_path (media/MediaRepository.ts).
import type { Migration } from '../migrate.js';

export const media001: Migration = {
  id: 'media-001',
  async up(db, ddl) {
    await db.schema
      .createTable('local_media')
      .addColumn('media_id', 'text', (c) => c.primaryKey())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('upload_name', 'text')
      .addColumn('size', ddl.bigint, (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('created_ts', ddl.bigint, (c) => c.notNull())
      .execute();
  },
};

/** Asynchronous uploads (POST /media/v1/create): media IDs reserved before their content arrives. */
export const media002: Migration = {
  id: 'media-002',
  async up(db, ddl) {
    await db.schema
      .createTable('pending_media')
      .addColumn('media_id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('expires_ts', ddl.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('pending_media_user').on('pending_media').columns(['user_id', 'expires_ts']).execute();
  },
};
