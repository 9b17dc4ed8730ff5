// Room aliases and the published room directory.
// Spec: client-server-api "Room aliases" (directory.yaml) and "Published room
// directory" (list_public_rooms.yaml).
import { MatrixError, userPowerLevel, requiredPowerLevelForEvent } from '@weft/core';
import type { RoomStore } from '../storage/ports/rooms.js';
import type { RoomPipeline } from './RoomPipeline.js';
import type { RoomState } from './RoomState.js';

export interface PublicRoomsChunkEntry {
  room_id: string;
  num_joined_members: number;
  world_readable: boolean;
  guest_can_join: boolean;
  join_rule?: string;
  name?: string;
  topic?: string;
  canonical_alias?: string;
  avatar_url?: string;
  room_type?: string;
}

export interface PublicRoomsQuery {
  limit?: number;
  since?: string;
  searchTerm?: string;
  /** Room types to include; null in the list means "rooms without a type". */
  roomTypes?: (string | null)[];
}

const ALIAS_RE = /^#[^:\s\u0000]+:[^\s\u0000]+$/;

export class RoomDirectory {
  constructor(
    private readonly deps: {
      store: RoomStore;
      pipeline: RoomPipeline;
      serverName: string;
      isAdmin: (userId: string) => Promise<boolean>;
    },
  ) {}

  /** Validates an alias; `local` also requires it to be on this server. */
  checkAlias(alias: string, local: boolean): void {
    if (!ALIAS_RE.test(alias) || Buffer.byteLength(alias, 'utf8') > 255) {
      throw new MatrixError(400, 'M_INVALID_PARAM', 'Room alias invalid');
    }
    if (local && alias.slice(alias.indexOf(':') + 1) !== this.deps.serverName) {
      throw new MatrixError(400, 'M_INVALID_PARAM', `Room alias must be on this server (${this.deps.serverName})`);
    }
  }

  async setAlias(userId: string, alias: string, roomId: unknown): Promise<void> {
    this.checkAlias(alias, true);
    if (typeof roomId !== 'string' || roomId === '') throw new MatrixError(400, 'M_MISSING_PARAM', 'Missing parameter: room_id');
    if (!(await this.deps.store.getRoom(roomId))) throw new MatrixError(404, 'M_NOT_FOUND', `Unknown room ${roomId}`);
    if (!(await this.deps.store.createAlias(alias, roomId, userId))) {
      throw new MatrixError(409, 'M_UNKNOWN', `Room alias ${alias} already exists.`);
    }
  }

  async getAlias(alias: string): Promise<{ room_id: string; servers: string[] }> {
    this.checkAlias(alias, false);
    const a = await this.deps.store.getAlias(alias);
    if (!a) throw new MatrixError(404, 'M_NOT_FOUND', `Room alias ${alias} not found.`);
    return { room_id: a.roomId, servers: [this.deps.serverName] };
  }

  /** The alias's creator, a server admin, or someone who may set m.room.canonical_alias. */
  async deleteAlias(userId: string, alias: string): Promise<void> {
    this.checkAlias(alias, false);
    const a = await this.deps.store.getAlias(alias);
    if (!a) throw new MatrixError(404, 'M_NOT_FOUND', `Room alias ${alias} not found.`);
    if (a.creator !== userId && !(await this.deps.isAdmin(userId))) {
      const state = await this.deps.pipeline.roomState(a.roomId);
      if (!state || !mayChangeState(state, userId, 'm.room.canonical_alias')) {
        throw new MatrixError(403, 'M_FORBIDDEN', 'You may not delete this alias');
      }
    }
    await this.deps.store.deleteAlias(alias);
  }

  /** GET /rooms/{roomId}/aliases: room members, or anyone for a world_readable room. */
  async roomAliases(userId: string, roomId: string): Promise<string[]> {
    const state = await this.deps.pipeline.roomState(roomId);
    if (!state) throw new MatrixError(404, 'M_NOT_FOUND', `Unknown room ${roomId}`);
    const worldReadable = state.get('m.room.history_visibility', '')?.content['history_visibility'] === 'world_readable';
    if (!worldReadable && state.membershipOf(userId) !== 'join' && !(await this.deps.isAdmin(userId))) {
      throw new MatrixError(403, 'M_FORBIDDEN', 'You are not in this room');
    }
    return this.deps.store.aliasesForRoom(roomId);
  }

