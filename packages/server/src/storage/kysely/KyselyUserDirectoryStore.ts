// UserDirectoryStore over Kysely (both engines): current_state and events of the
// rooms area, users of the accounts area.
import type { Kysely } from 'kysely';
import type { SqlDb } from '../Database.js';
import type { DirectoryProfile, UserDirectoryStore } from '../ports/userDirectory.js';
import type { RoomTables } from './KyselyRoomStore.js';
import type { UserTables } from './KyselyUserStore.js';

/** IDs per IN list (far below both engines' parameter limits). */
const CHUNK = 500;

export class KyselyUserDirectoryStore implements UserDirectoryStore {
  private readonly db: Kysely<RoomTables & UserTables>;
  constructor(db: SqlDb) {
    this.db = db as Kysely<RoomTables & UserTables>;
  }

  async joinedRoomNids(userId: string): Promise<number[]> {
    const rows = await this.db
      .selectFrom('current_state')
      .select('room_nid')
      .where('type', '=', 'm.room.member')
      .where('state_key', '=', userId)
      .where('membership', '=', 'join')
      .execute();
    return rows.map((r) => Number(r.room_nid));
  }

  async publicRoomNids(): Promise<number[]> {
    const rows = await this.db
      .selectFrom('current_state as cs')
      .innerJoin('events as e', 'e.event_nid', 'cs.event_nid')
      .select(['cs.room_nid', 'cs.type', 'e.json'])
      .where('cs.type', 'in', ['m.room.join_rules', 'm.room.history_visibility'])
      .where('cs.state_key', '=', '')
      .execute();
    const out = new Set<number>();
    for (const r of rows) {
      const content = (JSON.parse(r.json) as { content?: Record<string, unknown> }).content ?? {};
      if (r.type === 'm.room.join_rules' ? content.join_rule === 'public' : content.history_visibility === 'world_readable') out.add(Number(r.room_nid));
    }
    return [...out];
  }

  async joinedMembers(roomNids: readonly number[]): Promise<DirectoryProfile[]> {
    const byUser = new Map<string, { pos: number; profile: DirectoryProfile }>();
    for (let i = 0; i < roomNids.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('current_state as cs')
        .innerJoin('events as e', 'e.event_nid', 'cs.event_nid')
        .select(['cs.state_key', 'e.json', 'e.stream_pos'])
        .where('cs.room_nid', 'in', roomNids.slice(i, i + CHUNK))
        .where('cs.type', '=', 'm.room.member')
        .where('cs.membership', '=', 'join')
        .execute();
      for (const r of rows) {
        const pos = Number(r.stream_pos);
        const seen = byUser.get(r.state_key);
        if (seen && seen.pos >= pos) continue;
        const content = (JSON.parse(r.json) as { content?: Record<string, unknown> }).content ?? {};
        byUser.set(r.state_key, {
          pos,
          profile: {
            userId: r.state_key,
            displayName: typeof content.displayname === 'string' ? content.displayname : null,
            avatarUrl: typeof content.avatar_url === 'string' ? content.avatar_url : null,
          },
        });
      }
    }
    return [...byUser.values()].map((v) => v.profile);
  }

  async localProfiles(userIds: readonly string[]): Promise<DirectoryProfile[]> {
    const out: DirectoryProfile[] = [];
    for (let i = 0; i < userIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('users')
        .select(['user_id', 'displayname', 'avatar_url'])
        .where('user_id', 'in', userIds.slice(i, i + CHUNK))
        .where('deactivated', '=', 0)
        .execute();
      for (const r of rows) out.push({ userId: r.user_id, displayName: r.displayname, avatarUrl: r.avatar_url });
    }
    return out;
  }
}
