// Reads the push area makes over the rooms / receipts tables (owned by the rooms
// and sync areas) to count notifications per room.

/** An event from someone else that the user has not read yet. */
export interface PushCandidateRow {
  stream_pos: number;
  /** The PDU JSON as stored. */
  json: string;
  redacted_by: string | null;
}

/** What push conditions need to know about a room, from its current state. */
export interface PushRoomContext {
  roomVersion: string;
  joinedMemberCount: number;
  /** PDU JSON of the current m.room.create, m.room.power_levels and the user's m.room.member, when present. */
  createJson: string | undefined;
  powerLevelsJson: string | undefined;
  ownMemberJson: string | undefined;
}

export interface PushReadStore {
  /** room_id → stream_pos of the event of the user's latest m.read / m.read.private receipt (rooms without one absent). */
  readPositions(userId: string, roomIds: readonly string[]): Promise<Map<string, number>>;
  /** Newest first, at most `limit`: events of the room with after < stream_pos <= upto not sent by the user. */
  eventsFromOthers(roomNid: number, userId: string, after: number, upto: number, limit: number): Promise<PushCandidateRow[]>;
  /** Contexts of several rooms in one round of queries (room_nid → context; unknown rooms absent). */
  roomContexts(roomNids: readonly number[], userId: string): Promise<Map<number, PushRoomContext>>;
}
