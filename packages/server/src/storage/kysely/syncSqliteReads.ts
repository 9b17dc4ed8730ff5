// SQLite hot path of the sync reads: the queries every incremental /sync makes,
// as prepared better-sqlite3 statements run synchronously (no per-call query
// building or re-preparing). Same SQL semantics as KyselySyncReadStore, which
// PostgreSQL uses. Reads are single statements; every one that touches events
// is bounded by a stream position the caller took from generator.current, so
// uncommitted rows of a concurrent transaction on the shared connection are
// never shown (see roomsSqliteWriter.ts for the same reasoning).
import type BetterSqlite3 from 'better-sqlite3';
import type { SqlDb } from '../Database.js';
import type { SyncEventRow, UserMembership } from '../ports/sync.js';
import { KyselySyncReadStore } from './KyselySyncReadStore.js';

const COLS = 'e.event_nid, e.event_id, e.room_nid, e.stream_pos, e.type, e.state_key, e.sender, e.origin_server_ts, e.json, e.redacted_by, e.membership, e.unsigned_json';

export class SqliteSyncReadStore extends KyselySyncReadStore {
  private readonly s;

  constructor(db: SqlDb, conn: BetterSqlite3.Database) {
    super(db);
    this.s = {
      memberships: conn.prepare(
        `select cs.room_nid as roomNid, r.room_id as roomId, coalesce(cs.membership, e.membership, 'leave') as membership,
                e.stream_pos as streamPos, e.event_nid as eventNid
           from current_state cs join events e on e.event_nid = cs.event_nid join rooms r on r.room_nid = cs.room_nid
          where cs.type = 'm.room.member' and cs.state_key = ?`,
      ),
      roomsBetween: conn.prepare('select distinct room_nid from events where stream_pos > ? and stream_pos <= ?').pluck(),
      timelineAfter: conn.prepare(`select ${COLS} from events e where e.room_nid = ? and e.stream_pos <= ? and e.stream_pos > ? order by e.stream_pos desc limit ?`),
      timelineAll: conn.prepare(`select ${COLS} from events e where e.room_nid = ? and e.stream_pos <= ? order by e.stream_pos desc limit ?`),
      stateBetween: conn.prepare(
        `select ${COLS} from events e where e.room_nid = ? and e.stream_pos > ? and e.stream_pos < ? and e.state_key is not null order by e.stream_pos`,
      ),
      countUnread: conn.prepare(
        `select count(*) from events where room_nid = ? and stream_pos > ? and stream_pos <= ? and sender != ?
            and type in ('m.room.message', 'm.room.encrypted')
            and stream_pos > coalesce((select max(e2.stream_pos) from receipts rc join events e2 on e2.event_id = rc.event_id
                                        where rc.room_id = ? and rc.user_id = ? and rc.receipt_type in ('m.read', 'm.read.private')), 0)`,
      ).pluck(),
    };
  }

  override async countUnread(userId: string, roomId: string, roomNid: number, after: number, upto: number): Promise<number> {
    return this.s.countUnread.get(roomNid, after, upto, userId, roomId, userId) as number;
  }

  override async membershipsOf(userId: string): Promise<UserMembership[]> {
    return this.s.memberships.all(userId) as UserMembership[];
  }

  override async roomsWithEventsBetween(since: number, upto: number): Promise<Set<number>> {
    return new Set(this.s.roomsBetween.all(since, upto) as number[]);
  }

  override async timelineDesc(roomNid: number, after: number | null, upto: number, limit: number): Promise<SyncEventRow[]> {
    return (after === null ? this.s.timelineAll.all(roomNid, upto, limit) : this.s.timelineAfter.all(roomNid, upto, after, limit)) as SyncEventRow[];
  }

  override async stateEventsBetween(roomNid: number, after: number, before: number): Promise<SyncEventRow[]> {
    return this.s.stateBetween.all(roomNid, after, before) as SyncEventRow[];
  }
}
