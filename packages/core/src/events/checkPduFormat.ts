// PDU format checks and the PDU → RoomEvent view.
// Spec: content/server-server-api.md "Checks performed on receipt of a PDU"
// (step 1: a valid event for its room version, otherwise dropped); the PDU
// schemas data/api/server-server/definitions/pdu_v1|v3|v4|v6|v11|v12.yaml;
// size limits from content/client-server-api "Size limits" (whole event
// 65,536 bytes of canonical JSON; state_key, sender, type, room_id, event_id
// 255 bytes); identifier grammar from appendices.md.
import { CoreError } from '../errors/CoreError.js';
import { parseEventId, parseRoomId, parseUserId } from '../ids/identifiers.js';
import { canonicalJson } from '../json/canonicalJson.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { computeEventId } from './hashes.js';
import type { JsonObject, JsonValue, Pdu, RoomEvent } from './types.js';

export const MAX_PDU_BYTES = 65_536;
export const MAX_PDU_FIELD_BYTES = 255;
export const MAX_PREV_EVENTS = 20;
export const MAX_AUTH_EVENTS = 10;
/** depth limit before v6 (2^63 - 1, as a double); v6+ is held to 2^53 - 1 by strict canonical JSON. */
const MAX_DEPTH_V1 = 2 ** 63;

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (field: string, why: string): never => {
  throw new CoreError('BAD_JSON', why, field);
};

function requireString(pdu: JsonObject, field: string, limitBytes: boolean): string {
  const v = pdu[field];
  if (v === undefined) throw new CoreError('MISSING_FIELD', 'required', field);
  if (typeof v !== 'string') return bad(field, 'must be a string');
  if (limitBytes && Buffer.byteLength(v, 'utf8') > MAX_PDU_FIELD_BYTES) {
    throw new CoreError('TOO_LARGE', `longer than ${MAX_PDU_FIELD_BYTES} bytes`, field);
  }
  return v;
}

function requireInteger(pdu: JsonObject, field: string): number {
  const v = pdu[field];
  if (v === undefined) throw new CoreError('MISSING_FIELD', 'required', field);
  if (typeof v !== 'number' || !Number.isInteger(v)) return bad(field, 'must be an integer');
  return v;
}

function checkReferences(pdu: JsonObject, field: string, max: number, rules: RoomVersionRules): string[] {
  const v = pdu[field];
  if (v === undefined) throw new CoreError('MISSING_FIELD', 'required', field);
  if (!Array.isArray(v)) return bad(field, 'must be an array');
  if (v.length > max) return bad(field, `more than ${max} entries`);
  const ids: string[] = [];
  for (let i = 0; i < v.length; i++) {
    const item = v[i];
    const f = `${field}[${i}]`;
    let id: unknown = item;
    if (rules.eventReferencesWithHashes) {
      // v1/v2: [event_id, {sha256: …}]
      if (!Array.isArray(item) || item.length !== 2 || !isObject(item[1])) return bad(f, 'must be [event_id, {hashes}]');
      id = item[0];
    }
    ids.push(parseEventId(id, rules, f));
  }
  return ids;
}

/**
 * Validate untrusted PDU JSON against the event format of `rules`' room
 * version and return its RoomEvent view. Throws CoreError naming the field:
 * MISSING_FIELD, BAD_JSON (wrong type), TOO_LARGE, NOT_CANONICAL (v6+),
 * INVALID_ID. Signatures and hashes are not checked here.
 */
