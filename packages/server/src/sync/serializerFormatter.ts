// Adapts the rooms area's ClientEventSerializer (batched toClientEvent) to the
// sync area's ClientEventFormatter: same formatting on every read path (WAVE2).
import type { ClientEventSerializer } from '../rooms/ClientEventSerializer.js';
import type { EventRow } from '../storage/ports/rooms.js';
import type { SyncEventRow } from '../storage/ports/sync.js';
import type { ClientEventFormatter } from './ports.js';

export function toEventRow(r: SyncEventRow, roomId: string): EventRow {
  return {
    eventNid: r.event_nid,
    eventId: r.event_id,
    roomNid: r.room_nid,
    roomId,
    streamPos: r.stream_pos,
    depth: 0,
    type: r.type,
    stateKey: r.state_key,
    sender: r.sender,
    originServerTs: r.origin_server_ts,
    json: r.json,
    redactedBy: r.redacted_by,
    membership: r.membership,
    unsignedJson: r.unsigned_json,
  };
}

export function serializerFormatter(serializer: ClientEventSerializer): ClientEventFormatter {
  return async (rows, roomId, viewer) =>
    (await serializer.serialize(rows.map((r) => toEventRow(r, roomId)), viewer)) as unknown as Record<string, unknown>[];
}
