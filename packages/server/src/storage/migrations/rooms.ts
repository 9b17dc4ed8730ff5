// Rooms area schema (WAVE2 contract "Room data model"): rooms, events (one copy
// of each event, with its stream position), current_state, transaction IDs,
// aliases, forgotten rooms.
//
// NOTSPEC-ish simplification: rooms created here have linear history, so the
// state at an event is, for each (type, state_key), the latest state event with
// stream_pos <= that event's stream_pos (see ARCHITECTURE.md "Rooms").
import { sql } from 'kysely';
import type { Migration } from '../migrate.js';

export const rooms001: Migration = {
  id: 'rooms-001',
  async up(db, ddl) {
    await db.schema
      .createTable('rooms')
      .addColumn('room_nid', ddl.autoId.type, ddl.autoId.modify)
      .addColumn('room_id', 'text', (c) => c.notNull().unique())
      .addColumn('room_version', 'text', (c) => c.notNull())
      .addColumn('creator', 'text', (c) => c.notNull())
      // Published in the room directory (client-server-api "Published room directory").
      .addColumn('is_public', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_ts', ddl.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('events')
      // Assigned by the event persister (one writer process), not by the engine.
      .addColumn('event_nid', ddl.bigint, (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().unique())
      .addColumn('room_nid', ddl.bigint, (c) => c.notNull())
      .addColumn('stream_pos', ddl.bigint, (c) => c.notNull().unique())
      .addColumn('depth', ddl.bigint, (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('state_key', 'text')
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('origin_server_ts', ddl.bigint, (c) => c.notNull())
      // The PDU exactly as signed (canonical JSON).
      .addColumn('json', 'text', (c) => c.notNull())
      // event_id of the m.room.redaction that redacted it: readers serve it redacted.
      .addColumn('redacted_by', 'text')
      // content.membership of m.room.member events.
      .addColumn('membership', 'text')
      // Server-side unsigned data computed when the event was written, as JSON:
      // { replaces_state, prev_content, prev_sender } for state events that
      // replaced an earlier one. Merged into `unsigned` by toClientEvent.
      .addColumn('unsigned_json', 'text')
      .execute();
    await db.schema.createIndex('events_room_stream').on('events').columns(['room_nid', 'stream_pos']).execute();
    await db.schema
      .createIndex('events_room_state')
      .on('events')
      .columns(['room_nid', 'type', 'state_key', 'stream_pos'])
      .execute();

    await db.schema
      .createTable('current_state')
      .addColumn('room_nid', ddl.bigint, (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('state_key', 'text', (c) => c.notNull())
      .addColumn('event_nid', ddl.bigint, (c) => c.notNull())
      .addColumn('membership', 'text')
      .addPrimaryKeyConstraint('current_state_pk', ['room_nid', 'type', 'state_key'])
      .execute();
    // "Rooms where user X is joined/invited": type = 'm.room.member' and state_key = X.
    await db.schema.createIndex('current_state_type_key').on('current_state').columns(['type', 'state_key']).execute();

    await db.schema
      .createTable('event_txns')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('txn_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('created_ts', ddl.bigint, (c) => c.notNull())
      .addUniqueConstraint('event_txns_unique', ['user_id', 'device_id', 'txn_id'])
      .execute();
    // Readers add unsigned.transaction_id for the sending device.
    await db.schema.createIndex('event_txns_event').on('event_txns').columns(['event_id']).execute();

    await db.schema
      .createTable('room_aliases')
      .addColumn('alias', 'text', (c) => c.primaryKey())
      .addColumn('room_id', 'text', (c) => c.notNull())
      .addColumn('creator', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('room_aliases_room').on('room_aliases').columns(['room_id']).execute();

    // POST /rooms/{roomId}/forget: the user no longer sees the room.
    await db.schema
      .createTable('room_forgotten')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('room_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('room_forgotten_pk', ['user_id', 'room_id'])
      .execute();
  },
};

/**
 * Fewer index writes per message (each commit writes every touched index
 * page): the state-lookup index only covers state events (partial index), and
 * transaction IDs are found through events.unsigned_json (txn_id,
 * txn_device_id — never served to clients) instead of an event_id index.
 */
export const rooms002: Migration = {
  id: 'rooms-002',
  async up(db) {
    await db.schema.dropIndex('events_room_state').execute();
    await db.schema
      .createIndex('events_room_state')
      .on('events')
      .columns(['room_nid', 'type', 'state_key', 'stream_pos'])
      .where(sql.ref('state_key'), 'is not', null)
      .execute();
    await db.schema.dropIndex('event_txns_event').execute();
  },
};

/**
 * Deferred signing (rooms/EventSigner.ts): on SQLite a local event is committed
 * hashed but unsigned and its signed JSON is written shortly after. The one
 * row here says up to which event_nid every event is known to be signed, so
 * start-up only re-checks the events above it.
 */
export const rooms003: Migration = {
  id: 'rooms-003',
  async up(db, ddl) {
    await db.schema
      .createTable('event_signing')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('signed_through', ddl.bigint, (c) => c.notNull())
      .execute();
    const r = await db.selectFrom('events').select((eb) => eb.fn.max<number>('event_nid').as('m')).executeTakeFirst();
    await db.insertInto('event_signing').values({ id: 1, signed_through: Number(r?.m ?? 0) }).execute();
  },
};

/**
 * Transaction IDs move into the events row (one partial unique index instead
 * of a table plus its index: two B-trees fewer to write per sent message).
 * Existing event_txns rows are carried over; the table is dropped.
 */
export const rooms004: Migration = {
  id: 'rooms-004',
  async up(db) {
    await db.schema.alterTable('events').addColumn('txn_device_id', 'text').execute();
    await db.schema.alterTable('events').addColumn('txn_id', 'text').execute();
    await sql`update events set
        txn_device_id = (select t.device_id from event_txns t where t.event_id = events.event_id),
        txn_id = (select t.txn_id from event_txns t where t.event_id = events.event_id)
      where event_id in (select event_id from event_txns)`.execute(db);
    await db.schema
      .createIndex('events_txn')
      .on('events')
      .columns(['sender', 'txn_device_id', 'txn_id'])
      .unique()
      .where(sql.ref('txn_id'), 'is not', null)
      .execute();
    await db.schema.dropTable('event_txns').execute();
  },
};
