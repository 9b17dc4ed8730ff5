// SQLite hot path of the rooms store: the event persister's batch write and
// the transaction-ID lookup as prepared better-sqlite3 statements, run
// synchronously. Same SQL semantics as the Kysely path in KyselyRoomStore
// (which PostgreSQL uses); only the per-statement overhead differs (no query
// compilation, no re-preparing, one synchronous transaction per batch).
import type BetterSqlite3 from 'better-sqlite3';
import type { SqlDb } from '../Database.js';
import type { NewEvent, SignatureWrite } from '../ports/rooms.js';
import { noteSqliteCommit } from '../dialect.js';

export class RoomsSqliteWriter {
  private stmts: ReturnType<RoomsSqliteWriter['prepare']> | undefined;
  private writeTx: ((batch: readonly NewEvent[], signatures: SignatureWrite | undefined) => void) | undefined;

  constructor(private readonly db: SqlDb, private readonly conn: BetterSqlite3.Database) {}

  private prepare() {
    const c = this.conn;
    return {
      insertEvent: c.prepare(
        `insert into events (event_nid, event_id, room_nid, stream_pos, depth, type, state_key, sender, origin_server_ts, json, redacted_by, membership, unsigned_json, txn_device_id, txn_id)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?)`,
      ),
      upsertState: c.prepare(
        `insert into current_state (room_nid, type, state_key, event_nid, membership) values (?, ?, ?, ?, ?)
         on conflict (room_nid, type, state_key) do update set event_nid = excluded.event_nid, membership = excluded.membership`,
      ),
      insertRelation: c.prepare('insert into event_relations (event_nid, room_nid, relates_to_id, rel_type, stream_pos) values (?, ?, ?, ?, ?)'),
      redact: c.prepare('update events set redacted_by = ? where event_id = ? and redacted_by is null'),
      txnLookup: c.prepare('select event_id from events where sender = ? and txn_device_id = ? and txn_id = ? and txn_id is not null').pluck(),
      setJson: c.prepare('update events set json = ? where event_nid = ?'),
      setSignedThrough: c.prepare('update event_signing set signed_through = ? where id = 1'),
      unsignedCandidates: c.prepare(
        `select e.event_nid as eventNid, e.json as json, r.room_version as roomVersion from events e join rooms r on r.room_nid = e.room_nid
         where e.event_nid > (select signed_through from event_signing where id = 1) order by e.event_nid`,
      ),
    };
  }

  private get s() {
    return (this.stmts ??= this.prepare());
  }

  /** One transaction for the whole batch (and any signed JSON riding along), holding Kysely's connection lock so no other query interleaves. */
  async persistEvents(events: readonly NewEvent[], signatures?: SignatureWrite): Promise<void> {
    const s = this.s;
    const write = (this.writeTx ??= this.conn.transaction((batch: readonly NewEvent[], sigs: SignatureWrite | undefined) => {
      for (const e of batch) {
        s.insertEvent.run(
          e.eventNid, e.eventId, e.roomNid, e.streamPos, e.depth, e.type, e.stateKey, e.sender, e.originServerTs, e.json, e.membership, e.unsignedJson,
          e.txn ? e.txn.deviceId : null, e.txn ? e.txn.txnId : null,
        );
        if (e.stateKey !== null) s.upsertState.run(e.roomNid, e.type, e.stateKey, e.eventNid, e.membership);
        if (e.redacts !== undefined) s.redact.run(e.eventId, e.redacts);
        if (e.relation) s.insertRelation.run(e.eventNid, e.roomNid, e.relation.relatesTo, e.relation.relType, e.streamPos);
      }
      if (sigs) {
        for (const g of sigs.signed) s.setJson.run(g.json, g.eventNid);
        if (sigs.signedThrough !== undefined) s.setSignedThrough.run(sigs.signedThrough);
      }
    }));
    await this.db.connection().execute(async () => write(events, signatures));
    noteSqliteCommit(this.conn);
  }

  /** Events above the signed-through watermark (see EventPersister.start). */
  async unsignedCandidates(): Promise<{ eventNid: number; json: string; roomVersion: string }[]> {
    return this.db.connection().execute(async () => this.s.unsignedCandidates.all() as { eventNid: number; json: string; roomVersion: string }[]);
  }

  /**
   * A single synchronous read. Safe without the connection lock: Kysely's
   * SQLite driver never leaves a statement mid-iteration across an await, and
   * seeing another open transaction's uncommitted rows is harmless here.
   */
  txnEventId(userId: string, deviceId: string, txnId: string): string | undefined {
    return this.s.txnLookup.get(userId, deviceId, txnId) as string | undefined;
  }
}
