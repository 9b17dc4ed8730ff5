// Batch form of toClientEvent for read paths: fetches what a list of stored
// events needs (room versions, redaction events for redacted_because) with a
// few queries, then formats each. The sending device's transaction ID is kept
// in the row's server-side unsigned data.
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

  /**
   * Adds server-side aggregations to formatted events in place (the relations
   * area's bundled m.thread summaries, wired in main.ts). Returns undefined when
   * it has nothing to do, so the common case costs no extra tick.
   */
  decorate: ((rows: readonly EventRow[], events: ClientEvent[], viewer?: Viewer) => Promise<void> | undefined) | undefined;

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
    const out = rows.map((r) => {
      const txn = viewer?.deviceId !== undefined && r.sender === viewer.userId ? ownTxnId(r, viewer.deviceId) : undefined;
      const because = r.redactedBy ? redactions.get(r.redactedBy) : undefined;
      return toClientEvent(r, {
        rules: this.versions.get(r.roomId) ?? '1',
        nowMs,
        ...(txn !== undefined ? { transactionId: txn } : {}),
        ...(because ? { redactedBecause: because } : {}),
      });
    });
    const pending = this.decorate?.(rows, out, viewer);
    if (pending) await pending;
    return out;
  }
}

/** The transaction ID if `deviceId` sent this event with one. */
function ownTxnId(row: EventRow, deviceId: string): string | undefined {
  if (!row.unsignedJson || !row.unsignedJson.includes('"txn_id"')) return undefined;
  const u = JSON.parse(row.unsignedJson) as { txn_id?: string; txn_device_id?: string };
  return u.txn_device_id === deviceId ? u.txn_id : undefined;
}
