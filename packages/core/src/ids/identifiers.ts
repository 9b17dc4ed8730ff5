// User IDs, room IDs, event IDs and room aliases.
// Spec: content/appendices.md "Common Identifier Format", "User Identifiers",
// "Historical User IDs", "Room IDs", "Room Aliases", "Event IDs";
// content/rooms/fragments/v1-event-ids.md, v4-event-ids.md; rooms/v3.md.
import { CoreError } from '../errors/CoreError.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { isValidServerName, type ServerName } from './domain.js';

export type UserId = string & { readonly __brand: 'UserId' };
export type RoomId = string & { readonly __brand: 'RoomId' };
export type EventId = string & { readonly __brand: 'EventId' };
export type RoomAlias = string & { readonly __brand: 'RoomAlias' };

/** Identifiers (with sigil and domain) MUST NOT exceed 255 bytes. */
export const MAX_ID_BYTES = 255;

const STRICT_LOCALPART_RE = /^[a-z0-9._=\-/+]+$/;
/** Historical/opaque localparts: any non-surrogate code point except `:` and NUL (may be empty for user IDs). */
const LAX_LOCALPART_RE = /^[^:\u0000\uD800-\uDFFF]*$/;
const HASH_BODY_STD_RE = /^[A-Za-z0-9+/]{43}$/;
const HASH_BODY_URL_RE = /^[A-Za-z0-9_-]{43}$/;

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');
const fail = (kind: string, s: unknown, why: string, field?: string): never => {
  throw new CoreError('INVALID_ID', `invalid ${kind} ${JSON.stringify(String(s)).slice(0, 300)}: ${why}`, field);
};

/**
 * The localpart grammar for new user IDs (spec v1.8+): `a-z 0-9 . _ = - / +`,
 * non-empty. Use it when registering users; accept historical IDs over federation.
 */
export function isValidLocalpart(localpart: string): boolean {
  return typeof localpart === 'string' && STRICT_LOCALPART_RE.test(localpart);
}

/** `sigil localpart ":" server_name` → [localpart, server]; the server is after the FIRST colon. */
function splitSigilled(s: string): [string, string] | undefined {
  const colon = s.indexOf(':');
  if (colon < 0) return undefined;
  return [s.slice(1, colon), s.slice(colon + 1)];
}

export interface ParseUserIdOptions {
  /** Require the current localpart grammar (true) or accept historical user IDs (false, default). */
  readonly strict?: boolean;
}

/**
 * Parse a user ID. By default accepts historical localparts (any non-surrogate
 * code point but `:` and NUL, even empty), as servers MUST over federation.
 */
export function parseUserId(s: unknown, opts?: ParseUserIdOptions, field?: string): UserId {
  if (typeof s !== 'string') return fail('user ID', s, 'not a string', field);
  if (s[0] !== '@') return fail('user ID', s, 'must start with @', field);
  if (byteLength(s) > MAX_ID_BYTES) throw new CoreError('TOO_LARGE', 'user ID longer than 255 bytes', field);
  const parts = splitSigilled(s);
  if (parts === undefined) return fail('user ID', s, 'missing :server', field);
  const [local, server] = parts;
  if (opts?.strict === true ? !STRICT_LOCALPART_RE.test(local) : !LAX_LOCALPART_RE.test(local)) {
    return fail('user ID', s, 'bad localpart', field);
  }
  if (!isValidServerName(server)) return fail('user ID', s, 'bad server name', field);
  return s as UserId;
}

export function isValidUserId(s: unknown, opts?: ParseUserIdOptions): s is UserId {
  try { parseUserId(s, opts); return true; } catch { return false; }
}

/**
 * Parse a room ID. With `rules`, the form that room version uses is required:
 * `!opaque:server` before v12, `!` + 43 URL-safe base64 characters (the create
 * event's reference hash) in v12. Without rules either form is accepted.
 */
