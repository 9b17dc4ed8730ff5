// Storage port of the rooms area (WAVE2 "Room data model"). Other areas read
// rooms and events through these functions; only the event persister writes.

export interface RoomRecord {
  roomNid: number;
  roomId: string;
  roomVersion: string;
  creator: string;
  /** Published in the room directory. */
  isPublic: boolean;
  createdTs: number;
}

/** One row of `events`, with the room ID joined in. */
export interface EventRow {
  eventNid: number;
  eventId: string;
  roomNid: number;
  roomId: string;
  streamPos: number;
  depth: number;
  type: string;
  stateKey: string | null;
  sender: string;
  originServerTs: number;
  /** The PDU exactly as signed (canonical JSON). */
  json: string;
  redactedBy: string | null;
  membership: string | null;
  /**
   * Server-side unsigned data as JSON, or null: {replaces_state, prev_content,
   * prev_sender} for state events that replaced one; {txn_id, txn_device_id}
   * for events sent with a transaction ID (shown only to that device).
   */
  unsignedJson: string | null;
}

/** An event to write, with everything the persister decided. */
export interface NewEvent {
  eventNid: number;
  eventId: string;
  roomNid: number;
  streamPos: number;
  depth: number;
  type: string;
  stateKey: string | null;
  sender: string;
  originServerTs: number;
  json: string;
  membership: string | null;
  unsignedJson: string | null;
  /** For events sent with a client transaction ID. */
  txn?: { userId: string; deviceId: string; txnId: string; createdTs: number };
  /** For m.room.redaction: the event it redacts (gets redacted_by). */
  redacts?: string;
  /** content["m.relates_to"] {rel_type, event_id}: a row of event_relations (relations/relationOf.ts). */
  relation?: { relatesTo: string; relType: string };
}

/** A stored event's JSON with its origin signature added (deferred signing). */
export interface SignedJson {
  eventNid: number;
  json: string;
}

/** Signed JSON written with a batch, and (when due) the new signed-through watermark. */
export interface SignatureWrite {
  signed: readonly SignedJson[];
  signedThrough?: number;
}

export interface RoomMembershipRow {
  roomId: string;
  membership: string;
  /** Stream position of the membership event. */
  streamPos: number;
  eventId: string;
}

export interface PublicRoomRow {
  roomNid: number;
  roomId: string;
  joinedMembers: number;
}

export interface RoomStore {
  /** Creates the room row; returns its room_nid. Throws on a duplicate room ID. */
  createRoom(r: { roomId: string; roomVersion: string; creator: string; isPublic: boolean; createdTs: number }): Promise<number>;
  getRoom(roomId: string): Promise<RoomRecord | undefined>;
  getRoomByNid(roomNid: number): Promise<RoomRecord | undefined>;
  setRoomPublic(roomNid: number, isPublic: boolean): Promise<void>;

  /** Highest event_nid in use (0 when none). */
  maxEventNid(): Promise<number>;
  /**
   * Writes the events in ONE transaction: the event rows, current_state for
   * state events (in order, so the last one per key wins), transaction IDs,
   * and redacted_by of redaction targets; plus, for deferred signing, the
   * signed JSON of earlier events and the signed-through watermark.
   */
  persistEvents(events: readonly NewEvent[], signatures?: SignatureWrite): Promise<void>;
  /**
   * Whether the pipeline should defer signing (rooms/EventSigner.ts): true on
   * SQLite, where a commit is a synchronous main-thread cost and the signature
   * is the largest piece of a send's CPU left to move off its critical path.
   */
  readonly deferredSigning: boolean;
  /**
   * The events above the signed-through watermark, with their rooms' versions,
   * for start-up to sign what a crash left unsigned ([] when not deferring).
   */
  unsignedCandidates(): Promise<{ eventNid: number; json: string; roomVersion: string }[]>;

  /** The room's current state events. */
  currentStateEvents(roomNid: number): Promise<EventRow[]>;
  /** One current state event, or undefined. */
  currentStateEvent(roomNid: number, type: string, stateKey: string): Promise<EventRow | undefined>;
  /** The room's latest event (highest stream position). */
  lastEvent(roomNid: number): Promise<EventRow | undefined>;
  getEvent(eventId: string): Promise<EventRow | undefined>;
  getEvents(eventIds: readonly string[]): Promise<EventRow[]>;

  /** The event ID sent earlier with this transaction ID, if any. */
  txnEventId(userId: string, deviceId: string, txnId: string): Promise<string | undefined>;
  /** The device's transaction IDs created at or after `sinceTs`, oldest first, at most `limit`. */
  recentTxns(userId: string, deviceId: string, sinceTs: number, limit: number): Promise<{ txnId: string; eventId: string }[]>;

  /** The user's current memberships (from current_state), optionally only these. */
  roomsForUser(userId: string, memberships?: readonly string[]): Promise<RoomMembershipRow[]>;
  /** User IDs with `membership` (default join) in the room's current state. */
  roomMembers(roomNid: number, membership?: string): Promise<string[]>;

  /** Public rooms with their joined member counts, most members first, then room ID. */
  publicRooms(): Promise<PublicRoomRow[]>;

  /** Returns false when the alias exists. */
  createAlias(alias: string, roomId: string, creator: string): Promise<boolean>;
  getAlias(alias: string): Promise<{ roomId: string; creator: string } | undefined>;
  /** Returns false when there was no such alias. */
  deleteAlias(alias: string): Promise<boolean>;
  aliasesForRoom(roomId: string): Promise<string[]>;

  setForgotten(userId: string, roomId: string, forgotten: boolean): Promise<void>;
  isForgotten(userId: string, roomId: string): Promise<boolean>;
  forgottenRooms(userId: string): Promise<Set<string>>;
}
