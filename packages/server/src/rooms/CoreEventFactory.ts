// EventFactory over @weft/core: builds, hashes and signs with the server's key,
// maps the core's typed errors to Matrix errors at this edge.
// Spec: client-server-api "Size limits" (65,536 bytes of canonical JSON for the
// whole event; 255 bytes for type and state_key) → 413 M_TOO_LARGE.
import { randomBytes } from 'node:crypto';
import {
  authEventKeys, prepareEvent, signBytes, withOriginSignature, checkEventAuth, computeReferenceHash, CoreError, encodeBase64, MatrixError,
  redact, roomIdFromCreateEvent, toRoomEvent, type BuildEventInput, type Pdu, type RoomEvent, type RoomVersionRules, type SigningKey,
} from '@weft/core';
import type { BuiltEvent, EventFactory, LocalEventInput } from './EventFactory.js';
import type { CachedEvent } from './RoomState.js';

const MAX_EVENT_BYTES = 65_536;
const MAX_FIELD_BYTES = 255;

export class CoreEventFactory implements EventFactory {
  constructor(private readonly serverName: string, private readonly key: SigningKey) {}

  build(rules: RoomVersionRules, input: LocalEventInput): BuiltEvent {
    // NUL cannot be stored in a PostgreSQL text column: refuse it here rather
    // than fail the whole group-committed batch the event would join.
    if (input.type.includes('\u0000') || input.stateKey?.includes('\u0000')) {
      throw new MatrixError(400, 'M_INVALID_PARAM', 'Event type and state key must not contain NUL');
    }
    if (Buffer.byteLength(input.type, 'utf8') > MAX_FIELD_BYTES) throw new MatrixError(413, 'M_TOO_LARGE', 'Event type is longer than 255 bytes');
    if (input.stateKey !== undefined && Buffer.byteLength(input.stateKey, 'utf8') > MAX_FIELD_BYTES) {
      throw new MatrixError(413, 'M_TOO_LARGE', 'State key is longer than 255 bytes');
    }
    // Plain assignments rather than conditional object spreads: spreads are
    // runtime calls in V8 and this runs once per sent event.
    const buildInput: Mutable<BuildEventInput> = {
      sender: input.sender,
      type: input.type,
      content: input.content,
      prevEventIds: input.prevEvents.map(eventIdOf),
      authEventIds: input.authEvents.map(eventIdOf),
      depth: input.depth,
      originServerTs: input.originServerTs,
      serverName: this.serverName,
    };
    if (input.roomId !== undefined) buildInput.roomId = input.roomId;
    if (input.stateKey !== undefined) buildInput.stateKey = input.stateKey;
    if (input.redacts !== undefined) buildInput.redacts = input.redacts;
    if (rules.eventIdInEvent) buildInput.v1EventIdLocalpart = randomLocalpart();
    if (rules.eventReferencesWithHashes) {
      const refs = new Map<string, CachedEvent>();
      for (const c of input.prevEvents) refs.set(c.event.eventId, c);
      for (const c of input.authEvents) refs.set(c.event.eventId, c);
      buildInput.referenceHashOf = (id: string) => {
        const c = refs.get(id);
        if (!c) return undefined;
        c.refHash ??= encodeBase64(computeReferenceHash(c.event.pdu, rules));
        return c.refHash;
      };
    }
    try {
      const prepared = prepareEvent(buildInput, rules);
      // The size limit counts the whole event, signature included.
      if (Buffer.byteLength(prepared.json, 'utf8') + this.signatureBytes > MAX_EVENT_BYTES) {
        throw new MatrixError(413, 'M_TOO_LARGE', `Event is larger than ${MAX_EVENT_BYTES} bytes`);
      }
      const out: BuiltEvent = { eventId: prepared.eventId, pdu: prepared.pdu, json: prepared.json, event: prepared.event };
      // Deferred: the persister signs later (see EventSigner.ts).
      if (input.deferSignature === true) {
        out.signingJson = prepared.signingJson;
        return out;
      }
      const signature = encodeBase64(signBytes(this.key, prepared.signingJson));
      prepared.pdu.signatures = { [this.serverName]: { [this.key.keyId]: signature } };
      out.json = withOriginSignature(prepared.json, this.serverName, this.key.keyId, signature);
      return out;
    } catch (err) {
      throw toMatrixError(err);
    }
  }

  /** Length of `,"signatures":{"<server>":{"<key id>":"<86 chars>"}}` in the stored JSON. */
  private get signatureBytes(): number {
    return `,"signatures":{${JSON.stringify(this.serverName)}:{${JSON.stringify(this.key.keyId)}:""}}`.length + 86;
  }

  authKeys(rules: RoomVersionRules, input: { type: string; sender: string; stateKey?: string; content: Record<string, unknown> }): [string, string][] {
    return authEventKeys(input.type, input.stateKey, input.sender, input.content as never, rules);
  }

  checkAuth(rules: RoomVersionRules, event: RoomEvent, lookup: (type: string, stateKey: string) => RoomEvent | undefined): { allowed: boolean; reason?: string } {
    let v;
    try {
      v = checkEventAuth(event, lookup, rules);
    } catch (err) {
      throw toMatrixError(err);
    }
    return v.allowed ? { allowed: true } : { allowed: false, reason: v.reason };
  }

  parseStored(rules: RoomVersionRules, eventId: string, json: string, redacted = false): RoomEvent {
    let pdu = JSON.parse(json) as Pdu;
    if (redacted) pdu = redact(pdu, rules);
    return toRoomEvent(pdu, rules, eventId);
  }

  redacted(rules: RoomVersionRules, event: RoomEvent): RoomEvent {
    return toRoomEvent(redact(event.pdu, rules), rules, event.eventId);
  }

  referenceHash(rules: RoomVersionRules, pdu: Pdu): string {
    return encodeBase64(computeReferenceHash(pdu, rules));
  }

  roomIdFromCreateEvent(rules: RoomVersionRules, createPdu: Pdu): string {
    return roomIdFromCreateEvent(createPdu, rules);
  }
}

/** The core's typed input errors become client errors; anything else is rethrown. */
export function toMatrixError(err: unknown): unknown {
  if (!(err instanceof CoreError)) return err;
  switch (err.code) {
    case 'TOO_LARGE':
      return new MatrixError(413, 'M_TOO_LARGE', err.message);
    case 'NOT_CANONICAL':
    case 'BAD_JSON':
    case 'MISSING_FIELD':
      return new MatrixError(400, 'M_BAD_JSON', err.message);
    case 'INVALID_ID':
      return new MatrixError(400, 'M_INVALID_PARAM', err.message);
    default:
      return err;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const eventIdOf = (c: CachedEvent): string => c.event.eventId;

function randomLocalpart(): string {
  return randomBytes(12).toString('base64url');
}
