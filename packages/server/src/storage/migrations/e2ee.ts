// E2EE area schema (client-server-api/modules/end_to_end_encryption.md,
// send_to_device.md): device keys, one-time and fallback keys, cross-signing
// keys and signatures, device-list changes, the to-device inbox, and
// server-side key backups. Rows a client sees through /sync carry `stream_pos`
// (device_list_changes, to_device_inbox — listed in storage/streamTables.ts).
import type { Migration } from '../migrate.js';

export const e2ee001: Migration = {
  id: 'e2ee-001',
  async up(db, ddl) {
    // The device's signed identity keys exactly as uploaded (canonical JSON).
    await db.schema
      .createTable('e2e_device_keys')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('key_json', 'text', (c) => c.notNull())
      .addColumn('uploaded_ts', ddl.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('e2e_device_keys_pk', ['user_id', 'device_id'])
      .execute();

    // One-time keys. `id` orders keys by upload ("given out in the order that
    // they were uploaded", keys.yaml /keys/claim) and is what a claim deletes.
    await db.schema
      .createTable('e2e_one_time_keys')
      .addColumn('id', ddl.autoId.type, ddl.autoId.modify)
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('key_json', 'text', (c) => c.notNull())
      .addUniqueConstraint('e2e_one_time_keys_unique', ['user_id', 'device_id', 'algorithm', 'key_id'])
      .execute();
    await db.schema
      .createIndex('e2e_one_time_keys_claim')
      .on('e2e_one_time_keys')
      .columns(['user_id', 'device_id', 'algorithm', 'id'])
      .execute();

    // At most one fallback key per algorithm and device; `used` once claimed.
    await db.schema
      .createTable('e2e_fallback_keys')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('key_json', 'text', (c) => c.notNull())
      .addColumn('used', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('e2e_fallback_keys_pk', ['user_id', 'device_id', 'algorithm'])
      .execute();

    // Cross-signing keys: key_type is master | self_signing | user_signing.
    await db.schema
      .createTable('e2e_cross_signing_keys')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('key_type', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('key_json', 'text', (c) => c.notNull())
      .addColumn('uploaded_ts', ddl.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('e2e_cross_signing_keys_pk', ['user_id', 'key_type'])
      .execute();

    // Signatures from /keys/signatures/upload, merged into keys on /keys/query.
    // target_key_id is a device ID or a cross-signing public key.
    await db.schema
      .createTable('e2e_signatures')
      .addColumn('signer_user_id', 'text', (c) => c.notNull())
      .addColumn('signer_key_id', 'text', (c) => c.notNull())
      .addColumn('target_user_id', 'text', (c) => c.notNull())
      .addColumn('target_key_id', 'text', (c) => c.notNull())
      .addColumn('signature', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('e2e_signatures_pk', ['target_user_id', 'target_key_id', 'signer_user_id', 'signer_key_id'])
      .execute();

    // One row per change of a user's devices or cross-signing keys.
    await db.schema
      .createTable('device_list_changes')
      .addColumn('stream_pos', ddl.bigint, (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('device_list_changes_pos').on('device_list_changes').columns(['stream_pos']).execute();

    // The to-device inbox. `orig_pos` is the position the message was sent at;
    // `stream_pos` is where it is delivered from (moved forward when a /sync
    // response could carry only part of the inbox, see ToDeviceService).
    await db.schema
      .createTable('to_device_inbox')
      .addColumn('id', ddl.autoId.type, ddl.autoId.modify)
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('stream_pos', ddl.bigint, (c) => c.notNull())
      .addColumn('orig_pos', ddl.bigint, (c) => c.notNull())
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('content_json', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('to_device_inbox_device')
      .on('to_device_inbox')
      .columns(['user_id', 'device_id', 'stream_pos', 'orig_pos', 'id'])
      .execute();

    // PUT /sendToDevice transaction IDs (idempotency per device).
    await db.schema
      .createTable('to_device_txns')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('txn_id', 'text', (c) => c.notNull())
      .addColumn('created_ts', ddl.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('to_device_txns_pk', ['user_id', 'device_id', 'txn_id'])
      .execute();

    // Server-side key backup versions; `version` counts up per user, deleted
    // versions are kept (flagged) so numbers are never reused.
    await db.schema
      .createTable('backup_versions')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('version', ddl.bigint, (c) => c.notNull())
      .addColumn('algorithm', 'text', (c) => c.notNull())
      .addColumn('auth_data_json', 'text', (c) => c.notNull())
      .addColumn('etag', ddl.bigint, (c) => c.notNull().defaultTo(0))
      .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
      .addPrimaryKeyConstraint('backup_versions_pk', ['user_id', 'version'])
      .execute();

    await db.schema
      .createTable('backup_keys')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('version', ddl.bigint, (c) => c.notNull())
      .addColumn('room_id', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('first_message_index', ddl.bigint, (c) => c.notNull())
      .addColumn('forwarded_count', ddl.bigint, (c) => c.notNull())
      .addColumn('is_verified', 'integer', (c) => c.notNull())
      .addColumn('session_data_json', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('backup_keys_pk', ['user_id', 'version', 'room_id', 'session_id'])
      .execute();
  },
};

// MSC3814 dehydrated devices: at most one per user; the device itself is a
// row of `devices` (without tokens), its keys are ordinary device keys.
export const e2ee002: Migration = {
  id: 'e2ee-002',
  async up(db) {
    await db.schema
      .createTable('e2e_dehydrated_devices')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('device_data_json', 'text', (c) => c.notNull())
      .execute();
  },
};
