// RoomReadStore over Kysely (same code for SQLite and PostgreSQL): history
// reads for /messages, /context, /state, /members and history visibility,
// over the rooms area's tables (schema: migrations/rooms.ts).
import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { EventRow } from '../ports/rooms.js';
import type { RoomReadStore, VisibilityChangeRow } from '../ports/roomReads.js';
import { EVENT_COLUMNS, toEventRow, type JoinedEventRow, type RoomTables } from './KyselyRoomStore.js';


export class KyselyRoomReadsStore implements RoomReadStore {
  private readonly db: Kysely<RoomTables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<RoomTables>;
  }

  private events() {
    return this.db.selectFrom('events as e').innerJoin('rooms as r', 'r.room_nid', 'e.room_nid').select(EVENT_COLUMNS);
  }

  async visibilityChanges(roomNid: number, userId: string): Promise<VisibilityChangeRow[]> {
    // Two index lookups (room_nid, type, state_key) joined by UNION ALL: an OR
    // of the two made SQLite scan the room's state index instead.
    const part = (type: string, stateKey: string) =>
      this.db
        .selectFrom('events')
        .select(['stream_pos', 'type', 'membership', 'json'])
        .where('room_nid', '=', roomNid)
        .where('type', '=', type)
        .where('state_key', '=', stateKey)
        // Redundant, but lets both engines use the partial state index.
        .where('state_key', 'is not', null);
    const rows = (await part('m.room.member', userId).unionAll(part('m.room.history_visibility', '')).execute())
      .sort((a, b) => Number(a.stream_pos) - Number(b.stream_pos));
    return rows.map((r) => {
      const out: VisibilityChangeRow = { streamPos: Number(r.stream_pos), type: r.type, membership: r.membership };
      if (r.type === 'm.room.history_visibility') {
        // The key survives redaction in every room version, so the stored PDU is enough.
        const v = (JSON.parse(r.json) as { content?: { history_visibility?: unknown } }).content?.history_visibility;
        if (typeof v === 'string') out.historyVisibility = v;
        out.membership = null;
      }
      return out;
    });
  }

  async eventsDesc(roomNid: number, upperInclusive: number, lowerExclusive: number | null, limit: number): Promise<EventRow[]> {
    let q = this.events().where('e.room_nid', '=', roomNid).where('e.stream_pos', '<=', upperInclusive);
    if (lowerExclusive !== null) q = q.where('e.stream_pos', '>', lowerExclusive);
    const rows = await q.orderBy('e.stream_pos', 'desc').limit(limit).execute();
    return rows.map((r) => toEventRow(r as JoinedEventRow));
  }

  async eventsAsc(roomNid: number, lowerExclusive: number, upperInclusive: number, limit: number): Promise<EventRow[]> {
    const rows = await this.events()
      .where('e.room_nid', '=', roomNid)
      .where('e.stream_pos', '>', lowerExclusive)
      .where('e.stream_pos', '<=', upperInclusive)
      .orderBy('e.stream_pos', 'asc')
      .limit(limit)
      .execute();
    return rows.map((r) => toEventRow(r as JoinedEventRow));
  }

  async stateAt(roomNid: number, pos: number, only: { type?: string; notType?: string } = {}): Promise<EventRow[]> {
    // Latest stream_pos per (type, state_key) at or below pos; stream_pos is
    // unique, so joining on it alone picks the event.
    let latest = this.db
      .selectFrom('events')
      .select((eb) => [eb.fn.max('stream_pos').as('m')])
      .where('room_nid', '=', roomNid)
      .where('state_key', 'is not', null)
      .where('stream_pos', '<=', pos)
      .groupBy(['type', 'state_key']);
    if (only.type !== undefined) latest = latest.where('type', '=', only.type);
    if (only.notType !== undefined) latest = latest.where('type', '!=', only.notType);
    const rows = await this.events()
      .innerJoin(latest.as('s'), 's.m', 'e.stream_pos')
      .orderBy('e.stream_pos')
      .execute();
    return rows.map((r) => toEventRow(r as JoinedEventRow));
  }

  async eventsNearTimestamp(roomNid: number, ts: number, dir: 'f' | 'b', limit: number): Promise<EventRow[]> {
    const order = dir === 'f' ? 'asc' : 'desc';
    const rows = await this.events()
      .where('e.room_nid', '=', roomNid)
      .where('e.origin_server_ts', dir === 'f' ? '>=' : '<=', ts)
      .orderBy('e.origin_server_ts', order)
      .orderBy('e.stream_pos', order)
      .limit(limit)
      .execute();
    return rows.map((r) => toEventRow(r as JoinedEventRow));
  }

  async stateEventsAt(roomNid: number, pos: number, type: string, stateKeys: readonly string[]): Promise<EventRow[]> {
    const out: EventRow[] = [];
    for (let i = 0; i < stateKeys.length; i += 200) {
      const keys = stateKeys.slice(i, i + 200);
      const latest = this.db
        .selectFrom('events')
        .select((eb) => [eb.fn.max('stream_pos').as('m')])
        .where('room_nid', '=', roomNid)
        .where('type', '=', type)
        .where('state_key', 'is not', null)
        .where('state_key', 'in', keys as string[])
        .where('stream_pos', '<=', pos)
        .groupBy('state_key');
      const rows = await this.events().innerJoin(latest.as('s'), 's.m', 'e.stream_pos').orderBy('e.stream_pos').execute();
      for (const r of rows) out.push(toEventRow(r as JoinedEventRow));
    }
    return out;
  }
}
