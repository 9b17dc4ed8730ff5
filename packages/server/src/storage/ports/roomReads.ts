// Storage port of the events-read area: history reads over the rooms area's
// tables (events, current_state). Read-only; the rooms area's persister is the
// only writer. "State at a position" follows the WAVE2 contract: rooms have
// linear history, so it is, per (type, state_key), the latest state event with
// stream_pos <= the position.
import type { EventRow } from './rooms.js';

/** A row that changes what a user may see in a room: their own m.room.member events and m.room.history_visibility events. */
export interface VisibilityChangeRow {
  streamPos: number;
  type: string;
  /** content.membership of the user's member events; null for history_visibility events. */
  membership: string | null;
  /** content.history_visibility for history_visibility events (undefined when absent or not a string). */
  historyVisibility?: string;
}

export interface RoomReadStore {
  /**
   * The user's m.room.member events and every m.room.history_visibility event
   * (state_key '') of the room, oldest first — one query.
   */
  visibilityChanges(roomNid: number, userId: string): Promise<VisibilityChangeRow[]>;
  /** Events with lowerExclusive < stream_pos <= upperInclusive, newest first, at most `limit` (lowerExclusive null = unbounded). */
  eventsDesc(roomNid: number, upperInclusive: number, lowerExclusive: number | null, limit: number): Promise<EventRow[]>;
  /** Events with lowerExclusive < stream_pos <= upperInclusive, oldest first, at most `limit`. */
  eventsAsc(roomNid: number, lowerExclusive: number, upperInclusive: number, limit: number): Promise<EventRow[]>;
  /**
   * The state at `pos`: per (type, state_key) the latest state event with
   * stream_pos <= pos; only `only.type` / all but `only.notType` when given. Stream order.
   */
  stateAt(roomNid: number, pos: number, only?: { type?: string; notType?: string }): Promise<EventRow[]>;
  /**
   * Events closest to a timestamp (timestamp_to_event): dir f → origin_server_ts >= ts, oldest first;
   * dir b → origin_server_ts <= ts, newest first. At most `limit`.
   */
  eventsNearTimestamp(roomNid: number, ts: number, dir: 'f' | 'b', limit: number): Promise<EventRow[]>;
  /** State events of one type for these state keys at `pos` (e.g. members for lazy loading). */
  stateEventsAt(roomNid: number, pos: number, type: string, stateKeys: readonly string[]): Promise<EventRow[]>;
}
