// Device-list changes and the membership reads they need ("users who share a
// room with U"), read from the rooms area's tables (current_state, events) with
// our own queries (WAVE2: other areas read rooms data through storage functions).
import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { DeviceListStore, MembershipChange } from '../ports/e2ee.js';

interface Tables {
  device_list_changes: { stream_pos: number; user_id: string };
  current_state: { room_nid: number; type: string; state_key: string; event_nid: number; membership: string | null };
  rooms: { room_nid: number; room_id: string };
  events: { event_nid: number; room_nid: number; stream_pos: number; type: string; state_key: string | null; membership: string | null };
}

export class KyselyE2eeDeviceListStore implements DeviceListStore {
  private readonly db: Kysely<Tables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<Tables>;
  }

  async addChanges(userIds: string[], streamPos: number): Promise<void> {
    if (userIds.length === 0) return;
    await this.db.insertInto('device_list_changes').values(userIds.map((u) => ({ stream_pos: streamPos, user_id: u }))).execute();
  }

  async changedUsersBetween(fromExclusive: number, toInclusive: number): Promise<string[]> {
    const rows = await this.db.selectFrom('device_list_changes').select('user_id').distinct()
      .where('stream_pos', '>', fromExclusive).where('stream_pos', '<=', toInclusive).execute();
    return rows.map((r) => r.user_id);
  }

  async usersSharingRoom(userId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('current_state as mine')
      .innerJoin('current_state as other', 'other.room_nid', 'mine.room_nid')
      .select('other.state_key').distinct()
      .where('mine.type', '=', 'm.room.member').where('mine.state_key', '=', userId).where('mine.membership', '=', 'join')
      .where('other.type', '=', 'm.room.member').where('other.membership', '=', 'join')
      .execute();
    return new Set(rows.map((r) => r.state_key));
  }

  async joinedRoomIds(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('current_state as cs')
      .innerJoin('rooms as r', 'r.room_nid', 'cs.room_nid')
      .select('r.room_id')
      .where('cs.type', '=', 'm.room.member').where('cs.state_key', '=', userId).where('cs.membership', '=', 'join')
      .execute();
    return rows.map((r) => r.room_id);
  }

  async membershipChangesBetween(userId: string, fromExclusive: number, toInclusive: number): Promise<MembershipChange[]> {
    if (toInclusive <= fromExclusive) return [];
    const rows = await this.db.selectFrom('events as e')
      .select(['e.room_nid', 'e.state_key'])
      .where('e.type', '=', 'm.room.member')
      .where('e.stream_pos', '>', fromExclusive).where('e.stream_pos', '<=', toInclusive)
      .where('e.room_nid', 'in', (eb) => eb.selectFrom('current_state as cs').select('cs.room_nid')
        .where('cs.type', '=', 'm.room.member').where('cs.state_key', '=', userId))
      .execute();
    return rows.filter((r) => r.state_key !== null).map((r) => ({ roomNid: Number(r.room_nid), userId: r.state_key as string }));
  }

  async joinedMembers(roomNids: number[]): Promise<string[]> {
    if (roomNids.length === 0) return [];
    const rows = await this.db.selectFrom('current_state').select('state_key').distinct()
      .where('type', '=', 'm.room.member').where('membership', '=', 'join').where('room_nid', 'in', roomNids).execute();
    return rows.map((r) => r.state_key);
  }
}
