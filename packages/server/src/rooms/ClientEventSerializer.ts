// Batch form of toClientEvent for read paths: fetches what a list of stored
// events needs (room versions, redaction events for redacted_because, the
// requesting device's transaction IDs) with a few queries, then formats each.
import type { EventRow, RoomStore } from '../storage/ports/rooms.js';
import { toClientEvent, type ClientEvent } from './clientEvent.js';

export interface Viewer {
  userId: string;
  /** The requesting device: its own events get unsigned.transaction_id. */
  deviceId?: string;
}

export class ClientEventSerializer {
  /** room ID → room version (immutable, so cached forever). */
  private readonly versions = new Map<string, string>();

  constructor(private readonly store: RoomStore, private readonly now: () => number = Date.now) {}

  async serialize(rows: readonly EventRow[], viewer?: Viewer): Promise<ClientEvent[]> {
    if (rows.length === 0) return [];
    const nowMs = this.now();
    for (const r of rows) {
      if (!this.versions.has(r.roomId)) {
        const room = await this.store.getRoomByNid(r.roomNid);
        if (room) this.versions.set(r.roomId, room.roomVersion);
      }
    }
    const redactionIds = [...new Set(rows.map((r) => r.redactedBy).filter((x): x is string => !!x))];
    const redactions = new Map<string, ClientEvent>();
    if (redactionIds.length > 0) {
      for (const r of await this.store.getEvents(redactionIds)) {
        redactions.set(r.eventId, toClientEvent(r, { rules: this.versions.get(r.roomId) ?? '1', nowMs }));
      }
    }
    const own = viewer?.deviceId === undefined ? [] : rows.filter((r) => r.sender === viewer.userId).map((r) => r.eventId);
    const txnIds = own.length > 0 ? await this.store.txnIdsForEvents(viewer!.userId, viewer!.deviceId!, own) : new Map<string, string>();
    return rows.map((r) => {
      const txn = txnIds.get(r.eventId);
      const because = r.redactedBy ? redactions.get(r.redactedBy) : undefined;
      return toClientEvent(r, {
        rules: this.versions.get(r.roomId) ?? '1',
        nowMs,
        ...(txn !== undefined ? { transactionId: txn } : {}),
        ...(because ? { redactedBecause: because } : {}),
      });
    });
  }
}
