// Event filters: validation of the client's JSON and matching.
// Spec: client-server-api/_index.md "Filtering"; data/api/client-server/filter.yaml,
// definitions/sync_filter.yaml, event_filter.yaml, room_event_filter.yaml.
// Used by /sync and (RoomEventFilter) by /messages and /context.
import { MatrixError } from '@weft/core';

export interface EventFilter {
  limit?: number;
  types?: string[];
  not_types?: string[];
  senders?: string[];
  not_senders?: string[];
}

export interface RoomEventFilter extends EventFilter {
  rooms?: string[];
  not_rooms?: string[];
  contains_url?: boolean;
  lazy_load_members?: boolean;
  include_redundant_members?: boolean;
  unread_thread_notifications?: boolean;
}

export interface RoomFilter {
  rooms?: string[];
  not_rooms?: string[];
  include_leave?: boolean;
  timeline?: RoomEventFilter;
  state?: RoomEventFilter;
  ephemeral?: RoomEventFilter;
  account_data?: RoomEventFilter;
}

export interface SyncFilter {
  event_fields?: string[];
  /** NOTSPEC: accepted but ignored — events are always served in the client format. */
  event_format?: 'client' | 'federation';
  presence?: EventFilter;
  account_data?: EventFilter;
  room?: RoomFilter;
}

/** The timeline limit when the filter sets none (Synapse uses 10 too). */
export const DEFAULT_TIMELINE_LIMIT = 10;
/** event_filter.yaml `limit`: "Servers should apply a default value, and impose a maximum value". */
export const MAX_TIMELINE_LIMIT = 1000;

const bad = (msg: string) => new MatrixError(400, 'M_BAD_JSON', msg);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringList(obj: Record<string, unknown>, key: string, where: string, prefix?: string): void {
  const v = obj[key];
  if (v === undefined) return;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || (prefix !== undefined && !s.startsWith(prefix)))) {
    throw bad(`${where}.${key} must be a list of ${prefix === '@' ? 'user IDs' : prefix === '!' ? 'room IDs' : 'strings'}`);
  }
}

function bool(obj: Record<string, unknown>, key: string, where: string): void {
  if (obj[key] !== undefined && typeof obj[key] !== 'boolean') throw bad(`${where}.${key} must be a boolean`);
}

function validateEventFilter(v: unknown, where: string, room: boolean): void {
  if (v === undefined) return;
  if (!isObject(v)) throw bad(`${where} must be an object`);
  if (v.limit !== undefined && (typeof v.limit !== 'number' || !Number.isInteger(v.limit) || v.limit < 1)) {
    // event_filter.yaml: "must be an integer greater than 0".
    throw bad(`${where}.limit must be an integer greater than 0`);
  }
  stringList(v, 'types', where);
  stringList(v, 'not_types', where);
  stringList(v, 'senders', where, '@');
  stringList(v, 'not_senders', where, '@');
  if (room) {
    stringList(v, 'rooms', where, '!');
    stringList(v, 'not_rooms', where, '!');
    for (const k of ['contains_url', 'lazy_load_members', 'include_redundant_members', 'unread_thread_notifications']) {
      bool(v, k, where);
    }
  }
}

/** Validates a RoomEventFilter (also for /messages' `filter` parameter). Throws 400 M_BAD_JSON. */
export function validateRoomEventFilter(v: unknown, where = 'filter'): RoomEventFilter {
  validateEventFilter(v, where, true);
  return (v ?? {}) as RoomEventFilter;
}

