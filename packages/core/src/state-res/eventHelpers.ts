// Small per-event helpers shared by the state resolution steps.
// Spec: content/rooms/fragments/v2-state-res.md "Power events", "Iterative auth
// checks"; content/rooms/v12.md (create event implied, not in auth_events).

import type { RoomEvent, StateKey } from '../events/types.js';
import { stateKeyOf } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';

export type GetEvent = (eventId: string) => RoomEvent | undefined;

export const CREATE_KEY: StateKey = stateKeyOf('m.room.create', '');
export const POWER_LEVELS_KEY: StateKey = stateKeyOf('m.room.power_levels', '');

/**
 * A power event "might remove someone's ability to do something": power
 * levels, join rules, and kicks/bans (leave or ban sent by someone else).
 * NOTSPEC-adjacent: Synapse and Ruma also count m.room.create; the spec does not,
 * and a create event is never in a conflicted set of a valid room, so we follow
 * the spec text.
 */
export function isPowerEvent(ev: RoomEvent): boolean {
  if (ev.stateKey === undefined) return false;
  if (ev.type === 'm.room.power_levels' || ev.type === 'm.room.join_rules') return ev.stateKey === '';
  if (ev.type === 'm.room.member') {
    const m = ev.content['membership'];
    return (m === 'leave' || m === 'ban') && ev.sender !== ev.stateKey;
  }
  return false;
}

/**
 * The ID of the create event a v12 room ID is derived from (`!x` → `$x`);
 * undefined for earlier versions, whose events cite the create event.
 */
export function impliedCreateEventId(ev: RoomEvent, rules: RoomVersionRules): string | undefined {
  if (!rules.createEventNotInAuthEvents || ev.type === 'm.room.create') return undefined;
  return ev.roomId.startsWith('!') ? `$${ev.roomId.slice(1)}` : undefined;
}

/**
 * The event's own auth events by state key, skipping unknown (rejected) ones.
 * For v12 the implied create event is added.
 */
export function ownAuthEvents(ev: RoomEvent, getEvent: GetEvent, rules: RoomVersionRules): Map<StateKey, RoomEvent> {
  const out = new Map<StateKey, RoomEvent>();
  for (const id of ev.authEventIds) {
    const a = getEvent(id);
    if (a && a.stateKey !== undefined) out.set(stateKeyOf(a.type, a.stateKey), a);
  }
  if (!out.has(CREATE_KEY)) {
    const createId = impliedCreateEventId(ev, rules);
    const create = createId === undefined ? undefined : getEvent(createId);
    if (create) out.set(CREATE_KEY, create);
  }
  return out;
}

/** The m.room.power_levels event among the event's auth_events, if any. */
export function powerLevelsAuthEventOf(ev: RoomEvent, getEvent: GetEvent): RoomEvent | undefined {
  for (const id of ev.authEventIds) {
    const a = getEvent(id);
    if (a && a.type === 'm.room.power_levels' && a.stateKey === '') return a;
  }
  return undefined;
}
