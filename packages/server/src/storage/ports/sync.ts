// Storage ports of the sync area: filters, account data, receipts, presence,
// and the reads /sync makes over the rooms area's tables (events,
// current_state, rooms — WAVE2 "Room data model"). Implemented over Kysely in
// ../kysely/KyselySync*.ts. Writers pass the stream position they allocated;
// readers only read up to generator.current.

export interface FilterStore {
  /** Stores the filter JSON and returns its new ID. */
  createFilter(userId: string, filterJson: string): Promise<string>;
  getFilter(userId: string, filterId: string): Promise<string | undefined>;
}

export interface AccountDataRow {
  /** '' for global account data. */
  roomId: string;
  type: string;
  content: Record<string, unknown>;
  streamPos: number;
}

export interface AccountDataStore {
  /** roomId '' = global. */
  putAccountData(userId: string, roomId: string, type: string, content: Record<string, unknown>, streamPos: number): Promise<void>;
  getAccountData(userId: string, roomId: string, type: string): Promise<Record<string, unknown> | undefined>;
  /** Rows with since < stream_pos <= upto (since null = all). */
  accountDataSince(userId: string, since: number | null, upto: number): Promise<AccountDataRow[]>;
}

export interface ReceiptRow {
  roomId: string;
  receiptType: string;
  userId: string;
  /** undefined = unthreaded. */
  threadId: string | undefined;
  eventId: string;
  ts: number;
  streamPos: number;
}

export interface ReceiptStore {
  putReceipt(r: ReceiptRow): Promise<void>;
  /** Receipts in these rooms with since < stream_pos <= upto (since null = all). */
  receiptsSince(roomIds: readonly string[], since: number | null, upto: number): Promise<ReceiptRow[]>;
  /** Rooms (among roomIds) with receipts in (since, upto]. */
  roomsWithReceiptsSince(since: number, upto: number): Promise<string[]>;
}

export interface PresenceRow {
  userId: string;
  presence: 'online' | 'offline' | 'unavailable';
  statusMsg: string | null;
  lastActiveTs: number;
  currentlyActive: boolean;
  streamPos: number;
}

export interface PresenceStore {
  putPresence(row: PresenceRow): Promise<void>;
  getPresence(userId: string): Promise<PresenceRow | undefined>;
  /** Presence rows of these users with since < stream_pos <= upto (since null = all). */
  presenceSince(userIds: readonly string[] | null, since: number | null, upto: number): Promise<PresenceRow[]>;
}

/** An event row as the rooms area stores it (WAVE2 `events` table). */
export interface SyncEventRow {
  event_nid: number;
  event_id: string;
  room_nid: number;
  stream_pos: number;
  type: string;
  state_key: string | null;
  sender: string;
  origin_server_ts: number;
  json: string;
  redacted_by: string | null;
  membership: string | null;
  unsigned_json: string | null;
}

export interface UserMembership {
  roomNid: number;
  roomId: string;
  membership: string;
  /** stream_pos of the membership event. */
  streamPos: number;
  eventNid: number;
}

export interface MemberRow {
  userId: string;
  membership: string;
  streamPos: number;
}

/** Reads over the rooms area's tables that /sync needs. */
export interface SyncReadStore {
  /** The user's current membership in every room where they have one (from current_state). */
  membershipsOf(userId: string): Promise<UserMembership[]>;
  /** The user's membership event in a room as of a stream position (latest at or below pos). */
  membershipAt(roomNid: number, userId: string, pos: number): Promise<SyncEventRow | undefined>;
  /** Rooms having any event with since < stream_pos <= upto. */
  roomsWithEventsBetween(since: number, upto: number): Promise<Set<number>>;
  /** Newest-first events of a room with after < stream_pos <= upto (after null = unbounded), at most `limit`. */
  timelineDesc(roomNid: number, after: number | null, upto: number, limit: number): Promise<SyncEventRow[]>;
  /** Current state of the room (one event per (type, state_key)). */
  currentState(roomNid: number): Promise<SyncEventRow[]>;
  /** Current state of several rooms in one query (room_nid → rows in stream order). */
  currentStateOfRooms(roomNids: readonly number[]): Promise<Map<number, SyncEventRow[]>>;
  /** State events with after < stream_pos < before, oldest first. */
  stateEventsBetween(roomNid: number, after: number, before: number): Promise<SyncEventRow[]>;
  /** The latest state event for (type, state_key) with stream_pos <= pos. */
  stateEventAt(roomNid: number, type: string, stateKey: string, pos: number): Promise<SyncEventRow | undefined>;
  /** Every member (any membership) of the room from current_state, in stream order. */
  members(roomNid: number): Promise<MemberRow[]>;
  /** Of the given users, those joined to any of the given rooms. */
  usersSharingRooms(roomNids: readonly number[], userIds: readonly string[]): Promise<Set<string>>;
  /** Every user joined to any of the given rooms. */
  usersInRooms(roomNids: readonly number[]): Promise<Set<string>>;
  /** room_nid → room_id for these rooms. */
  roomIds(roomNids: readonly number[]): Promise<Map<number, string>>;
  /** room_id → room_nid (undefined when unknown). */
  roomNid(roomId: string): Promise<number | undefined>;
  /** Rooms the user has forgotten (POST /rooms/{roomId}/forget): left rooms not to show. */
  forgottenRooms(userId: string): Promise<Set<string>>;
  /**
   * m.room.message / m.room.encrypted events from others in the room with stream_pos
   * above both `after` and the user's latest m.read / m.read.private receipt, up to upto.
   */
  countUnread(userId: string, roomId: string, roomNid: number, after: number, upto: number): Promise<number>;
  /** An event of a room by ID. */
  eventInRoom(roomNid: number, eventId: string): Promise<SyncEventRow | undefined>;
}
