// History visibility on every read path (client-server-api "Room History
// Visibility"). Usage:
//
//   const vis = new HistoryVisibilityService({ rooms: storage.rooms, reads: roomReads });
//   // Batch filter: ONE query (the user's member events + the room's
//   // history_visibility events), then an in-memory walk; keeps input order.
//   const visible = await vis.filterVisibleEvents(userId, roomNid, eventRows);
//   // Many batches of one room (paging): load the timeline once.
//   const t = await vis.timeline(roomNid, userId); t.canSee(info);
//   // snake_case rows (the sync area's SyncEventRow): vis.syncFilter is a
//   // VisibilityFilter (sync/ports.ts) — pass it as `visibility` to createSyncArea.
//   // Room-level access for the read endpoints (403 M_FORBIDDEN otherwise):
//   const access = await vis.roomAccess(userId, roomId);
import { MatrixError } from '@weft/core';
import type { EventRow, RoomRecord, RoomStore } from '../storage/ports/rooms.js';
import type { RoomReadStore } from '../storage/ports/roomReads.js';
import { VisibilityTimeline, type VisibilityEventInfo } from './historyVisibility.js';

/** How a user may read a room (see roomAccess). */
export interface RoomAccess {
  room: RoomRecord;
  /** The user's current membership (null when they never had one). */
  membership: string | null;
  /**
   * The highest position whose state the user may read: the position of
   * their leave for departed members ("If the user has left the room then the
   * state is taken from the state of the room when they left" — rooms.yaml),
   * null for the current state (joined users, world_readable peeks).
   */
  stateUpto: number | null;
  /** The user's visibility timeline in the room, for per-event checks. */
  timeline: VisibilityTimeline;
}

/** A snake_case event row (sync/ports.ts VisibilityFilter rows). */
export interface SnakeEventRow {
  stream_pos: number;
  type: string;
  state_key: string | null;
  membership: string | null;
  json: string;
}

/** The fields of an EventRow the rules read. */
export function eventRowInfo(r: Pick<EventRow, 'streamPos' | 'type' | 'stateKey' | 'membership' | 'json'>): VisibilityEventInfo {
  return {
    streamPos: r.streamPos, type: r.type, stateKey: r.stateKey, membership: r.membership,
    historyVisibility: () => (JSON.parse(r.json) as { content?: { history_visibility?: unknown } }).content?.history_visibility,
  };
}

function snakeRowInfo(r: SnakeEventRow): VisibilityEventInfo {
  return {
    streamPos: r.stream_pos, type: r.type, stateKey: r.state_key, membership: r.membership,
    historyVisibility: () => (JSON.parse(r.json) as { content?: { history_visibility?: unknown } }).content?.history_visibility,
  };
}

export class HistoryVisibilityService {
  constructor(private readonly deps: { rooms: Pick<RoomStore, 'getRoom' | 'isForgotten'>; reads: Pick<RoomReadStore, 'visibilityChanges'> }) {}

  /** The user's visibility timeline in a room (one query). */
  async timeline(roomNid: number, userId: string): Promise<VisibilityTimeline> {
    return new VisibilityTimeline(userId, await this.deps.reads.visibilityChanges(roomNid, userId));
  }

  /** The events (of room `roomNid`) the user may see, in input order. */
  async filterVisibleEvents<T extends Pick<EventRow, 'streamPos' | 'type' | 'stateKey' | 'membership' | 'json'>>(
    userId: string, roomNid: number, events: readonly T[],
  ): Promise<T[]> {
    if (events.length === 0) return [];
    const t = await this.timeline(roomNid, userId);
    return events.filter((e) => t.canSee(eventRowInfo(e)));
  }

  /** The sync area's VisibilityFilter (sync/ports.ts) over snake_case rows. */
  readonly syncFilter = async <T extends SnakeEventRow>(userId: string, _roomId: string, roomNid: number, rows: T[]): Promise<T[]> => {
    if (rows.length === 0) return rows;
    const t = await this.timeline(roomNid, userId);
    return rows.filter((r) => t.canSee(snakeRowInfo(r)));
  };

  /**
   * Whether the user may read the room at all (403 M_FORBIDDEN "You aren't a
   * member of the room and weren't previously a member of the room" — rooms.yaml):
   * joined users; users who were joined and left (or were kicked/banned) and
   * did not forget the room; anyone while the room is world_readable
   * (modules/room_previews.md). Unknown rooms get the same 403 (no probing).
   */
  async roomAccess(userId: string, roomId: string): Promise<RoomAccess> {
    // PostgreSQL refuses NUL in text parameters; no room ID contains one.
    const room = roomId.includes('\u0000') ? undefined : await this.deps.rooms.getRoom(roomId);
    const forbidden = () => new MatrixError(403, 'M_FORBIDDEN', `User ${userId} not in room ${roomId}, and room previews are disabled`);
    if (!room) throw forbidden();
    const changes = await this.deps.reads.visibilityChanges(room.roomNid, userId);
    const timeline = new VisibilityTimeline(userId, changes);
    let membership: string | null = null;
    let membershipPos = 0;
    let everJoined = false;
    for (const c of changes) {
      if (c.type !== 'm.room.member') continue;
      membership = c.membership;
      membershipPos = c.streamPos;
      if (c.membership === 'join') everJoined = true;
    }
    if (membership === 'join') return { room, membership, stateUpto: null, timeline };
    if ((membership === 'leave' || membership === 'ban') && everJoined && !(await this.deps.rooms.isForgotten(userId, roomId))) {
      return { room, membership, stateUpto: membershipPos, timeline };
    }
    if (timeline.currentVisibility() === 'world_readable') return { room, membership, stateUpto: null, timeline };
    throw forbidden();
  }
}