export function parseRoomId(s: unknown, rules?: RoomVersionRules, field?: string): RoomId {
  if (typeof s !== 'string') return fail('room ID', s, 'not a string', field);
  if (s[0] !== '!') return fail('room ID', s, 'must start with !', field);
  if (byteLength(s) > MAX_ID_BYTES) throw new CoreError('TOO_LARGE', 'room ID longer than 255 bytes', field);
  const hashForm = HASH_BODY_URL_RE.test(s.slice(1));
  if (rules?.roomIdFromCreateEvent === true) {
    if (!hashForm) return fail('room ID', s, 'this room version uses !<reference hash> room IDs', field);
    return s as RoomId;
  }
  if (rules === undefined && hashForm) return s as RoomId;
  const parts = splitSigilled(s);
  if (parts === undefined) return fail('room ID', s, 'missing :server', field);
  if (parts[0] === '' || !LAX_LOCALPART_RE.test(parts[0])) return fail('room ID', s, 'bad localpart', field);
  if (!isValidServerName(parts[1])) return fail('room ID', s, 'bad server name', field);
  return s as RoomId;
}

export function isValidRoomId(s: unknown, rules?: RoomVersionRules): s is RoomId {
  try { parseRoomId(s, rules); return true; } catch { return false; }
}

/**
 * Parse an event ID. With `rules`, the room version's format is required:
 * `$opaque:server` (v1, v2), `$` + 43 standard base64 characters (v3), `$` +
 * 43 URL-safe base64 characters (v4+). Without rules any `$…` of at most 255
 * bytes is accepted.
 */
export function parseEventId(s: unknown, rules?: RoomVersionRules, field?: string): EventId {
  if (typeof s !== 'string') return fail('event ID', s, 'not a string', field);
  if (s[0] !== '$' || s.length < 2) return fail('event ID', s, 'must be $ followed by an ID', field);
  if (byteLength(s) > MAX_ID_BYTES) throw new CoreError('TOO_LARGE', 'event ID longer than 255 bytes', field);
  switch (rules?.eventIdFormat) {
    case undefined:
      if (s.includes('\u0000')) return fail('event ID', s, 'contains NUL', field);
      return s as EventId;
    case 'v1': {
      const parts = splitSigilled(s);
      if (parts === undefined) return fail('event ID', s, 'missing :server', field);
      if (parts[0] === '' || !LAX_LOCALPART_RE.test(parts[0])) return fail('event ID', s, 'bad localpart', field);
      if (!isValidServerName(parts[1])) return fail('event ID', s, 'bad server name', field);
      return s as EventId;
    }
    case 'v3':
      if (!HASH_BODY_STD_RE.test(s.slice(1))) return fail('event ID', s, 'not $<base64 reference hash>', field);
      return s as EventId;
    case 'v4':
      if (!HASH_BODY_URL_RE.test(s.slice(1))) return fail('event ID', s, 'not $<URL-safe base64 reference hash>', field);
      return s as EventId;
  }
}

export function isValidEventId(s: unknown, rules?: RoomVersionRules): s is EventId {
  try { parseEventId(s, rules); return true; } catch { return false; }
}

/** Parse a room alias `#localpart:server` (localpart: any non-surrogate code point but `:` and NUL). */
export function parseRoomAlias(s: unknown, field?: string): RoomAlias {
  if (typeof s !== 'string') return fail('room alias', s, 'not a string', field);
  if (s[0] !== '#') return fail('room alias', s, 'must start with #', field);
  if (byteLength(s) > MAX_ID_BYTES) throw new CoreError('TOO_LARGE', 'room alias longer than 255 bytes', field);
  const parts = splitSigilled(s);
  if (parts === undefined) return fail('room alias', s, 'missing :server', field);
  if (!LAX_LOCALPART_RE.test(parts[0])) return fail('room alias', s, 'bad localpart', field);
  if (!isValidServerName(parts[1])) return fail('room alias', s, 'bad server name', field);
  return s as RoomAlias;
}

/**
 * The server name of a `&localpart:server` identifier (user ID, alias, v1–v11
 * room ID, v1/v2 event ID), or undefined when it has none (v12 room IDs,
 * v3+ event IDs) or it is not a valid server name.
 */
export function serverNameOf(id: string): ServerName | undefined {
  if (typeof id !== 'string') return undefined;
  const colon = id.indexOf(':');
  if (colon < 0) return undefined;
  const server = id.slice(colon + 1);
  return isValidServerName(server) ? server : undefined;
}

/** The localpart of a `&localpart:server` identifier, or undefined. */
export function localpartOf(id: string): string | undefined {
  const colon = typeof id === 'string' ? id.indexOf(':') : -1;
  return colon < 0 ? undefined : id.slice(1, colon);
}
