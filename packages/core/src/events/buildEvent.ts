// Building, hashing and signing a new event: the server's hot path.
// Spec: content/server-server-api.md "Adding hashes and signatures to
// outgoing events"; PDU formats per room version (rooms/v1…v12.md).
import { encodeBase64 } from '../crypto/base64.js';
import { signBytes, type SigningKey } from '../crypto/SigningKey.js';
import { sha256 } from '../crypto/sha256.js';
import { CoreError } from '../errors/CoreError.js';
import { canonicalJson } from '../json/canonicalJson.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { toRoomEvent } from './checkPduFormat.js';
import { eventIdFromReferenceHash, redactedSigningJson } from './hashes.js';
import type { JsonObject, JsonValue, Pdu, RoomEvent } from './types.js';

export interface BuildEventInput {
  /** Absent only for a v12 m.room.create (its room ID derives from its event ID). */
  readonly roomId?: string;
  readonly sender: string;
  readonly type: string;
  /** Present for state events. */
  readonly stateKey?: string;
  readonly content: JsonObject;
  readonly prevEventIds: readonly string[];
  readonly authEventIds: readonly string[];
  readonly depth: number;
  /** Milliseconds since the epoch (the core has no clock). */
  readonly originServerTs: number;
  /** Our server name: the signing name (and the domain of v1/v2 event IDs). */
  readonly serverName: string;
  /**
   * Put a top-level `origin` into the event. No room version requires it
   * (pdu_base.yaml does not list it); defaults to false.
   */
  readonly includeOrigin?: boolean;
  /** m.room.redaction target: top-level before v11, content.redacts from v11. */
  readonly redacts?: string;
  readonly unsigned?: JsonObject;
  /** v1/v2 only: caller-chosen random localpart for the `$localpart:serverName` event ID. */
  readonly v1EventIdLocalpart?: string;
  /**
   * v1/v2 only: unpadded base64 reference hash of a referenced event, put in
   * `[id, {"sha256": hash}]`. When absent or returning undefined the hash
   * object is `{}` (NOTSPEC: what Synapse sends; receivers do not check it).
   */
  readonly referenceHashOf?: (eventId: string) => string | undefined;
}

export interface BuiltEvent {
  /** The signed PDU, ready to persist and send. */
  readonly pdu: Pdu;
  readonly eventId: string;
  /** The RoomEvent view (roomId derived for a v12 create). */
  readonly event: RoomEvent;
}

/** v6+ depth cap ("If the room's depth is already at the limit, the depth must be set to the limit"). */
const MAX_DEPTH_STRICT = Number.MAX_SAFE_INTEGER;

/** A new event with hashes and event ID, before its signature (see prepareEvent). */
export interface PreparedEvent extends BuiltEvent {
  /**
   * The bytes the origin's signature covers (canonical JSON of the redacted
   * event without signatures/unsigned); also the reference-hash input.
   */
  readonly signingJson: string;
  /** Canonical JSON of `pdu` as returned (hashed, not signed): what a deferring caller stores. */
  readonly json: string;
}

/**
 * Build and hash a new event and compute its ID, without signing it: the
 * event ID (the reference hash for v3+) never covers signatures, so a caller
 * may sign later, e.g. off its request's critical path (signEd25519 over
 * `signingJson`, then withOriginSignature on the stored JSON). Throws
 * CoreError on bad input.
 */
