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

export class KyselyPushReadStore implements PushReadStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }

  async unreadCandidates(userId: string, roomId: string, roomNid: number, after: number, upto: number, limit: number): Promise<PushCandidateRow[]> {
    const rows = await this.db
      .selectFrom('events')
      .select(['stream_pos', 'json', 'redacted_by'])
      .where('room_nid', '=', roomNid)
      .where('stream_pos', '>', after)
      .where('stream_pos', '<=', upto)
      .where('sender', '!=', userId)
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
      .orderBy('stream_pos', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ stream_pos: Number(r.stream_pos), json: r.json, redacted_by: r.redacted_by }));
  }

  async roomContext(roomNid: number, userId: string): Promise<PushRoomContext | undefined> {
    const [room, state, joined] = await Promise.all([
      this.db.selectFrom('rooms').select('room_version').where('room_nid', '=', roomNid).executeTakeFirst(),
      this.db
        .selectFrom('current_state as cs')
        .innerJoin('events as e', 'e.event_nid', 'cs.event_nid')
        .select(['cs.type', 'cs.state_key', 'e.json'])
        .where('cs.room_nid', '=', roomNid)
        .where((eb) => eb.or([
          eb.and([eb('cs.type', '=', 'm.room.create'), eb('cs.state_key', '=', '')]),
          eb.and([eb('cs.type', '=', 'm.room.power_levels'), eb('cs.state_key', '=', '')]),
          eb.and([eb('cs.type', '=', 'm.room.member'), eb('cs.state_key', '=', userId)]),
        ]))
        .execute(),
      this.db
        .selectFrom('current_state')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('room_nid', '=', roomNid)
        .where('type', '=', 'm.room.member')
        .where('membership', '=', 'join')
        .executeTakeFirst(),
    ]);
    if (!room) return undefined;
    const find = (type: string) => state.find((s) => s.type === type)?.json;
    return {
      roomVersion: room.room_version,
      joinedMemberCount: Number(joined?.n ?? 0),
      createJson: find('m.room.create'),
      powerLevelsJson: find('m.room.power_levels'),
      ownMemberJson: find('m.room.member'),
    };
  }
}
