// NOTSPEC (approximation until push rules are evaluated): with the default push
// rules every m.room.message and m.room.encrypted from someone else notifies
// (.m.rule.message / .m.rule.encrypted), so notification_count is the number of
// such events after the user's latest m.read / m.read.private receipt (or their
// join). highlight_count stays 0 (mention rules are not evaluated).
import type { SyncReadStore } from '../storage/ports/sync.js';
import type { UnreadCounter, UnreadCounts } from './ports.js';

export function defaultUnreadCounter(reads: SyncReadStore): UnreadCounter {
  return async (userId, rooms, upto) => {
    const out = new Map<string, UnreadCounts>();
    if (rooms.length === 0) return out;
    // One query per room (receipt position as a subquery), all in parallel.
    await Promise.all(rooms.map(async (r) => {
      const n = r.joinedAt >= upto ? 0 : await reads.countUnread(userId, r.roomId, r.roomNid, r.joinedAt, upto);
      out.set(r.roomId, { highlight_count: 0, notification_count: n });
    }));
    return out;
  };
}
