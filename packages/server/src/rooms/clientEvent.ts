// Client-format events (client-server-api "Room Event Format" / ClientEvent):
// the ONE function every read path (sync, /messages, /context, /event, /state)
// uses to turn a stored event into what a client sees (WAVE2 contract).
//   - redacted events are served redacted (the room version's algorithm) with
//     unsigned.redacted_because;
//   - unsigned.transaction_id only for the device that sent the event;
//   - unsigned.prev_content / replaces_state / prev_sender for state events
//     that replaced an earlier one (computed when the event was written);
//   - unsigned.age relative to `nowMs`;
//   - m.room.redaction carries `redacts` both top-level and in content, as the
//     v11 room version advises for clients that read either place.
import { redact, roomVersionRules, type Pdu, type RoomVersionRules } from '@weft/core';

export interface ClientEvent {
  type: string;
  content: Record<string, unknown>;
  sender: string;
  event_id: string;
  origin_server_ts: number;
  room_id: string;
  state_key?: string;
  redacts?: string;
  unsigned: ClientUnsigned;
}

export interface ClientUnsigned {
  age?: number;
  transaction_id?: string;
  prev_content?: Record<string, unknown>;
  replaces_state?: string;
  prev_sender?: string;
  redacted_because?: ClientEvent;
  [key: string]: unknown;
}

/** What toClientEvent needs of a stored event (an EventRow satisfies it). */
export interface StoredEventLike {
  eventId: string;
  roomId: string;
  /** The PDU as canonical JSON (or already parsed). */
  json: string | Pdu;
  redactedBy?: string | null;
  unsignedJson?: string | null;
}

export interface ClientEventOptions {
  /** The room's version rules (or version ID) — needed to serve a redacted event. */
  rules: RoomVersionRules | string;
  /** Now, for unsigned.age; omitted → no age. */
  nowMs?: number;
  /** Set only when the requesting device sent this event with a transaction ID. */
  transactionId?: string;
  /** The redaction event (client format) when the event is redacted. */
  redactedBecause?: ClientEvent;
}

export function toClientEvent(stored: StoredEventLike, opts: ClientEventOptions): ClientEvent {
  let pdu = (typeof stored.json === 'string' ? JSON.parse(stored.json) : stored.json) as Pdu;
  const redacted = stored.redactedBy !== undefined && stored.redactedBy !== null;
  if (redacted) {
    const rules = typeof opts.rules === 'string' ? roomVersionRules(opts.rules) : opts.rules;
    if (rules) pdu = redact(pdu, rules);
  }
  const content = (pdu.content ?? {}) as Record<string, unknown>;
  const out: ClientEvent = {
    type: pdu.type ?? '',
    content,
    sender: pdu.sender ?? '',
    event_id: stored.eventId,
    origin_server_ts: pdu.origin_server_ts ?? 0,
    room_id: stored.roomId,
    unsigned: {},
  };
  if (typeof pdu.state_key === 'string') out.state_key = pdu.state_key;
  if (out.type === 'm.room.redaction') {
    const target = typeof pdu.redacts === 'string' ? pdu.redacts : typeof content['redacts'] === 'string' ? (content['redacts'] as string) : undefined;
    if (target !== undefined) {
      out.redacts = target;
      if (!redacted && content['redacts'] === undefined) out.content = { ...content, redacts: target };
    }
  }
  const unsigned = out.unsigned;
  if (stored.unsignedJson) {
    const extra = JSON.parse(stored.unsignedJson) as ClientUnsigned;
    if (extra.replaces_state !== undefined) unsigned.replaces_state = extra.replaces_state;
    if (extra.prev_sender !== undefined) unsigned.prev_sender = extra.prev_sender;
    if (extra.prev_content !== undefined) unsigned.prev_content = extra.prev_content;
  }
  if (opts.nowMs !== undefined) unsigned.age = Math.max(0, opts.nowMs - out.origin_server_ts);
  if (opts.transactionId !== undefined) unsigned.transaction_id = opts.transactionId;
  if (redacted && opts.redactedBecause) unsigned.redacted_because = opts.redactedBecause;
  return out;
}
