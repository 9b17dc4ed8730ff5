// Shared helpers of the rooms tests: read what the server stored, through its storage.
import type { TestServer, TestUser } from '../harness.js';

export const V3 = '/_matrix/client/v3';
export const R0 = '/_matrix/client/r0';

/** Creates a room (asserting success) and returns its ID. */
export async function createRoom(hs: TestServer, user: TestUser, body: Record<string, unknown> = {}): Promise<string> {
  const res = await hs.request('POST', `${V3}/createRoom`, body, user.accessToken);
  if (res.status !== 200) throw new Error(`createRoom failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.room_id as string;
}

/** The stored event (PDU parsed) or undefined. */
export async function storedEvent(hs: TestServer, eventId: string) {
  const row = await hs.hs.storage.rooms.getEvent(eventId);
  return row ? { ...row, pdu: JSON.parse(row.json) as Record<string, any> } : undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Current state of a room from storage: "type|state_key" → parsed PDU. */
export async function currentState(hs: TestServer, roomId: string) {
  const room = await hs.hs.storage.rooms.getRoom(roomId);
  if (!room) throw new Error(`no room ${roomId}`);
  const rows = await hs.hs.storage.rooms.currentStateEvents(room.roomNid);
  const out = new Map<string, Record<string, any>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const r of rows) out.set(`${r.type}|${r.stateKey}`, { ...JSON.parse(r.json), event_id: r.eventId });
  return out;
}

export async function membership(hs: TestServer, roomId: string, userId: string): Promise<string | undefined> {
  return (await currentState(hs, roomId)).get(`m.room.member|${userId}`)?.content.membership;
}

/** Every event of the room in stream order (parsed PDUs). */
export async function roomEvents(hs: TestServer, roomId: string) {
  const room = await hs.hs.storage.rooms.getRoom(roomId);
  if (!room) throw new Error(`no room ${roomId}`);
  const db = hs.hs.storage.database.db;
  const rows = await db.selectFrom('events').select(['event_id', 'json', 'stream_pos', 'redacted_by']).where('room_nid', '=', room.roomNid).orderBy('stream_pos').execute();
  return rows.map((r: { event_id: string; json: string; stream_pos: number; redacted_by: string | null }) => ({
    eventId: r.event_id, streamPos: Number(r.stream_pos), redactedBy: r.redacted_by, pdu: JSON.parse(r.json),
  }));
}
