// The pipeline's narrow view of @weft/core: build + hash + sign a local event,
// select its auth events, check it against the auth rules, parse stored events.
// Kept as an interface so the pipeline reads as the spec's steps and tests can
// see exactly what the core is asked.
import type { JsonObject, Pdu, RoomEvent, RoomVersionRules } from '@weft/core';
import type { CachedEvent } from './RoomState.js';

export interface LocalEventInput {
  /** undefined only for a v12 m.room.create (its room ID is derived from it). */
  roomId: string | undefined;
  sender: string;
  type: string;
  stateKey?: string;
  content: JsonObject;
  /** m.room.redaction target (top-level for v1–v10, content.redacts for v11+; the factory places it). */
  redacts?: string;
  originServerTs: number;
  depth: number;
  prevEvents: readonly CachedEvent[];
  authEvents: readonly CachedEvent[];
  /** Leave the signature for after the commit (BuiltEvent.signingJson); see EventSigner.ts. */
  deferSignature?: boolean;
}

export interface BuiltEvent {
  eventId: string;
  /** The PDU: signed, or (deferred signing) hashed and given its signature later. */
  pdu: Pdu;
  /** Canonical JSON of `pdu` (what is stored). */
  json: string;
  event: RoomEvent;
  /** Deferred signing: the bytes the signature will cover (`json` has no signatures yet). */
  signingJson?: string;
}

export interface EventFactory {
  /** Builds, hashes and signs (or, deferring, prepares for signing) an event; throws MatrixError 413 M_TOO_LARGE / 400 M_BAD_JSON on bad input. */
  build(rules: RoomVersionRules, input: LocalEventInput): BuiltEvent;
  /** The (type, state_key) pairs the auth events of such an event must be taken from. */
  authKeys(rules: RoomVersionRules, input: { type: string; sender: string; stateKey?: string; content: JsonObject }): [string, string][];
  /** Auth rules against `lookup` (current state). */
  checkAuth(rules: RoomVersionRules, event: RoomEvent, lookup: (type: string, stateKey: string) => RoomEvent | undefined): { allowed: boolean; reason?: string };
  /** Parses a stored PDU (canonical JSON) back into an event; `redacted` → as redacted. */
  parseStored(rules: RoomVersionRules, eventId: string, json: string, redacted?: boolean): RoomEvent;
  /** The event as redacted by its room version's algorithm. */
  redacted(rules: RoomVersionRules, event: RoomEvent): RoomEvent;
  /** Reference hash (unpadded base64) — v1/v2 cite events with it. */
  referenceHash(rules: RoomVersionRules, pdu: Pdu): string;
  /** v12: the room ID derived from the (built) create event. */
  roomIdFromCreateEvent(rules: RoomVersionRules, createPdu: Pdu): string;
}
