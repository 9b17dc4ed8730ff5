// ReportStore over Kysely (both engines).
import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { ContentReport, ReportKind, ReportStore } from '../ports/reports.js';

interface ContentReportsTable {
  id: number;
  kind: string;
  room_id: string | null;
  event_id: string | null;
  target_user_id: string | null;
  reporter: string;
  reason: string | null;
  received_ts: number;
}

export class KyselyReportStore implements ReportStore {
  private readonly db: Kysely<{ content_reports: ContentReportsTable }>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<{ content_reports: ContentReportsTable }>;
  }

  async add(r: Omit<ContentReport, 'id'>): Promise<number> {
    const row = await this.db
      .insertInto('content_reports')
      .values({ kind: r.kind, room_id: r.roomId, event_id: r.eventId, target_user_id: r.targetUserId, reporter: r.reporter, reason: r.reason, received_ts: r.receivedTs } as never)
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async list(kind: ReportKind, q: { limit: number; offset: number; newestFirst: boolean }): Promise<{ reports: ContentReport[]; total: number }> {
    const [rows, total] = await Promise.all([
      this.db.selectFrom('content_reports').selectAll().where('kind', '=', kind).orderBy('id', q.newestFirst ? 'desc' : 'asc').limit(q.limit).offset(q.offset).execute(),
      this.db.selectFrom('content_reports').select((eb) => eb.fn.countAll().as('n')).where('kind', '=', kind).executeTakeFirst(),
    ]);
    return {
      reports: rows.map((r) => ({
        id: Number(r.id), kind: r.kind as ReportKind, roomId: r.room_id, eventId: r.event_id, targetUserId: r.target_user_id,
        reporter: r.reporter, reason: r.reason, receivedTs: Number(r.received_ts),
      })),
      total: Number(total?.n ?? 0),
    };
  }
}
