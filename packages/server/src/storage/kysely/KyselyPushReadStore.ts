// PushReadStore over the rooms area's tables (WAVE2 "Room data model": rooms,
// events, current_state) and the sync area's receipts. Read-only.
import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { PushCandidateRow, PushReadStore, PushRoomContext } from '../ports/push.js';

interface Tables {
  rooms: { room_nid: number; room_id: string; room_version: string };
  events: { event_nid: number; event_id: string; room_nid: number; stream_pos: number; sender: string; json: string; redacted_by: string | null };
  receipts: { room_id: string; receipt_type: string; user_id: string; event_id: string };
  current_state: { room_nid: number; type: string; state_key: string; event_nid: number; membership: string | null };
}

const CHUNK = 500;

export class KyselyPushReadStore implements PushReadStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }

  async readPositions(userId: string, roomIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let i = 0; i < roomIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('receipts as rc')
        .innerJoin('events as e', 'e.event_id', 'rc.event_id')
        .select((eb) => ['rc.room_id', eb.fn.max('e.stream_pos').as('p')])
        .where('rc.room_id', 'in', roomIds.slice(i, i + CHUNK))
        .where('rc.user_id', '=', userId)
        .where('rc.receipt_type', 'in', ['m.read', 'm.read.private'])
        .groupBy('rc.room_id')
        .execute();
      for (const r of rows) if (r.p !== null) out.set(r.room_id, Number(r.p));
    }
    return out;
  }

  async eventsFromOthers(roomNid: number, userId: string, after: number, upto: number, limit: number): Promise<PushCandidateRow[]> {
    const rows = await this.db
      .selectFrom('events')
      .select(['stream_pos', 'json', 'redacted_by'])
      .where('room_nid', '=', roomNid)
      .where('stream_pos', '>', after)
      .where('stream_pos', '<=', upto)
      .where('sender', '!=', userId)
      .orderBy('stream_pos', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ stream_pos: Number(r.stream_pos), json: r.json, redacted_by: r.redacted_by }));
  }

  async roomContexts(roomNids: readonly number[], userId: string): Promise<Map<number, PushRoomContext>> {
    const out = new Map<number, PushRoomContext>();
    for (let i = 0; i < roomNids.length; i += CHUNK) {
      const nids = roomNids.slice(i, i + CHUNK);
      const [rooms, state, joined] = await Promise.all([
        this.db.selectFrom('rooms').select(['room_nid', 'room_version']).where('room_nid', 'in', nids).execute(),
        this.db
          .selectFrom('current_state as cs')
          .innerJoin('events as e', 'e.event_nid', 'cs.event_nid')
          .select(['cs.room_nid', 'cs.type', 'e.json'])
          .where('cs.room_nid', 'in', nids)
          .where((eb) => eb.or([
            eb.and([eb('cs.type', 'in', ['m.room.create', 'm.room.power_levels']), eb('cs.state_key', '=', '')]),
            eb.and([eb('cs.type', '=', 'm.room.member'), eb('cs.state_key', '=', userId)]),
          ]))
          .execute(),
        this.db
          .selectFrom('current_state')
          .select((eb) => ['room_nid', eb.fn.countAll().as('n')])
          .where('room_nid', 'in', nids)
          .where('type', '=', 'm.room.member')
          .where('membership', '=', 'join')
          .groupBy('room_nid')
          .execute(),
      ]);
      for (const r of rooms) {
        out.set(Number(r.room_nid), {
          roomVersion: r.room_version, joinedMemberCount: 0, createJson: undefined, powerLevelsJson: undefined, ownMemberJson: undefined,
        });
      }
      for (const j of joined) {
        const ctx = out.get(Number(j.room_nid));
        if (ctx) ctx.joinedMemberCount = Number(j.n);
      }
      for (const st of state) {
        const ctx = out.get(Number(st.room_nid));
        if (!ctx) continue;
        if (st.type === 'm.room.create') ctx.createJson = st.json;
        else if (st.type === 'm.room.power_levels') ctx.powerLevelsJson = st.json;
        else ctx.ownMemberJson = st.json;
      }
    }
    return out;
  }
}
