// Storage port of pushers and their outbox (push/PusherService.ts, push/PushSender.ts).

export interface Pusher {
  id: number;
  userId: string;
  deviceId: string;
  appId: string;
  pushkey: string;
  kind: string;
  appDisplayName: string;
  deviceDisplayName: string;
  profileTag: string | null;
  lang: string;
  data: Record<string, unknown>;
  createdTs: number;
}

export interface OutboxItem {
  id: number;
  pusherId: number;
  bodyJson: string;
  attempts: number;
}

/** A room event considered for pushing. */
export interface PushEventRow {
  eventId: string;
  roomNid: number;
  roomId: string;
  streamPos: number;
  sender: string;
  json: string;
  redactedBy: string | null;
}

export interface PusherStore {
  all(): Promise<Pusher[]>;
  /** Creates or replaces the user's pusher with this app ID and pushkey. */
  upsert(p: Omit<Pusher, 'id'>): Promise<void>;
  /** Deletes pushers with this app ID and pushkey: the user's (userId) or everybody's but `exceptUserId`'s. */
  delete(appId: string, pushkey: string, who: { userId: string } | { exceptUserId: string } | 'all'): Promise<void>;
  deleteForDevices(userId: string, deviceIds: readonly string[]): Promise<void>;
  pushedThrough(): Promise<number>;
  setPushedThrough(pos: number): Promise<void>;
  /** Room events with after < stream_pos <= upto, oldest first, at most `limit`. */
  events(after: number, upto: number, limit: number): Promise<PushEventRow[]>;
  /** Joined members of the room, with the stream position of their join. */
  joinedMembers(roomNid: number): Promise<{ userId: string; joinedAt: number }[]>;
  /** The notifications to send and the new progress mark, in one transaction. */
  enqueue(items: readonly { pusherId: number; bodyJson: string }[], pushedThrough: number, nowTs: number): Promise<void>;
  due(nowTs: number, limit: number): Promise<OutboxItem[]>;
  done(id: number): Promise<void>;
  retryAt(id: number, attempts: number, nextTryTs: number): Promise<void>;
}
