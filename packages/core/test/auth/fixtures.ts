// Test factory for the auth rules: RoomEvent objects built directly (no hashes or
// signatures needed; the rules only read fields), and a small room per version.

import assert from 'node:assert/strict';
import type { JsonObject, RoomEvent } from '../../src/events/types.js';
import { ROOM_VERSIONS, type RoomVersionRules } from '../../src/room-versions/RoomVersionRules.js';
import type { AuthStateLookup, AuthVerdict } from '../../src/auth/index.js';

export const ALICE = '@alice:a.test'; // creator, PL 100 (v12: creator, infinite)
export const BOB = '@bob:a.test'; // joined, PL 50
export const CAROL = '@carol:a.test'; // joined, PL 0
export const DAVE = '@dave:a.test'; // not in the room
export const EVE = '@eve:b.test'; // other server, not in the room

export const ALL_VERSIONS = [...ROOM_VERSIONS.values()];
export const versions = (pred: (n: number) => boolean): RoomVersionRules[] =>
  ALL_VERSIONS.filter((r) => pred(Number(r.id)));

/** Expected rule number by version: the entry of the largest key ≤ the version. */
export function byVersion(rules: RoomVersionRules, table: Record<number, string>): string {
  const n = Number(rules.id);
  const keys = Object.keys(table).map(Number).filter((k) => k <= n).sort((a, b) => b - a);
  assert.ok(keys.length > 0, `no expectation for v${n}`);
  return table[keys[0]!]!;
}

let counter = 0;

export interface EventSpec {
  type: string;
  sender: string;
  stateKey?: string;
  content?: JsonObject;
  prevEventIds?: string[];
  eventId?: string;
  roomId?: string;
  redacts?: string;
  signatures?: Record<string, Record<string, string>>;
  pdu?: JsonObject;
}

export function makeEvent(roomId: string, s: EventSpec): RoomEvent {
  const eventId = s.eventId ?? `$e${++counter}:a.test`;
  const rid = s.roomId ?? roomId;
  return {
    eventId,
    roomId: rid,
    sender: s.sender,
    type: s.type,
    stateKey: s.stateKey,
    content: s.content ?? {},
    originServerTs: counter,
    depth: counter,
    prevEventIds: s.prevEventIds ?? ['$prev:a.test'],
    authEventIds: [],
    redacts: s.redacts,
    pdu: {
      room_id: rid, sender: s.sender, type: s.type,
      ...(s.stateKey === undefined ? {} : { state_key: s.stateKey }),
      content: s.content ?? {},
      signatures: s.signatures ?? { [s.sender.split(':')[1]!]: { 'ed25519:k': 'sig' } },
      ...(s.pdu ?? {}),
    },
  };
}

export interface RoomOptions {
  /** Overrides merged into the power levels content; `null` = no power levels event. */
  pl?: JsonObject | null;
  /** Join rule; `null` = no join rules event. Default public. */
  joinRule?: string | null;
  /** Memberships beyond alice/bob/carol joined (or overriding them). */
  members?: Record<string, string>;
  createContent?: JsonObject;
  extra?: RoomEvent[];
}

export interface TestRoom {
  rules: RoomVersionRules;
  roomId: string;
  create: RoomEvent;
  events: Map<string, RoomEvent>;
  state: AuthStateLookup;
  ev(s: EventSpec): RoomEvent;
  member(sender: string, stateKey: string, membership: string, content?: JsonObject): RoomEvent;
  /** A new room with one more state event. */
  with(...e: RoomEvent[]): TestRoom;
}

export function room(rules: RoomVersionRules, o: RoomOptions = {}): TestRoom {
  const v12 = rules.roomIdFromCreateEvent;
  const createId = v12 ? '$createhash' : '$create:a.test';
  const roomId = v12 ? '!createhash' : '!room:a.test';
  const createContent: JsonObject = {
    room_version: rules.id,
    ...(rules.createEventHasNoCreator ? {} : { creator: ALICE }),
    ...(o.createContent ?? {}),
  };
  const create = makeEvent(roomId, {
    type: 'm.room.create', sender: ALICE, stateKey: '', content: createContent, eventId: createId, prevEventIds: [],
  });
  if (v12) delete create.pdu.room_id;
  const events: RoomEvent[] = [create];
  const memberships: Record<string, string> = { [ALICE]: 'join', [BOB]: 'join', [CAROL]: 'join', ...(o.members ?? {}) };
  for (const [u, m] of Object.entries(memberships)) {
    events.push(makeEvent(roomId, { type: 'm.room.member', sender: u, stateKey: u, content: { membership: m } }));
  }
  if (o.pl !== null) {
    const users: JsonObject = v12 ? { [BOB]: 50 } : { [ALICE]: 100, [BOB]: 50 };
    events.push(makeEvent(roomId, {
      type: 'm.room.power_levels', sender: ALICE, stateKey: '',
      content: {
        users, users_default: 0, events_default: 0, state_default: 50, ban: 50, kick: 50, redact: 50, invite: 0,
        events: {}, ...(o.pl ?? {}),
      },
    }));
  }
  if (o.joinRule !== null) {
    events.push(makeEvent(roomId, {
      type: 'm.room.join_rules', sender: ALICE, stateKey: '', content: { join_rule: o.joinRule ?? 'public' },
    }));
  }
  events.push(...(o.extra ?? []));
  return fromEvents(rules, roomId, create, events);
}

function fromEvents(rules: RoomVersionRules, roomId: string, create: RoomEvent, list: RoomEvent[]): TestRoom {
  const byKey = new Map<string, RoomEvent>();
  for (const e of list) if (e.stateKey !== undefined) byKey.set(`${e.type}\u0000${e.stateKey}`, e);
  const r: TestRoom = {
    rules, roomId, create,
    events: byKey,
    state: (t, k) => byKey.get(`${t}\u0000${k}`),
    ev: (s) => makeEvent(roomId, s),
    member: (sender, stateKey, membership, content = {}) =>
      makeEvent(roomId, { type: 'm.room.member', sender, stateKey, content: { membership, ...content } }),
    with: (...e) => fromEvents(rules, roomId, create, [...byKey.values(), ...e]),
  };
  return r;
}

export function assertDenied(v: AuthVerdict, rule: string, name?: string): void {
  assert.equal(v.allowed, false, `expected rejection by rule ${rule}${name ? ` (${name})` : ''}, got allowed`);
  if (!v.allowed) {
    assert.equal(v.rule, rule, `wrong rule: ${v.name}: ${v.reason}`);
    if (name !== undefined) assert.equal(v.name, name);
  }
}

export function assertAllowed(v: AuthVerdict): void {
  assert.ok(v.allowed, v.allowed ? '' : `expected allowed, got rule ${v.rule} (${v.name}): ${v.reason}`);
}
