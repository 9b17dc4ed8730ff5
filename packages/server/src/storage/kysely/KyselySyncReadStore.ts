// The reads /sync makes over the rooms area's tables (WAVE2 "Room data model":
// rooms, events, current_state). Read-only; the rooms area owns the schema.
// Queries are shaped for the indexes the contract names: events(room_nid,
// stream_pos), events(room_nid, type, state_key, stream_pos), events(stream_pos)
// unique, current_state(type, state_key).
import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { MemberRow, SyncEventRow, SyncReadStore, UserMembership } from '../ports/sync.js';

interface Tables {
  rooms: { room_nid: number; room_id: string };
  events: SyncEventRow;
  room_forgotten: { user_id: string; room_id: string };
  receipts: { room_id: string; receipt_type: string; user_id: string; event_id: string };
  current_state: { room_nid: number; type: string; state_key: string; event_nid: number; membership: string | null };
}

const EVENT_COLUMNS = [
  'e.event_nid', 'e.event_id', 'e.room_nid', 'e.stream_pos', 'e.type', 'e.state_key', 'e.sender',
  'e.origin_server_ts', 'e.json', 'e.redacted_by', 'e.membership', 'e.unsigned_json',
] as const;

const CHUNK = 500;
function chunks<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += CHUNK) out.push(xs.slice(i, i + CHUNK));
  return out;
}

function norm(r: SyncEventRow): SyncEventRow {
  // pg returns bigint columns as numbers (dialect.ts); sqlite returns numbers. Keep it explicit.
  r.stream_pos = Number(r.stream_pos);
  r.origin_server_ts = Number(r.origin_server_ts);
  r.room_nid = Number(r.room_nid);
  r.event_nid = Number(r.event_nid);
  return r;
}

