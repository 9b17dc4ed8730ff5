// OpenID tokens (client-server-api "OpenID"; openid.yaml): short-lived tokens a
// user hands to another service, which exchanges them at /openid/userinfo.
import type { Migration } from '../migrate.js';

export const openid001: Migration = {
  id: 'openid-001',
  async up(db, ddl) {
    await db.schema
      .createTable('openid_tokens')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('expires_ts', ddl.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('openid_tokens_expiry').on('openid_tokens').column('expires_ts').execute();
  },
};
