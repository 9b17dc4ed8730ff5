// Content hash, reference hash, event IDs and v12 room IDs.
// Spec: content/server-server-api.md "Calculating the content hash for an
// event", "Calculating the reference hash for an event";
// rooms/fragments/v1-event-ids.md, rooms/v3.md "Event IDs", v4-event-ids.md;
// appendices.md "Room IDs" (v12: the create event's ID with `!`).
import { CoreError } from '../errors/CoreError.js';
import { canonicalJson, type CanonicalJsonOptions } from '../json/canonicalJson.js';
import { encodeBase64, encodeBase64Url, tryDecodeBase64 } from '../crypto/base64.js';
import { sha256 } from '../crypto/sha256.js';
import { ROOM_VERSIONS, type RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { redact } from './redact.js';
import type { Pdu } from './types.js';

/** SHA-256 of the canonical JSON of the event without `unsigned`, `signatures`, `hashes`. */
export function computeContentHash(pdu: Pdu, opts?: CanonicalJsonOptions): Uint8Array {
  const { unsigned: _u, signatures: _s, hashes: _h, ...rest } = pdu;
  return sha256(canonicalJson(rest, opts));
}

/** Unpadded base64 of the content hash (the value of `hashes.sha256`). */
export function computeContentHashBase64(pdu: Pdu, opts?: CanonicalJsonOptions): string {
  return encodeBase64(computeContentHash(pdu, opts));
}

/**
 * Whether `hashes.sha256` matches the event's content hash. Never throws.
 * On false the spec says: use the redacted event instead of the received one.
 */
export function checkContentHash(pdu: Pdu): boolean {
  try {
    const hashes = pdu.hashes as unknown;
    if (typeof hashes !== 'object' || hashes === null) return false;
    const expected = tryDecodeBase64((hashes as Record<string, unknown>).sha256);
    if (expected === undefined || expected.length !== 32) return false;
    const actual = computeContentHash(pdu);
    for (let i = 0; i < 32; i++) if (actual[i] !== expected[i]) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * The canonical JSON the reference hash and the event signatures cover:
 * the redacted event without `signatures` and `unsigned`.
 */
export function redactedSigningJson(pdu: Pdu, rules: RoomVersionRules): string {
  const { signatures: _s, unsigned: _u, ...rest } = redact(pdu, rules);
  return canonicalJson(rest);
}

/** SHA-256 over the redacted event without `signatures`/`unsigned`. */
export function computeReferenceHash(pdu: Pdu, rules: RoomVersionRules): Uint8Array {
  return sha256(redactedSigningJson(pdu, rules));
}

/** Event ID from a reference hash for hash-ID room versions (v3: base64, v4+: URL-safe). */
export function eventIdFromReferenceHash(hash: Uint8Array, rules: RoomVersionRules): string {
  return '$' + (rules.eventIdFormat === 'v3' ? encodeBase64(hash) : encodeBase64Url(hash));
}

/**
 * The event's ID: for v1/v2 the `event_id` field (chosen by the origin
 * server); for v3+ `$` + base64 of the reference hash.
 */
export function computeEventId(pdu: Pdu, rules: RoomVersionRules): string {
  if (rules.eventIdFormat === 'v1') {
    if (typeof pdu.event_id !== 'string') throw new CoreError('MISSING_FIELD', 'v1/v2 events carry their event_id', 'event_id');
    return pdu.event_id;
  }
  return eventIdFromReferenceHash(computeReferenceHash(pdu, rules), rules);
}

/**
 * v12: the room ID is the create event's event ID with `!` instead of `$`
 * (URL-safe base64 reference hash). `rules` defaults to room version 12.
 */
export function roomIdFromCreateEvent(pdu: Pdu, rules: RoomVersionRules = ROOM_VERSIONS.get('12')!): string {
  return '!' + encodeBase64Url(computeReferenceHash(pdu, rules));
}
