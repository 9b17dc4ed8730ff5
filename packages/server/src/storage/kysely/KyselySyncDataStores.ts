// Kysely implementations of the sync area's own tables (migrations/sync.ts):
// filters, account data, receipts, presence. Written once for both engines.
import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type {
  AccountDataRow, AccountDataStore, FilterStore, PresenceRow, PresenceStore, ReceiptRow, ReceiptStore,
} from '../ports/sync.js';

interface Tables {
  filters: { filter_id: number; user_id: string; filter_json: string };
  account_data: { user_id: string; room_id: string; type: string; content: string; stream_pos: number };
  receipts: {
    room_id: string; receipt_type: string; user_id: string; thread_id: string; event_id: string; ts: number; stream_pos: number;
  };
  presence: {
    user_id: string; presence: string; status_msg: string | null; last_active_ts: number; currently_active: number; stream_pos: number;
  };
}

/** Long IN lists are split so neither engine hits its parameter limit. */
const CHUNK = 500;
function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

export class KyselyFilterStore implements FilterStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }
  async createFilter(userId: string, filterJson: string): Promise<string> {
    const r = await this.db
      .insertInto('filters')
      .values({ user_id: userId, filter_json: filterJson } as never)
      .returning('filter_id')
      .executeTakeFirstOrThrow();
    return String(r.filter_id);
  }
  async getFilter(userId: string, filterId: string): Promise<string | undefined> {
    if (!/^\d{1,15}$/.test(filterId)) return undefined;
    const r = await this.db
      .selectFrom('filters')
      .select('filter_json')
      .where('user_id', '=', userId)
      .where('filter_id', '=', Number(filterId))
      .executeTakeFirst();
    return r?.filter_json;
  }
}

export class KyselyAccountDataStore implements AccountDataStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }
  async putAccountData(userId: string, roomId: string, type: string, content: Record<string, unknown>, streamPos: number): Promise<void> {
    const json = JSON.stringify(content);
    await this.db
      .insertInto('account_data')
      .values({ user_id: userId, room_id: roomId, type, content: json, stream_pos: streamPos })
      .onConflict((oc) => oc.columns(['user_id', 'room_id', 'type']).doUpdateSet({ content: json, stream_pos: streamPos }))
      .execute();
  }
  async getAccountData(userId: string, roomId: string, type: string): Promise<Record<string, unknown> | undefined> {
    const r = await this.db
      .selectFrom('account_data')
      .select('content')
      .where('user_id', '=', userId)
      .where('room_id', '=', roomId)
      .where('type', '=', type)
      .executeTakeFirst();
    return r ? (JSON.parse(r.content) as Record<string, unknown>) : undefined;
  }
  async accountDataSince(userId: string, since: number | null, upto: number): Promise<AccountDataRow[]> {
    let q = this.db.selectFrom('account_data').selectAll().where('user_id', '=', userId).where('stream_pos', '<=', upto);
    if (since !== null) q = q.where('stream_pos', '>', since);
    const rows = await q.orderBy('stream_pos').execute();
    return rows.map((r) => ({ roomId: r.room_id, type: r.type, content: JSON.parse(r.content) as Record<string, unknown>, streamPos: Number(r.stream_pos) }));
  }
}

export class KyselyReceiptStore implements ReceiptStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }
  async putReceipt(r: ReceiptRow): Promise<void> {
    const row = {
      room_id: r.roomId, receipt_type: r.receiptType, user_id: r.userId, thread_id: r.threadId ?? '',
      event_id: r.eventId, ts: r.ts, stream_pos: r.streamPos,
    };
    await this.db
      .insertInto('receipts')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['room_id', 'receipt_type', 'user_id', 'thread_id']).doUpdateSet({ event_id: r.eventId, ts: r.ts, stream_pos: r.streamPos }),
      )
      .execute();
  }
  async receiptsSince(roomIds: readonly string[], since: number | null, upto: number): Promise<ReceiptRow[]> {
    const out: ReceiptRow[] = [];
    for (const part of chunks(roomIds)) {
      let q = this.db.selectFrom('receipts').selectAll().where('room_id', 'in', part).where('stream_pos', '<=', upto);
      if (since !== null) q = q.where('stream_pos', '>', since);
      for (const r of await q.execute()) {
        out.push({
          roomId: r.room_id, receiptType: r.receipt_type, userId: r.user_id, threadId: r.thread_id === '' ? undefined : r.thread_id,
          eventId: r.event_id, ts: Number(r.ts), streamPos: Number(r.stream_pos),
        });
      }
    }
    return out;
  }
  async roomsWithReceiptsSince(since: number, upto: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('receipts')
      .select('room_id')
      .distinct()
      .where('stream_pos', '>', since)
      .where('stream_pos', '<=', upto)
      .execute();
    return rows.map((r) => r.room_id);
  }
}

export class KyselyPresenceStore implements PresenceStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }
  async putPresence(p: PresenceRow): Promise<void> {
    const row = {
      user_id: p.userId, presence: p.presence, status_msg: p.statusMsg, last_active_ts: p.lastActiveTs,
      currently_active: p.currentlyActive ? 1 : 0, stream_pos: p.streamPos,
    };
    const { user_id: _u, ...update } = row;
    await this.db.insertInto('presence').values(row).onConflict((oc) => oc.column('user_id').doUpdateSet(update)).execute();
  }
  async getPresence(userId: string): Promise<PresenceRow | undefined> {
    const r = await this.db.selectFrom('presence').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r && toPresence(r);
  }
  async presenceSince(userIds: readonly string[] | null, since: number | null, upto: number): Promise<PresenceRow[]> {
    const run = async (part: readonly string[] | null) => {
      let q = this.db.selectFrom('presence').selectAll().where('stream_pos', '<=', upto);
      if (since !== null) q = q.where('stream_pos', '>', since);
      if (part) q = q.where('user_id', 'in', part);
      return (await q.execute()).map(toPresence);
    };
    if (userIds === null) return run(null);
    const out: PresenceRow[] = [];
    for (const part of chunks(userIds)) out.push(...(await run(part)));
    return out;
  }
}

function toPresence(r: Tables['presence']): PresenceRow {
  return {
    userId: r.user_id, presence: r.presence as PresenceRow['presence'], statusMsg: r.status_msg,
    lastActiveTs: Number(r.last_active_ts), currentlyActive: Number(r.currently_active) === 1, streamPos: Number(r.stream_pos),
  };
}
