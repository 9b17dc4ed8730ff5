// Test factory: small rooms of RoomEvents without real hashes or signatures.
// Auth events are chosen as a server would (create, power levels, sender's
// membership, target's membership, join rules for joins/invites) from the state
// of the branch the event is added to, unless given explicitly.

import type { JsonObject, RoomEvent, StateKey } from '../../src/events/types.js';
import { stateKeyOf } from '../../src/events/types.js';

export interface EventSpec {
  id: string;
  sender: string;
  type: string;
  stateKey?: string;
  content?: JsonObject;
  /** Explicit auth event IDs; computed from the branch state when omitted. */
  auth?: string[];
  prev?: string[];
  ts?: number;
  depth?: number;
}

export class TestRoom {
  readonly events = new Map<string, RoomEvent>();
  private clock = 0;
  constructor(
    readonly roomId = '!room:example.org',
    /** v12 rooms: create event not cited in auth_events. */
    private readonly createImplied = false,
  ) {}

  readonly getEvent = (id: string): RoomEvent | undefined => this.events.get(id);

  /** Adds an event built from `spec`, choosing auth events from `state` (not modified). */
  make(state: ReadonlyMap<StateKey, string>, spec: EventSpec): RoomEvent {
    this.clock += 1;
    const content = spec.content ?? {};
    const auth = spec.auth ?? this.authFor(state, spec, content);
    const ev: RoomEvent = {
      eventId: spec.id,
      roomId: this.roomId,
      sender: spec.sender,
      type: spec.type,
      stateKey: spec.stateKey,
      content,
      originServerTs: spec.ts ?? this.clock,
      depth: spec.depth ?? this.clock,
      prevEventIds: spec.prev ?? [],
      authEventIds: auth,
      redacts: undefined,
      pdu: {},
    };
    if (this.events.has(ev.eventId)) throw new Error(`duplicate event ${ev.eventId}`);
    this.events.set(ev.eventId, ev);
    return ev;
  }

  /** Applies `specs` one after another on a copy of `base`; returns the state after them. */
  branch(base: ReadonlyMap<StateKey, string>, specs: EventSpec[]): Map<StateKey, string> {
    const state = new Map(base);
    for (const spec of specs) {
      const ev = this.make(state, spec);
      if (ev.stateKey !== undefined) state.set(stateKeyOf(ev.type, ev.stateKey), ev.eventId);
    }
    return state;
  }

  private authFor(state: ReadonlyMap<StateKey, string>, spec: EventSpec, content: JsonObject): string[] {
    if (spec.type === 'm.room.create') return [];
    const keys: StateKey[] = [];
    if (!this.createImplied) keys.push(stateKeyOf('m.room.create', ''));
    keys.push(stateKeyOf('m.room.power_levels', ''), stateKeyOf('m.room.member', spec.sender));
    if (spec.type === 'm.room.member' && spec.stateKey !== undefined) {
      keys.push(stateKeyOf('m.room.member', spec.stateKey));
      const m = content['membership'];
      if (m === 'join' || m === 'invite' || m === 'knock') keys.push(stateKeyOf('m.room.join_rules', ''));
    }
    const out: string[] = [];
    for (const k of keys) {
      const id = state.get(k);
      if (id !== undefined && !out.includes(id)) out.push(id);
    }
    return out;
  }
}

export const ALICE = '@alice:example.org';
export const BOB = '@bob:example.org';
export const CHARLIE = '@charlie:example.org';
export const ELLA = '@ella:example.org';
export const ZARA = '@zara:example.org';

export const member = (id: string, sender: string, target: string, membership: string, extra: Partial<EventSpec> = {}): EventSpec => ({
  id, sender, type: 'm.room.member', stateKey: target, content: { membership }, ...extra,
});
export const powerLevels = (id: string, sender: string, users: Record<string, number>, extra: Partial<EventSpec> = {}): EventSpec => ({
  id, sender, type: 'm.room.power_levels', stateKey: '', content: { users }, ...extra,
});
export const joinRules = (id: string, sender: string, rule: string, extra: Partial<EventSpec> = {}): EventSpec => ({
  id, sender, type: 'm.room.join_rules', stateKey: '', content: { join_rule: rule }, ...extra,
});
export const topic = (id: string, sender: string, text: string, extra: Partial<EventSpec> = {}): EventSpec => ({
  id, sender, type: 'm.room.topic', stateKey: '', content: { topic: text }, ...extra,
});

/**
 * The classic initial room (as in the Synapse/Ruma state-res tests): Alice
 * creates a public room with herself at 100, then Bob and Charlie join.
 * v1–v10 create events name a `creator`; v11+ imply it from the sender.
 */
export function initialRoom(room: TestRoom, opts: { creatorField?: boolean } = {}): Map<StateKey, string> {
  const createContent: JsonObject = opts.creatorField === false ? {} : { creator: ALICE };
  return room.branch(new Map(), [
    { id: '$CREATE', sender: ALICE, type: 'm.room.create', stateKey: '', content: createContent },
    member('$IMA', ALICE, ALICE, 'join'),
    powerLevels('$IPOWER', ALICE, { [ALICE]: 100 }),
    joinRules('$IJR', ALICE, 'public'),
    member('$IMB', BOB, BOB, 'join'),
    member('$IMC', CHARLIE, CHARLIE, 'join'),
  ]);
}

/** Readable view of a resolved state: "type|state_key" → event ID, sorted. */
export function show(state: ReadonlyMap<StateKey, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of [...state.keys()].sort()) out[k.replace('\u0000', '|')] = state.get(k)!;
  return out;
}