export function checkPduFormat(json: unknown, rules: RoomVersionRules): RoomEvent {
  if (!isObject(json)) throw new CoreError('BAD_JSON', 'a PDU must be a JSON object');
  const pdu = json;
  // Whole event: canonical JSON (strict from v6) of at most 65,536 bytes.
  const canonical = canonicalJson(pdu, { strict: rules.strictCanonicalJson });
  // UTF-8 needs at most 3 bytes per UTF-16 code unit, so short strings skip the count.
  if (canonical.length * 3 > MAX_PDU_BYTES && Buffer.byteLength(canonical, 'utf8') > MAX_PDU_BYTES) {
    throw new CoreError('TOO_LARGE', `event larger than ${MAX_PDU_BYTES} bytes`);
  }

  const type = requireString(pdu, 'type', true);
  const sender = requireString(pdu, 'sender', true);
  parseUserId(sender, undefined, 'sender');
  if (pdu.state_key !== undefined) {
    if (typeof pdu.state_key !== 'string') bad('state_key', 'must be a string');
    if (Buffer.byteLength(pdu.state_key as string, 'utf8') > MAX_PDU_FIELD_BYTES) {
      throw new CoreError('TOO_LARGE', `longer than ${MAX_PDU_FIELD_BYTES} bytes`, 'state_key');
    }
  }
  if (!isObject(pdu.content)) {
    if (pdu.content === undefined) throw new CoreError('MISSING_FIELD', 'required', 'content');
    bad('content', 'must be an object');
  }
  requireInteger(pdu, 'origin_server_ts');
  const depth = requireInteger(pdu, 'depth');
  if (depth < 0 || depth >= MAX_DEPTH_V1) bad('depth', 'out of range');

  if (pdu.hashes === undefined) throw new CoreError('MISSING_FIELD', 'required', 'hashes');
  if (!isObject(pdu.hashes)) bad('hashes', 'must be an object');
  const sha = (pdu.hashes as JsonObject).sha256;
  if (sha !== undefined && typeof sha !== 'string') bad('hashes.sha256', 'must be a string');
  if (pdu.signatures === undefined) throw new CoreError('MISSING_FIELD', 'required', 'signatures');
  if (!isObject(pdu.signatures)) bad('signatures', 'must be an object');
  for (const [server, entry] of Object.entries(pdu.signatures as JsonObject)) {
    if (!isObject(entry)) bad(`signatures.${server}`, 'must be an object');
    for (const [k, s] of Object.entries(entry as JsonObject)) {
      if (typeof s !== 'string') bad(`signatures.${server}.${k}`, 'must be a string');
    }
  }
  if (pdu.unsigned !== undefined && !isObject(pdu.unsigned)) bad('unsigned', 'must be an object');

  // room_id: required, except on v12 create events (whose ID is derived).
  const v12Create = rules.roomIdFromCreateEvent && type === 'm.room.create';
  if (pdu.room_id !== undefined || !v12Create) {
    const roomId = requireString(pdu, 'room_id', true);
    // A v12 create event carrying a room_id is rejected by auth rule 1.2, not dropped here.
    parseRoomId(roomId, v12Create ? undefined : rules, 'room_id');
  }
  if (rules.eventIdInEvent) {
    parseEventId(requireString(pdu, 'event_id', true), rules, 'event_id');
  }
  checkReferences(pdu, 'prev_events', MAX_PREV_EVENTS, rules);
  checkReferences(pdu, 'auth_events', MAX_AUTH_EVENTS, rules);
  if (pdu.redacts !== undefined && !rules.redactsInContent) parseEventId(pdu.redacts, rules, 'redacts');
  return toRoomEvent(pdu as Pdu, rules);
}

const referenceIds = (v: unknown): string[] => {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const item of v) {
    const id = Array.isArray(item) ? (item as JsonValue[])[0] : item;
    if (typeof id === 'string') out.push(id);
  }
  return out;
};

/**
 * The RoomEvent view of a PDU (no validation: use checkPduFormat for
 * untrusted input). v1/v2 `[id, hashes]` references become IDs; `redacts` is
 * read from content (v11+) or the top level (before v11). `eventId` may be
 * passed when already known to skip hashing. For a v12 create event without
 * room_id, roomId is derived from its event ID.
 */
export function toRoomEvent(pdu: Pdu, rules: RoomVersionRules, eventId?: string): RoomEvent {
  const id = eventId ?? computeEventId(pdu, rules);
  const content = isObject(pdu.content) ? pdu.content : {};
  const redactsValue = rules.redactsInContent ? content.redacts : pdu.redacts;
  const roomId =
    typeof pdu.room_id === 'string' ? pdu.room_id : rules.roomIdFromCreateEvent && pdu.type === 'm.room.create' ? '!' + id.slice(1) : '';
  return {
    eventId: id,
    roomId,
    sender: typeof pdu.sender === 'string' ? pdu.sender : '',
    type: typeof pdu.type === 'string' ? pdu.type : '',
    stateKey: typeof pdu.state_key === 'string' ? pdu.state_key : undefined,
    content,
    originServerTs: typeof pdu.origin_server_ts === 'number' ? pdu.origin_server_ts : 0,
    depth: typeof pdu.depth === 'number' ? pdu.depth : 0,
    prevEventIds: referenceIds(pdu.prev_events),
    authEventIds: referenceIds(pdu.auth_events),
    redacts: typeof redactsValue === 'string' ? redactsValue : undefined,
    pdu,
  };
}