  async visibility(roomId: string): Promise<'public' | 'private'> {
    const room = await this.deps.store.getRoom(roomId);
    if (!room) throw new MatrixError(404, 'M_NOT_FOUND', `Unknown room ${roomId}`);
    return room.isPublic ? 'public' : 'private';
  }

  /** Publishing needs the power to change m.room.canonical_alias (as Synapse), or server admin. */
  async setVisibility(userId: string, roomId: string, visibility: unknown): Promise<void> {
    if (visibility !== 'public' && visibility !== 'private') throw new MatrixError(400, 'M_BAD_JSON', 'visibility must be "public" or "private"');
    const room = await this.deps.store.getRoom(roomId);
    if (!room) throw new MatrixError(404, 'M_NOT_FOUND', `Unknown room ${roomId}`);
    if (!(await this.deps.isAdmin(userId))) {
      const state = await this.deps.pipeline.roomState(roomId);
      if (!state || state.membershipOf(userId) !== 'join' || !mayChangeState(state, userId, 'm.room.canonical_alias')) {
        throw new MatrixError(403, 'M_FORBIDDEN', 'You may not change the directory visibility of this room');
      }
    }
    await this.deps.store.setRoomPublic(room.roomNid, visibility === 'public');
  }

  /**
   * GET/POST /publicRooms. Ordered by joined members (largest first), then
   * room ID. Tokens are opaque offsets: `n<offset>` forwards, `p<offset>` back.
   */
  async publicRooms(q: PublicRoomsQuery): Promise<{ chunk: PublicRoomsChunkEntry[]; next_batch?: string; prev_batch?: string; total_room_count_estimate: number }> {
    const rows = await this.deps.store.publicRooms();
    let entries: PublicRoomsChunkEntry[] = [];
    for (const r of rows) {
      const state = await this.deps.pipeline.roomState(r.roomId);
      if (state) entries.push(describe(state, r.joinedMembers));
    }
    const term = q.searchTerm?.trim().toLowerCase();
    if (term) {
      entries = entries.filter((e) =>
        [e.name, e.topic, e.canonical_alias, e.room_id].some((f) => f !== undefined && f.toLowerCase().includes(term)),
      );
    }
    if (q.roomTypes && q.roomTypes.length > 0) {
      const types = q.roomTypes;
      entries = entries.filter((e) => types.includes(e.room_type ?? null));
    }
    const total = entries.length;
    let offset = 0;
    if (q.since !== undefined) {
      const m = /^([np])(\d{1,9})$/.exec(q.since);
      if (!m) throw new MatrixError(400, 'M_INVALID_PARAM', 'Invalid since token');
      offset = Number(m[2]);
    }
    const limit = q.limit !== undefined && q.limit > 0 ? q.limit : total;
    const chunk = entries.slice(offset, offset + limit);
    return {
      chunk,
      ...(offset + limit < total ? { next_batch: `n${offset + limit}` } : {}),
      ...(offset > 0 ? { prev_batch: `p${Math.max(0, offset - limit)}` } : {}),
      total_room_count_estimate: total,
    };
  }
}

export function describe(state: RoomState, joined: number): PublicRoomsChunkEntry {
  const str = (type: string, key: string): string | undefined => {
    const v = state.get(type, '')?.content[key];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const e: PublicRoomsChunkEntry = {
    room_id: state.roomId,
    num_joined_members: joined,
    world_readable: str('m.room.history_visibility', 'history_visibility') === 'world_readable',
    guest_can_join: str('m.room.guest_access', 'guest_access') === 'can_join',
  };
  const fields: [keyof PublicRoomsChunkEntry, string, string][] = [
    ['join_rule', 'm.room.join_rules', 'join_rule'],
    ['name', 'm.room.name', 'name'],
    ['topic', 'm.room.topic', 'topic'],
    ['canonical_alias', 'm.room.canonical_alias', 'alias'],
    ['avatar_url', 'm.room.avatar', 'url'],
    ['room_type', 'm.room.create', 'type'],
  ];
  for (const [field, type, key] of fields) {
    const v = str(type, key);
    if (v !== undefined) (e as unknown as Record<string, unknown>)[field] = v;
  }
  return e;
}

/** Whether the user's power level reaches what a state event of `type` needs. */
export function mayChangeState(state: RoomState, userId: string, type: string): boolean {
  const lookup = (t: string, k: string) => state.get(t, k);
  return userPowerLevel(userId, lookup, state.rules) >= requiredPowerLevelForEvent(type, true, lookup, state.rules);
}
