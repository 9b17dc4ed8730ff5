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
  /**
   * Newest first, at most `limit`: events of the room with stream_pos above both `after`
   * and the user's latest m.read / m.read.private receipt, up to `upto`, not sent by the user.
   */
  unreadCandidates(userId: string, roomId: string, roomNid: number, after: number, upto: number, limit: number): Promise<PushCandidateRow[]>;
  roomContext(roomNid: number, userId: string): Promise<PushRoomContext | undefined>;
}