export function prepareEvent(input: BuildEventInput, rules: RoomVersionRules): PreparedEvent {
  const pdu: Pdu = {};
  let content: JsonObject = input.content;
  if (input.redacts !== undefined && rules.redactsInContent && content.redacts === undefined) {
    content = { ...content, redacts: input.redacts };
  }
  pdu.auth_events = refs(input.authEventIds, rules, input.referenceHashOf);
  pdu.content = content;
  pdu.depth = rules.strictCanonicalJson ? Math.min(input.depth, MAX_DEPTH_STRICT) : input.depth;
  if (rules.eventIdInEvent) {
    if (typeof input.v1EventIdLocalpart !== 'string' || input.v1EventIdLocalpart === '') {
      throw new CoreError('BAD_INPUT', 'v1/v2 events need v1EventIdLocalpart', 'v1EventIdLocalpart');
    }
    pdu.event_id = `$${input.v1EventIdLocalpart}:${input.serverName}`;
  }
  if (input.includeOrigin === true) pdu.origin = input.serverName;
  pdu.origin_server_ts = input.originServerTs;
  pdu.prev_events = refs(input.prevEventIds, rules, input.referenceHashOf);
  if (input.redacts !== undefined && !rules.redactsInContent) pdu.redacts = input.redacts;
  if (input.roomId !== undefined) pdu.room_id = input.roomId;
  else if (!(rules.roomIdFromCreateEvent && input.type === 'm.room.create')) {
    throw new CoreError('BAD_INPUT', 'roomId is required', 'roomId');
  }
  pdu.sender = input.sender;
  if (input.stateKey !== undefined) pdu.state_key = input.stateKey;
  pdu.type = input.type;

  // Content hash over everything but hashes/signatures/unsigned (none present yet).
  const hashInput = canonicalJson(pdu, { strict: rules.strictCanonicalJson });
  const contentHash = encodeBase64(sha256(hashInput));
  pdu.hashes = { sha256: contentHash };
  // The signed bytes (redacted, without signatures/unsigned) are also the
  // reference-hash input, so one canonical encoding serves both.
  const signingJson = redactedSigningJson(pdu, rules);
  if (input.unsigned !== undefined) pdu.unsigned = input.unsigned;
  // The hashed PDU's canonical JSON without encoding the content a second time:
  // `hashes` sorts right before `origin_server_ts`, and every top-level member
  // after that one holds only strings and arrays of references, so the last
  // `,"origin_server_ts":` is the top-level one. (`origin`/`unsigned`: re-encode.)
  const at = hashInput.lastIndexOf(',"origin_server_ts":');
  const json = pdu.origin === undefined && pdu.unsigned === undefined && at > 0
    ? `${hashInput.slice(0, at)},"hashes":{"sha256":"${contentHash}"}${hashInput.slice(at)}`
    : canonicalJson(pdu);

  const eventId = rules.eventIdInEvent
    ? (pdu.event_id as string)
    : eventIdFromReferenceHash(sha256(signingJson), rules);
  return { pdu, eventId, event: toRoomEvent(pdu, rules, eventId), signingJson, json };
}

/**
 * Build, hash and sign a new event. Validates strict canonical JSON (v6+) as
 * a side effect of hashing; throws CoreError on bad input.
 */
export function buildEvent(input: BuildEventInput, key: SigningKey, rules: RoomVersionRules): BuiltEvent {
  const prepared = prepareEvent(input, rules);
  const signature = encodeBase64(signBytes(key, prepared.signingJson));
  const pdu = prepared.pdu;
  // `signatures` sorts before `unsigned`; key order does not matter to canonical JSON anyway.
  pdu.signatures = { [input.serverName]: { [key.keyId]: signature } };
  return { pdu, eventId: prepared.eventId, event: prepared.event };
}

/**
 * The canonical JSON of a PDU with its origin's signature added, given the
 * canonical JSON of the same PDU without `signatures` (and without
 * `unsigned`) — a string splice instead of re-encoding the event. Canonical
 * JSON sorts keys, and the only top-level keys after `sender` are
 * `signatures`, `state_key` and `type` (both strings), so the top-level
 * `"sender"` member is the last `,"sender":"` in the text (a `"` inside a
 * string value is always escaped) and `signatures` goes right after it.
 */
export function withOriginSignature(canonicalPduJson: string, serverName: string, keyId: string, signatureBase64: string): string {
  const at = canonicalPduJson.lastIndexOf(',"sender":"');
  if (at < 0) throw new CoreError('BAD_INPUT', 'not the canonical JSON of a PDU (no top-level sender)');
  let i = at + 11;
  while (i < canonicalPduJson.length && canonicalPduJson[i] !== '"') i += canonicalPduJson[i] === '\\' ? 2 : 1;
  if (i >= canonicalPduJson.length) throw new CoreError('BAD_INPUT', 'not the canonical JSON of a PDU (unterminated sender)');
  const member = `,"signatures":{${JSON.stringify(serverName)}:{${JSON.stringify(keyId)}:${JSON.stringify(signatureBase64)}}}`;
  return canonicalPduJson.slice(0, i + 1) + member + canonicalPduJson.slice(i + 1);
}

function refs(
  ids: readonly string[],
  rules: RoomVersionRules,
  referenceHashOf: ((eventId: string) => string | undefined) | undefined,
): JsonValue[] {
  if (!rules.eventReferencesWithHashes) return [...ids];
  return ids.map((id): JsonValue => {
    const h = referenceHashOf?.(id);
    return [id, h === undefined ? {} : { sha256: h }];
  });
}
