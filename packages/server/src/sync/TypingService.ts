// Typing notifications, kept in memory with their own counter (the second part
// of the sync token, WAVE2 contract). Spec: client-server-api/modules/
// typing_notifications.md — "m.typing" is an ephemeral event listing every user
// currently typing in the room; each change sends the full list.
import type { Notifier } from '../streams/Notifier.js';

/** Longest typing period a client may ask for (Synapse caps at a similar order). */
const MAX_TIMEOUT_MS = 120_000;
const DEFAULT_TIMEOUT_MS = 30_000;

interface RoomTyping {
  /** user ID → expiry timer */
  users: Map<string, NodeJS.Timeout>;
  /** counter value of the last change in this room */
  serial: number;
}

export class TypingService {
  private counter = 0;
  private readonly rooms = new Map<string, RoomTyping>();

  constructor(private readonly notifier: Notifier) {}

  /** Current counter: goes into the sync token. */
  get current(): number {
    return this.counter;
  }

  setTyping(roomId: string, userId: string, typing: boolean, timeoutMs?: number): void {
    let room = this.rooms.get(roomId);
    if (typing) {
      if (!room) this.rooms.set(roomId, (room = { users: new Map(), serial: this.counter }));
      const had = room.users.get(userId);
      if (had) clearTimeout(had);
      const ms = Math.min(Math.max(timeoutMs ?? DEFAULT_TIMEOUT_MS, 0), MAX_TIMEOUT_MS);
      const timer = setTimeout(() => this.setTyping(roomId, userId, false), ms);
      timer.unref();
      room.users.set(userId, timer);
      // Re-sending "typing" while already typing only extends the timeout.
      if (had) return;
    } else {
      const had = room?.users.get(userId);
      if (!room || !had) return;
      clearTimeout(had);
      room.users.delete(userId);
    }
    room.serial = ++this.counter;
    this.notifier.notify({ roomIds: [roomId] });
  }

  /** The m.typing content for the room if it changed after `sinceSerial` (or always when sinceSerial is null). */
  changedSince(roomId: string, sinceSerial: number | null): { user_ids: string[] } | undefined {
    const room = this.rooms.get(roomId);
    if (!room) return undefined;
    if (sinceSerial !== null && room.serial <= sinceSerial) return undefined;
    if (sinceSerial === null && room.users.size === 0) return undefined;
    return { user_ids: [...room.users.keys()] };
  }

  /** Rooms whose typing list changed after the serial. */
  roomsChangedSince(sinceSerial: number): string[] {
    const out: string[] = [];
    for (const [roomId, room] of this.rooms) if (room.serial > sinceSerial) out.push(roomId);
    return out;
  }

  /** Drops a user from a room's typing list (e.g. on leave). */
  clearUser(roomId: string, userId: string): void {
    this.setTyping(roomId, userId, false);
  }

  stop(): void {
    for (const room of this.rooms.values()) for (const t of room.users.values()) clearTimeout(t);
    this.rooms.clear();
  }
}
