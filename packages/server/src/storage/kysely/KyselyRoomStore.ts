// RoomStore over Kysely, the same code for SQLite and PostgreSQL.
// persistEvents is the hot path (group commit): a whole batch of events is
// written with a few multi-row statements in one transaction.
import { sql, type Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import { isUniqueViolation } from '../dialect.js';
import { RoomsSqliteWriter } from './roomsSqliteWriter.js';
import type BetterSqlite3 from 'better-sqlite3';
import type { EventRow, NewEvent, PublicRoomRow, RoomMembershipRow, RoomRecord, RoomStore, SignatureWrite } from '../ports/rooms.js';

interface RoomsTable { room_nid: number; room_id: string; room_version: string; creator: string; is_public: number; created_ts: number }
interface EventsTable {
  event_nid: number; event_id: string; room_nid: number; stream_pos: number; depth: number; type: string;
  state_key: string | null; sender: string; origin_server_ts: number; json: string; redacted_by: string | null;
  membership: string | null; unsigned_json: string | null;
  /** Client transaction ID and device of events sent with one (unique per sender and device). */
  txn_device_id: string | null; txn_id: string | null;
}
interface CurrentStateTable { room_nid: number; type: string; state_key: string; event_nid: number; membership: string | null }
interface RoomAliasesTable { alias: string; room_id: string; creator: string }
interface RoomForgottenTable { user_id: string; room_id: string }
interface EventRelationsTable { event_nid: number; room_nid: number; relates_to_id: string; rel_type: string; stream_pos: number }
export interface RoomTables {
  rooms: RoomsTable;
  events: EventsTable;
  current_state: CurrentStateTable;
  room_aliases: RoomAliasesTable;
  room_forgotten: RoomForgottenTable;
  event_relations: EventRelationsTable;
  event_signing: { id: number; signed_through: number };
}

/** Rows per multi-row INSERT (12 columns: far below both engines' parameter limits). */
const CHUNK = 200;
/** Largest batch written as one statement (13 parameters a row: far below PostgreSQL's 65,535). */
const MAX_SINGLE_STATEMENT = 1000;

/** The event columns every event read selects (joined with rooms as `r`). */
export const EVENT_COLUMNS = [
  'e.event_nid', 'e.event_id', 'e.room_nid', 'r.room_id', 'e.stream_pos', 'e.depth', 'e.type', 'e.state_key',
  'e.sender', 'e.origin_server_ts', 'e.json', 'e.redacted_by', 'e.membership', 'e.unsigned_json',
] as const;

export type JoinedEventRow = Omit<EventsTable, never> & { room_id: string };

export function toEventRow(r: JoinedEventRow): EventRow {
  return {
    eventNid: Number(r.event_nid),
    eventId: r.event_id,
    roomNid: Number(r.room_nid),
    roomId: r.room_id,
    streamPos: Number(r.stream_pos),
    depth: Number(r.depth),
    type: r.type,
    stateKey: r.state_key,
    sender: r.sender,
    originServerTs: Number(r.origin_server_ts),
    json: r.json,
    redactedBy: r.redacted_by,
    membership: r.membership,
    unsignedJson: r.unsigned_json,
  };
}

function toRoom(r: RoomsTable): RoomRecord {
  return {
    roomNid: Number(r.room_nid),
    roomId: r.room_id,
    roomVersion: r.room_version,
    creator: r.creator,
    isPublic: !!r.is_public,
    createdTs: Number(r.created_ts),
  };
}

export class KyselyRoomStore implements RoomStore {
  private readonly db: Kysely<RoomTables>;
  /** SQLite: prepared-statement hot path for writes and transaction-ID lookups. */
  private readonly sqlite: RoomsSqliteWriter | undefined;
  constructor(db: SqlDb, sqliteConnection?: unknown) {
    this.db = db as Kysely<RoomTables>;
    this.sqlite = sqliteConnection ? new RoomsSqliteWriter(db, sqliteConnection as BetterSqlite3.Database) : undefined;
  }

  private events() {
    return this.db.selectFrom('events as e').innerJoin('rooms as r', 'r.room_nid', 'e.room_nid').select(EVENT_COLUMNS);
  }

  async createRoom(r: { roomId: string; roomVersion: string; creator: string; isPublic: boolean; createdTs: number }): Promise<number> {
    const row = await this.db
      .insertInto('rooms')
      .values({ room_id: r.roomId, room_version: r.roomVersion, creator: r.creator, is_public: r.isPublic ? 1 : 0, created_ts: r.createdTs } as never)
      .returning('room_nid')
      .executeTakeFirstOrThrow();
    return Number(row.room_nid);
  }

  async getRoom(roomId: string): Promise<RoomRecord | undefined> {
    const r = await this.db.selectFrom('rooms').selectAll().where('room_id', '=', roomId).executeTakeFirst();
    return r ? toRoom(r) : undefined;
  }

  async getRoomByNid(roomNid: number): Promise<RoomRecord | undefined> {
    const r = await this.db.selectFrom('rooms').selectAll().where('room_nid', '=', roomNid).executeTakeFirst();
    return r ? toRoom(r) : undefined;
  }

  async setRoomPublic(roomNid: number, isPublic: boolean): Promise<void> {
    await this.db.updateTable('rooms').set({ is_public: isPublic ? 1 : 0 }).where('room_nid', '=', roomNid).execute();
  }

  async maxEventNid(): Promise<number> {
    const r = await this.db.selectFrom('events').select((eb) => eb.fn.max('event_nid').as('m')).executeTakeFirst();
    return r?.m === null || r?.m === undefined ? 0 : Number(r.m);
  }

  async persistEvents(events: readonly NewEvent[], signatures?: SignatureWrite): Promise<void> {
    if (this.sqlite) return this.sqlite.persistEvents(events, signatures);
    if (signatures && (signatures.signed.length > 0 || signatures.signedThrough !== undefined)) await this.writeSignatures(signatures);
    if (events.length === 0) return;
    // The last state event per (room, type, state_key) wins; PostgreSQL refuses
    // an upsert that touches the same row twice, so collapse first.
    const state = new Map<string, CurrentStateTable>();
    const redactions: { target: string; by: string }[] = [];
    const rows: EventsTable[] = [];
    const relations: EventRelationsTable[] = [];
    for (const e of events) {
      if (e.relation) relations.push({ event_nid: e.eventNid, room_nid: e.roomNid, relates_to_id: e.relation.relatesTo, rel_type: e.relation.relType, stream_pos: e.streamPos });
      rows.push({
        event_nid: e.eventNid, event_id: e.eventId, room_nid: e.roomNid, stream_pos: e.streamPos, depth: e.depth,
        type: e.type, state_key: e.stateKey, sender: e.sender, origin_server_ts: e.originServerTs, json: e.json,
        redacted_by: null, membership: e.membership, unsigned_json: e.unsignedJson,
        txn_device_id: e.txn ? e.txn.deviceId : null, txn_id: e.txn ? e.txn.txnId : null,
      });
      if (e.stateKey !== null) {
        state.set(`${e.roomNid}\u0000${e.type}\u0000${e.stateKey}`, {
          room_nid: e.roomNid, type: e.type, state_key: e.stateKey, event_nid: e.eventNid, membership: e.membership,
        });
      }
      if (e.redacts !== undefined) redactions.push({ target: e.redacts, by: e.eventId });
    }
    const stateRows = [...state.values()];
    if (rows.length <= MAX_SINGLE_STATEMENT) return this.persistInOneStatement(rows, stateRows, redactions, relations);
    await this.db.transaction().execute(async (tx) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await tx.insertInto('events').values(rows.slice(i, i + CHUNK)).execute();
      }
      for (let i = 0; i < stateRows.length; i += CHUNK) {
        await tx
          .insertInto('current_state')
          .values(stateRows.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.columns(['room_nid', 'type', 'state_key']).doUpdateSet({
              event_nid: (eb) => eb.ref('excluded.event_nid'),
              membership: (eb) => eb.ref('excluded.membership'),
            }),
          )
          .execute();
      }
      for (let i = 0; i < relations.length; i += CHUNK) {
        await tx.insertInto('event_relations').values(relations.slice(i, i + CHUNK)).execute();
      }
      for (const r of redactions) {
        // The first redaction wins; later ones change nothing a reader sees.
        await tx.updateTable('events').set({ redacted_by: r.by }).where('event_id', '=', r.target).where('redacted_by', 'is', null).execute();
      }
    });
  }

  /**
   * PostgreSQL: the whole batch as ONE statement of data-modifying CTEs, which
   * is atomic on its own — one round trip instead of BEGIN, an INSERT per
   * table and COMMIT. Every CTE runs to completion whether or not the outer
   * SELECT reads it. A redaction whose target is in the same batch cannot see
   * that row from its UPDATE (one snapshot), so it is set in the row instead.
   */
  private async persistInOneStatement(
    rows: EventsTable[], stateRows: CurrentStateTable[], redactions: { target: string; by: string }[],
    relations: EventRelationsTable[] = [],
  ): Promise<void> {
    const inBatch = new Map(rows.map((r) => [r.event_id, r]));
    const outside: { target: string; by: string }[] = [];
    for (const r of redactions) {
      const row = inBatch.get(r.target);
      if (row) row.redacted_by ??= r.by;
      else outside.push(r);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let q: any = this.db.with('ins_events', (db) => db.insertInto('events').values(rows));
    if (stateRows.length > 0) {
      q = q.with('ins_state', (db: Kysely<RoomTables>) =>
        db.insertInto('current_state').values(stateRows).onConflict((oc) =>
          oc.columns(['room_nid', 'type', 'state_key']).doUpdateSet({
            event_nid: (eb) => eb.ref('excluded.event_nid'),
            membership: (eb) => eb.ref('excluded.membership'),
          }),
        ),
      );
    }
    if (relations.length > 0) q = q.with('ins_relations', (db: Kysely<RoomTables>) => db.insertInto('event_relations').values(relations));
    // The first redaction wins; later ones change nothing a reader sees.
    const firstByTarget = new Map<string, string>();
    for (const r of outside) if (!firstByTarget.has(r.target)) firstByTarget.set(r.target, r.by);
    let n = 0;
    for (const [target, by] of firstByTarget) {
      q = q.with(`upd_redacted_${n++}`, (db: Kysely<RoomTables>) =>
        db.updateTable('events').set({ redacted_by: by }).where('event_id', '=', target).where('redacted_by', 'is', null),
      );
    }
    await q.selectNoFrom(sql<number>`1`.as('done')).execute();
  }

  /** Deferred signing on the Kysely path (unused by the pipeline on PostgreSQL, which signs before commit; kept for the port's contract). */
  private async writeSignatures(signatures: SignatureWrite): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      for (const s of signatures.signed) await tx.updateTable('events').set({ json: s.json }).where('event_nid', '=', s.eventNid).execute();
      if (signatures.signedThrough !== undefined) {
        await tx.updateTable('event_signing').set({ signed_through: signatures.signedThrough }).where('id', '=', 1).execute();
      }
    });
  }

  get deferredSigning(): boolean {
    return this.sqlite !== undefined;
  }

  async unsignedCandidates(): Promise<{ eventNid: number; json: string; roomVersion: string }[]> {
    return this.sqlite ? this.sqlite.unsignedCandidates() : [];
  }

  async currentStateEvents(roomNid: number): Promise<EventRow[]> {
    const rows = await this.events()
      .innerJoin('current_state as cs', 'cs.event_nid', 'e.event_nid')
      .where('cs.room_nid', '=', roomNid)
      .orderBy('e.stream_pos')
      .execute();
    return rows.map((r) => toEventRow(r as JoinedEventRow));
  }

  async currentStateEvent(roomNid: number, type: string, stateKey: string): Promise<EventRow | undefined> {
    const r = await this.events()
      .innerJoin('current_state as cs', 'cs.event_nid', 'e.event_nid')
      .where('cs.room_nid', '=', roomNid)
      .where('cs.type', '=', type)
      .where('cs.state_key', '=', stateKey)
      .executeTakeFirst();
    return r ? toEventRow(r as JoinedEventRow) : undefined;
  }

  async lastEvent(roomNid: number): Promise<EventRow | undefined> {
    const r = await this.events().where('e.room_nid', '=', roomNid).orderBy('e.stream_pos', 'desc').limit(1).executeTakeFirst();
    return r ? toEventRow(r as JoinedEventRow) : undefined;
  }

  async getEvent(eventId: string): Promise<EventRow | undefined> {
    const r = await this.events().where('e.event_id', '=', eventId).executeTakeFirst();
    return r ? toEventRow(r as JoinedEventRow) : undefined;
  }

  async getEvents(eventIds: readonly string[]): Promise<EventRow[]> {
    if (eventIds.length === 0) return [];
    const out: EventRow[] = [];
    for (let i = 0; i < eventIds.length; i += 500) {
      const rows = await this.events().where('e.event_id', 'in', eventIds.slice(i, i + 500)).execute();
      for (const r of rows) out.push(toEventRow(r as JoinedEventRow));
    }
    return out;
  }

  async txnEventId(userId: string, deviceId: string, txnId: string): Promise<string | undefined> {
    if (this.sqlite) return this.sqlite.txnEventId(userId, deviceId, txnId);
    const r = await this.db
      .selectFrom('events')
      .select('event_id')
      .where('sender', '=', userId)
      .where('txn_device_id', '=', deviceId)
      .where('txn_id', '=', txnId)
      .executeTakeFirst();
    return r?.event_id;
  }

  async recentTxns(userId: string, deviceId: string, sinceTs: number, limit: number): Promise<{ txnId: string; eventId: string }[]> {
    const rows = await this.db
      .selectFrom('events')
      .select(['txn_id', 'event_id'])
      .where('sender', '=', userId)
      .where('txn_device_id', '=', deviceId)
      .where('txn_id', 'is not', null)
      .where('origin_server_ts', '>=', sinceTs)
      .orderBy('origin_server_ts')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ txnId: r.txn_id!, eventId: r.event_id }));
  }

  async roomsForUser(userId: string, memberships?: readonly string[]): Promise<RoomMembershipRow[]> {
    let q = this.db
      .selectFrom('current_state as cs')
      .innerJoin('rooms as r', 'r.room_nid', 'cs.room_nid')
      .innerJoin('events as e', 'e.event_nid', 'cs.event_nid')
      .select(['r.room_id', 'cs.membership', 'e.stream_pos', 'e.event_id'])
      .where('cs.type', '=', 'm.room.member')
      .where('cs.state_key', '=', userId);
    if (memberships) {
      if (memberships.length === 0) return [];
      q = q.where('cs.membership', 'in', memberships as string[]);
    }
    const rows = await q.execute();
    return rows.map((r) => ({ roomId: r.room_id, membership: r.membership ?? 'leave', streamPos: Number(r.stream_pos), eventId: r.event_id }));
  }

  async roomMembers(roomNid: number, membership = 'join'): Promise<string[]> {
    const rows = await this.db
      .selectFrom('current_state')
      .select('state_key')
      .where('room_nid', '=', roomNid)
      .where('type', '=', 'm.room.member')
      .where('membership', '=', membership)
      .execute();
    return rows.map((r) => r.state_key);
  }

  async publicRooms(): Promise<PublicRoomRow[]> {
    const rows = await this.db
      .selectFrom('rooms as r')
      .leftJoin('current_state as cs', (j) =>
        j.onRef('cs.room_nid', '=', 'r.room_nid').on('cs.type', '=', 'm.room.member').on('cs.membership', '=', 'join'),
      )
      .select(['r.room_nid', 'r.room_id', sql<number>`count(cs.state_key)`.as('joined')])
      .where('r.is_public', '=', 1)
      .groupBy(['r.room_nid', 'r.room_id'])
      .execute();
    return rows
      .map((r) => ({ roomNid: Number(r.room_nid), roomId: r.room_id, joinedMembers: Number(r.joined) }))
      .sort((a, b) => b.joinedMembers - a.joinedMembers || (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0));
  }

  async createAlias(alias: string, roomId: string, creator: string): Promise<boolean> {
    try {
      await this.db.insertInto('room_aliases').values({ alias, room_id: roomId, creator }).execute();
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  async getAlias(alias: string): Promise<{ roomId: string; creator: string } | undefined> {
    const r = await this.db.selectFrom('room_aliases').select(['room_id', 'creator']).where('alias', '=', alias).executeTakeFirst();
    return r ? { roomId: r.room_id, creator: r.creator } : undefined;
  }

  async deleteAlias(alias: string): Promise<boolean> {
    const r = await this.db.deleteFrom('room_aliases').where('alias', '=', alias).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async aliasesForRoom(roomId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('room_aliases').select('alias').where('room_id', '=', roomId).orderBy('alias').execute();
    return rows.map((r) => r.alias);
  }

  async setForgotten(userId: string, roomId: string, forgotten: boolean): Promise<void> {
    if (forgotten) {
      await this.db.insertInto('room_forgotten').values({ user_id: userId, room_id: roomId }).onConflict((oc) => oc.doNothing()).execute();
    } else {
      await this.db.deleteFrom('room_forgotten').where('user_id', '=', userId).where('room_id', '=', roomId).execute();
    }
  }

  async isForgotten(userId: string, roomId: string): Promise<boolean> {
    const r = await this.db.selectFrom('room_forgotten').select('room_id').where('user_id', '=', userId).where('room_id', '=', roomId).executeTakeFirst();
    return r !== undefined;
  }

  async forgottenRooms(userId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('room_forgotten').select('room_id').where('user_id', '=', userId).execute();
    return new Set(rows.map((r) => r.room_id));
  }
}