export class KyselySyncReadStore implements SyncReadStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }

  async membershipsOf(userId: string): Promise<UserMembership[]> {
    const rows = await this.db
      .selectFrom('current_state as cs')
      .innerJoin('events as e', 'e.event_nid', 'cs.event_nid')
      .innerJoin('rooms as r', 'r.room_nid', 'cs.room_nid')
      .select(['cs.room_nid', 'r.room_id', 'cs.membership', 'e.stream_pos', 'e.event_nid', 'e.membership as ev_membership'])
      .where('cs.type', '=', 'm.room.member')
      .where('cs.state_key', '=', userId)
      .execute();
    return rows.map((r) => ({
      roomNid: r.room_nid,
      roomId: r.room_id,
      membership: (r.membership ?? r.ev_membership ?? 'leave') as string,
      streamPos: Number(r.stream_pos),
      eventNid: r.event_nid,
    }));
  }

  async membershipAt(roomNid: number, userId: string, pos: number): Promise<SyncEventRow | undefined> {
    return this.stateEventAt(roomNid, 'm.room.member', userId, pos);
  }

  async roomsWithEventsBetween(since: number, upto: number): Promise<Set<number>> {
    const rows = await this.db
      .selectFrom('events')
      .select('room_nid')
      .distinct()
      .where('stream_pos', '>', since)
      .where('stream_pos', '<=', upto)
      .execute();
    return new Set(rows.map((r) => r.room_nid));
  }

  async timelineDesc(roomNid: number, after: number | null, upto: number, limit: number): Promise<SyncEventRow[]> {
    let q = this.db
      .selectFrom('events as e')
      .select(EVENT_COLUMNS)
      .where('e.room_nid', '=', roomNid)
      .where('e.stream_pos', '<=', upto);
    if (after !== null) q = q.where('e.stream_pos', '>', after);
    const rows = await q.orderBy('e.stream_pos', 'desc').limit(limit).execute();
    return rows.map(norm);
  }

  async currentState(roomNid: number): Promise<SyncEventRow[]> {
    const rows = await this.db
      .selectFrom('current_state as cs')
      .innerJoin('events as e', 'e.event_nid', 'cs.event_nid')
      .select(EVENT_COLUMNS)
      .where('cs.room_nid', '=', roomNid)
      .orderBy('e.stream_pos')
      .execute();
    return rows.map(norm);
  }

  async currentStateOfRooms(roomNids: readonly number[]): Promise<Map<number, SyncEventRow[]>> {
    const out = new Map<number, SyncEventRow[]>();
    for (const nid of roomNids) out.set(nid, []);
    for (const part of chunks(roomNids)) {
      const rows = await this.db
        .selectFrom('current_state as cs')
        .innerJoin('events as e', 'e.event_nid', 'cs.event_nid')
        .select(EVENT_COLUMNS)
        .where('cs.room_nid', 'in', part)
        .orderBy('e.stream_pos')
        .execute();
      for (const r of rows) {
        const row = norm(r);
        out.get(row.room_nid)?.push(row);
      }
    }
    return out;
  }

  async stateEventsBetween(roomNid: number, after: number, before: number): Promise<SyncEventRow[]> {
    const rows = await this.db
      .selectFrom('events as e')
      .select(EVENT_COLUMNS)
      .where('e.room_nid', '=', roomNid)
      .where('e.stream_pos', '>', after)
      .where('e.stream_pos', '<', before)
      .where('e.state_key', 'is not', null)
      .orderBy('e.stream_pos')
      .execute();
    return rows.map(norm);
  }

  async stateEventAt(roomNid: number, type: string, stateKey: string, pos: number): Promise<SyncEventRow | undefined> {
    const r = await this.db
      .selectFrom('events as e')
      .select(EVENT_COLUMNS)
      .where('e.room_nid', '=', roomNid)
      .where('e.type', '=', type)
      .where('e.state_key', '=', stateKey)
      .where('e.stream_pos', '<=', pos)
      .orderBy('e.stream_pos', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r && norm(r);
  }

  async members(roomNid: number): Promise<MemberRow[]> {
    const rows = await this.db
      .selectFrom('current_state as cs')
      .innerJoin('events as e', 'e.event_nid', 'cs.event_nid')
      .select(['cs.state_key', 'cs.membership', 'e.membership as ev_membership', 'e.stream_pos'])
      .where('cs.room_nid', '=', roomNid)
      .where('cs.type', '=', 'm.room.member')
      .orderBy('e.stream_pos')
      .execute();
    return rows.map((r) => ({
      userId: r.state_key,
      membership: (r.membership ?? r.ev_membership ?? 'leave') as string,
      streamPos: Number(r.stream_pos),
    }));
  }

  async usersSharingRooms(roomNids: readonly number[], userIds: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (roomNids.length === 0 || userIds.length === 0) return out;
    for (const rooms of chunks(roomNids)) {
      for (const users of chunks(userIds)) {
        const rows = await this.db
          .selectFrom('current_state')
          .select('state_key')
          .distinct()
          .where('type', '=', 'm.room.member')
          .where('membership', '=', 'join')
          .where('room_nid', 'in', rooms)
          .where('state_key', 'in', users)
          .execute();
        for (const r of rows) out.add(r.state_key);
      }
    }
    return out;
  }

  async usersInRooms(roomNids: readonly number[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (const rooms of chunks(roomNids)) {
      const rows = await this.db
        .selectFrom('current_state')
        .select('state_key')
        .distinct()
        .where('type', '=', 'm.room.member')
        .where('membership', '=', 'join')
        .where('room_nid', 'in', rooms)
        .execute();
      for (const r of rows) out.add(r.state_key);
    }
    return out;
  }

  async roomIds(roomNids: readonly number[]): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const part of chunks(roomNids)) {
      const rows = await this.db.selectFrom('rooms').select(['room_nid', 'room_id']).where('room_nid', 'in', part).execute();
      for (const r of rows) out.set(r.room_nid, r.room_id);
    }
    return out;
  }

  async roomNid(roomId: string): Promise<number | undefined> {
    const r = await this.db.selectFrom('rooms').select('room_nid').where('room_id', '=', roomId).executeTakeFirst();
    return r?.room_nid;
  }

  async forgottenRooms(userId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('room_forgotten').select('room_id').where('user_id', '=', userId).execute();
    return new Set(rows.map((r) => r.room_id));
  }

  async countUnread(userId: string, roomId: string, roomNid: number, after: number, upto: number): Promise<number> {
    const r = await this.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('room_nid', '=', roomNid)
      .where('stream_pos', '>', after)
      .where('stream_pos', '<=', upto)
      .where('sender', '!=', userId)
      .where('type', 'in', ['m.room.message', 'm.room.encrypted'])
      .where((eb) =>
        eb('stream_pos', '>', eb.fn.coalesce(
          eb.selectFrom('receipts as rc')
            .innerJoin('events as e2', 'e2.event_id', 'rc.event_id')
            .select((eb2) => eb2.fn.max('e2.stream_pos').as('p'))
            .where('rc.room_id', '=', roomId)
            .where('rc.user_id', '=', userId)
            .where('rc.receipt_type', 'in', ['m.read', 'm.read.private']),
          eb.val(0),
        )),
      )
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async eventInRoom(roomNid: number, eventId: string): Promise<SyncEventRow | undefined> {
    const r = await this.db
      .selectFrom('events as e')
      .select(EVENT_COLUMNS)
      .where('e.event_id', '=', eventId)
      .where('e.room_nid', '=', roomNid)
      .executeTakeFirst();
    return r && norm(r);
  }
}
