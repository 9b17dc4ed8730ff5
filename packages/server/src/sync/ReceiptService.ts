// Receipts and read markers. Spec: client-server-api/modules/receipts.md,
// read_markers.md; data/api/client-server/receipts.yaml, read_markers.yaml.
import { MatrixError } from '@weft/core';
import type { ReceiptStore, SyncReadStore } from '../storage/ports/sync.js';
import type { AccountDataService } from './AccountDataService.js';
import { writeAtNextPosition, type StreamDeps } from './streamWrite.js';

export const RECEIPT_TYPES = new Set(['m.read', 'm.read.private']);

export class ReceiptService {
  constructor(
    private readonly store: ReceiptStore,
    private readonly reads: SyncReadStore,
    private readonly accountData: AccountDataService,
    private readonly streams: StreamDeps,
    private readonly now: () => number = Date.now,
  ) {}

  /** POST /rooms/{roomId}/receipt/{receiptType}/{eventId}. */
  async postReceipt(userId: string, roomId: string, receiptType: string, eventId: string, threadId: unknown): Promise<void> {
    if (receiptType !== 'm.fully_read' && !RECEIPT_TYPES.has(receiptType)) {
      throw new MatrixError(400, 'M_INVALID_PARAM', `Unknown receipt type ${receiptType}`);
    }
    if (threadId !== undefined) {
      // receipts.yaml 400: thread_id not a string, empty, or given for an incompatible receipt type.
      if (typeof threadId !== 'string' || threadId === '') throw new MatrixError(400, 'M_INVALID_PARAM', 'thread_id must be a non-empty string');
      if (receiptType === 'm.fully_read') throw new MatrixError(400, 'M_INVALID_PARAM', 'thread_id is not allowed for m.fully_read');
      if (threadId !== 'main' && !threadId.startsWith('$')) throw new MatrixError(400, 'M_INVALID_PARAM', 'thread_id must be an event ID or "main"');
    }
    const roomNid = await this.requireJoined(userId, roomId);
    await this.requireEvent(roomNid, eventId);
    if (receiptType === 'm.fully_read') return this.setFullyRead(userId, roomId, eventId);
    await this.writeReceipt(userId, roomId, receiptType, eventId, threadId as string | undefined);
  }

  /** POST /rooms/{roomId}/read_markers. */
  async postReadMarkers(userId: string, roomId: string, body: Record<string, unknown>): Promise<void> {
    const fields = ['m.fully_read', 'm.read', 'm.read.private'] as const;
    for (const f of fields) {
      if (body[f] !== undefined && (typeof body[f] !== 'string' || !(body[f] as string).startsWith('$'))) {
        throw new MatrixError(400, 'M_BAD_JSON', `${f} must be an event ID`);
      }
    }
    const roomNid = await this.requireJoined(userId, roomId);
    for (const f of fields) if (body[f] !== undefined) await this.requireEvent(roomNid, body[f] as string);
    if (body['m.fully_read'] !== undefined) await this.setFullyRead(userId, roomId, body['m.fully_read'] as string);
    if (body['m.read'] !== undefined) await this.writeReceipt(userId, roomId, 'm.read', body['m.read'] as string, undefined);
    if (body['m.read.private'] !== undefined) await this.writeReceipt(userId, roomId, 'm.read.private', body['m.read.private'] as string, undefined);
  }

  private async setFullyRead(userId: string, roomId: string, eventId: string): Promise<void> {
    // read_markers.md: the marker is room account data of type m.fully_read.
    await this.accountData.put(userId, roomId, 'm.fully_read', { event_id: eventId });
  }

  private async writeReceipt(userId: string, roomId: string, receiptType: string, eventId: string, threadId: string | undefined): Promise<void> {
    // Private receipts are seen only by their sender: wake only that user.
    const wake = receiptType === 'm.read.private' ? { userIds: [userId] } : { roomIds: [roomId] };
    await writeAtNextPosition(
      this.streams,
      'receipts',
      (pos) => this.store.putReceipt({ roomId, receiptType, userId, threadId, eventId, ts: this.now(), streamPos: pos }),
      wake,
    );
  }

  private async requireJoined(userId: string, roomId: string): Promise<number> {
    const roomNid = await this.reads.roomNid(roomId);
    const member = roomNid === undefined ? undefined : await this.reads.membershipAt(roomNid, userId, Number.MAX_SAFE_INTEGER);
    if (roomNid === undefined || member?.membership !== 'join') {
      throw new MatrixError(403, 'M_FORBIDDEN', 'You are not joined to this room');
    }
    return roomNid;
  }

  private async requireEvent(roomNid: number, eventId: string): Promise<void> {
    if (!(await this.reads.eventInRoom(roomNid, eventId))) throw new MatrixError(404, 'M_NOT_FOUND', 'Unknown event');
  }
}