/** Validates a whole Filter (POST /user/{userId}/filter body, inline /sync filter). Throws 400 M_BAD_JSON. */
export function validateSyncFilter(v: unknown): SyncFilter {
  if (!isObject(v)) throw bad('The filter must be a JSON object');
  if (v.event_fields !== undefined) stringList(v, 'event_fields', 'filter');
  if (v.event_format !== undefined && v.event_format !== 'client' && v.event_format !== 'federation') {
    throw bad("filter.event_format must be 'client' or 'federation'");
  }
  validateEventFilter(v.presence, 'filter.presence', false);
  validateEventFilter(v.account_data, 'filter.account_data', false);
  if (v.room !== undefined) {
    const room = v.room;
    if (!isObject(room)) throw bad('filter.room must be an object');
    stringList(room, 'rooms', 'filter.room', '!');
    stringList(room, 'not_rooms', 'filter.room', '!');
    bool(room, 'include_leave', 'filter.room');
    for (const k of ['timeline', 'state', 'ephemeral', 'account_data']) validateEventFilter(room[k], `filter.room.${k}`, true);
  }
  return v as SyncFilter;
}

/**
 * Event type pattern match. "A '*' can be used as a wildcard to match any
 * sequence of characters" (event_filter.yaml).
 */
export function typeMatches(pattern: string, type: string): boolean {
  if (!pattern.includes('*')) return pattern === type;
  const parts = pattern.split('*');
  if (!type.startsWith(parts[0]!)) return false;
  let pos = parts[0]!.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const at = type.indexOf(parts[i]!, pos);
    if (at < 0) return false;
    pos = at + parts[i]!.length;
  }
  const last = parts[parts.length - 1]!;
  return type.length - last.length >= pos && type.endsWith(last);
}

/** The fields of an event a filter looks at. */
export interface FilterableEvent {
  type: string;
  sender?: string;
  room_id?: string;
  content?: unknown;
}

/** True if the event passes the filter ("not_" lists win over the include lists). */
export function eventMatches(filter: RoomEventFilter | EventFilter | undefined, ev: FilterableEvent): boolean {
  if (!filter) return true;
  if (filter.not_types?.some((p) => typeMatches(p, ev.type))) return false;
  if (filter.types && !filter.types.some((p) => typeMatches(p, ev.type))) return false;
  if (ev.sender !== undefined) {
    if (filter.not_senders?.includes(ev.sender)) return false;
    if (filter.senders && !filter.senders.includes(ev.sender)) return false;
  }
  const rf = filter as RoomEventFilter;
  if (ev.room_id !== undefined) {
    if (rf.not_rooms?.includes(ev.room_id)) return false;
    if (rf.rooms && !rf.rooms.includes(ev.room_id)) return false;
  }
  if (rf.contains_url !== undefined) {
    const c = ev.content as Record<string, unknown> | undefined;
    const hasUrl = typeof c === 'object' && c !== null && typeof c.url === 'string';
    if (hasUrl !== rf.contains_url) return false;
  }
  return true;
}

/** Room inclusion for RoomFilter.rooms / not_rooms (not_rooms wins). */
export function roomIncluded(filter: { rooms?: string[]; not_rooms?: string[] } | undefined, roomId: string): boolean {
  if (!filter) return true;
  if (filter.not_rooms?.includes(roomId)) return false;
  if (filter.rooms && !filter.rooms.includes(roomId)) return false;
  return true;
}

/** A filter that excludes everything (limit 0 is not allowed, so `types: []`). */
export function excludesAll(filter: EventFilter | undefined): boolean {
  return filter?.types !== undefined && filter.types.length === 0;
}

/**
 * event_fields: "List of event fields to include ... A literal '.' character in
 * a field name may be escaped using a '\'." Applied to client-format events.
 */
export function applyEventFields(ev: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  if (!fields) return ev;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const path = splitField(field);
    let src: unknown = ev;
    for (const p of path) src = isObject(src) ? src[p] : undefined;
    if (src === undefined) continue;
    let dst = out;
    for (let i = 0; i < path.length - 1; i++) {
      const k = path[i]!;
      if (!isObject(dst[k])) dst[k] = {};
      dst = dst[k] as Record<string, unknown>;
    }
    dst[path[path.length - 1]!] = src;
  }
  return out;
}

function splitField(field: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < field.length; i++) {
    const ch = field[i]!;
    if (ch === '\\' && i + 1 < field.length) cur += field[++i];
    else if (ch === '.') {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}
