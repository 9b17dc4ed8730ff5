// SQLite hot path of the push reads: the queries every /sync with new events
// makes (read positions, candidate events, room contexts), as prepared
// better-sqlite3 statements run per room (no per-call query building — Kysely's
// build + compile was most of a sync's unread-count cost), like syncSqliteReads.ts. Same SQL semantics as KyselyPushReadStore,
// which PostgreSQL uses. Bounded by `upto` (taken from generator.current), so
// rows of an uncommitted transaction on the shared connection are never read.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqlDb } from '../Database.js';
import type { PushCandidateRow, PushRoomContext } from '../ports/push.js';
import { KyselyPushReadStore } from './KyselyPushReadStore.js';

export class SqlitePushReadStore extends KyselyPushReadStore {
  private readonly candidates;
  private readonly readPosition;
  private readonly roomVersion;
  private readonly contextState;
  private readonly joinedCount;

  constructor(db: SqlDb, conn: BetterSqlite3.Database) {
    super(db);
    this.candidates = conn.prepare(
      `select stream_pos, json, redacted_by from events
        where room_nid = ? and stream_pos > ? and stream_pos <= ? and sender != ?
        order by stream_pos desc limit ?`,
    );
    this.readPosition = conn.prepare(
      `select max(e.stream_pos) from receipts rc join events e on e.event_id = rc.event_id
        where rc.room_id = ? and rc.user_id = ? and rc.receipt_type in ('m.read', 'm.read.private')`,
    ).pluck();
    this.roomVersion = conn.prepare('select room_version from rooms where room_nid = ?').pluck();
    this.contextState = conn.prepare(
      `select cs.type as type, e.json as json from current_state cs join events e on e.event_nid = cs.event_nid
        where cs.room_nid = ? and ((cs.type in ('m.room.create', 'm.room.power_levels') and cs.state_key = '')
          or (cs.type = 'm.room.member' and cs.state_key = ?))`,
    );
    this.joinedCount = conn.prepare(
      `select count(*) from current_state where room_nid = ? and type = 'm.room.member' and membership = 'join'`,
    ).pluck();
  }

  override async readPositions(userId: string, roomIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const roomId of roomIds) {
      const p = this.readPosition.get(roomId, userId) as number | null;
      if (p !== null && p !== undefined) out.set(roomId, Number(p));
    }
    return out;
  }

  override async roomContexts(roomNids: readonly number[], userId: string): Promise<Map<number, PushRoomContext>> {
    const out = new Map<number, PushRoomContext>();
    for (const nid of roomNids) {
      const version = this.roomVersion.get(nid) as string | undefined;
      if (version === undefined) continue;
      const ctx: PushRoomContext = {
        roomVersion: version, joinedMemberCount: Number(this.joinedCount.get(nid)), createJson: undefined, powerLevelsJson: undefined, ownMemberJson: undefined,
      };
      for (const st of this.contextState.all(nid, userId) as { type: string; json: string }[]) {
        if (st.type === 'm.room.create') ctx.createJson = st.json;
        else if (st.type === 'm.room.power_levels') ctx.powerLevelsJson = st.json;
        else ctx.ownMemberJson = st.json;
      }
      out.set(nid, ctx);
    }
    return out;
  }

  override async eventsFromOthers(roomNid: number, userId: string, after: number, upto: number, limit: number): Promise<PushCandidateRow[]> {
    return this.candidates.all(roomNid, after, upto, userId, limit) as PushCandidateRow[];
  }
}
