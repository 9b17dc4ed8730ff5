// What the sync area needs from others, as narrow interfaces (DESIGN
// principle 7). The composition root passes the real implementations.
import type { SyncEventRow } from '../storage/ports/sync.js';

/** Who is reading: toClientEvent adds unsigned.transaction_id only for the sending device. */
export interface Viewer {
  userId: string;
  deviceId: string;
}

/**
 * Formats a stored event for clients. The composition root passes the rooms
 * area's `toClientEvent` (rooms/clientEvent.ts, batched by ClientEventSerializer)
 * — the one formatter every read path uses (WAVE2). Same order as `rows`.
 */
export type ClientEventFormatter = (rows: readonly SyncEventRow[], roomId: string, viewer: Viewer) => Promise<Record<string, unknown>[]>;

/**
 * History visibility (client-server-api "History visibility"): keeps only the
 * events the user may see. Implemented by the events-read area
 * (packages/server/src/visibility/). Rows come oldest first; return a subset in
 * the same order.
 */
export type VisibilityFilter = (userId: string, roomId: string, roomNid: number, rows: SyncEventRow[]) => Promise<SyncEventRow[]>;

/** INTEGRATION POINT: used until the visibility module is wired in main.ts. Shows everything. */
export const showAllEvents: VisibilityFilter = async (_u, _r, _n, rows) => rows;

export interface UnreadCounts {
  highlight_count: number;
  notification_count: number;
}

/**
 * unread_notifications for joined rooms (client-server-api "Receiving
 * notifications"). The push module, when it exists, replaces the default.
 */
export type UnreadCounter = (
  userId: string, rooms: readonly { roomId: string; roomNid: number; joinedAt: number }[], upto: number,
) => Promise<Map<string, UnreadCounts>>;
