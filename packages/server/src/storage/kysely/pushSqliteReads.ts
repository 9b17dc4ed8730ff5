// SQLite hot path of the push reads: the per-room events query every /sync
// makes, as a prepared better-sqlite3 statement (no per-call query
// building), like syncSqliteReads.ts. Same SQL semantics as KyselyPushReadStore,
// which PostgreSQL uses. Bounded by `upto` (taken from generator.current), so
// rows of an uncommitted transaction on the shared connection are never read.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqlDb } from '../Database.js';
import type { PushCandidateRow } from '../ports/push.js';
import { KyselyPushReadStore } from './KyselyPushReadStore.js';

export class SqlitePushReadStore extends KyselyPushReadStore {
  private readonly candidates;

  constructor(db: SqlDb, conn: BetterSqlite3.Database) {
    super(db);
    this.candidates = conn.prepare(
      `select stream_pos, json, redacted_by from events
        where room_nid = ? and stream_pos > ? and stream_pos <= ? and sender != ?
        order by stream_pos desc limit ?`,
    );
  }

  override async eventsFromOthers(roomNid: number, userId: string, after: number, upto: number, limit: number): Promise<PushCandidateRow[]> {
    return this.candidates.all(roomNid, after, upto, userId, limit) as PushCandidateRow[];
  }
}
