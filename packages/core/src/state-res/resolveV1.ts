// State resolution for room version 1.
// Spec: content/rooms/v1.md "State resolution".

import { createHash } from 'node:crypto';
import type { RoomEvent, StateKey } from '../events/types.js';
import { splitStateKey } from '../events/types.js';
import type { RoomVersionRules } from '../room-versions/RoomVersionRules.js';
import { checkEventAuth } from '../auth/index.js';
import type { StateResInput } from './StateResInput.js';
import { separate } from './separate.js';
import type { GetEvent } from './eventHelpers.js';

const sha1Hex = (s: string): string => createHash('sha1').update(s, 'utf8').digest('hex');

/** v1 order: ascending depth, then descending sha1(event_id). */
export function sortByDepthThenSha1Desc(events: readonly RoomEvent[]): RoomEvent[] {
  const keyed = events.map((ev) => ({ ev, h: sha1Hex(ev.eventId) }));
  keyed.sort((a, b) => a.ev.depth - b.ev.depth || (a.h < b.h ? 1 : a.h > b.h ? -1 : 0));
  return keyed.map((k) => k.ev);
}

function allowedIn(rules: RoomVersionRules, ev: RoomEvent, r: ReadonlyMap<StateKey, RoomEvent>): boolean {
  return checkEventAuth(ev, (t, sk) => r.get(`${t}\u0000${sk}`), rules).allowed;
}

/**
 * Auth-event conflicts (power levels, join rules, members): add the earliest
 * event (ascending depth, descending sha1), then each next one while it is
 * allowed in R updated with the previous one; stop at the first refusal.
 */
function resolveAuthConflict(rules: RoomVersionRules, events: RoomEvent[], r: ReadonlyMap<StateKey, RoomEvent>): RoomEvent {
  const ordered = sortByDepthThenSha1Desc(events);
  const local = new Map(r);
  let chosen = ordered[0]!;
  for (let i = 1; i < ordered.length; i++) {
    local.set(`${chosen.type}\u0000${chosen.stateKey}`, chosen);
    const ev = ordered[i]!;
    if (!allowedIn(rules, ev, local)) break;
    chosen = ev;
  }
  return chosen;
}

/**
 * Other conflicts: the event with the highest depth and lowest sha1(event_id)
 * that passes authentication in R.
 * NOTSPEC: when none passes, the spec is silent; like Synapse we keep the last
 * candidate in that order (the lowest depth) so the key is not dropped.
 */
function resolveNormalConflict(rules: RoomVersionRules, events: RoomEvent[], r: ReadonlyMap<StateKey, RoomEvent>): RoomEvent {
  const ordered = sortByDepthThenSha1Desc(events).reverse();
  for (const ev of ordered) if (allowedIn(rules, ev, r)) return ev;
  return ordered[ordered.length - 1]!;
}

export function resolveV1(rules: RoomVersionRules, input: StateResInput): Map<StateKey, string> {
  const getEvent: GetEvent = input.getEvent;
  const { unconflicted, conflicted } = separate(input.stateSets, false);
  const result = new Map(unconflicted);
  if (conflicted.size === 0) return result;

  // Conflicts between known events; a key with one known candidate is taken as is.
  const byKey = new Map<StateKey, RoomEvent[]>();
  for (const [key, ids] of conflicted) {
    const evs: RoomEvent[] = [];
    for (const id of ids) {
      const ev = getEvent(id);
      if (ev) evs.push(ev);
    }
    if (evs.length === 1) result.set(key, evs[0]!.eventId);
    else if (evs.length > 1) byKey.set(key, evs);
  }

  // R as events, for the auth checks.
  const r = new Map<StateKey, RoomEvent>();
  for (const [key, id] of result) {
    const ev = getEvent(id);
    if (ev) r.set(key, ev);
  }

  // Passes in order: power levels, join rules, members, then everything else.
  // Each pass resolves its keys against R as it stood when the pass began, then
  // updates R (as Synapse does), so the order of keys within a pass is irrelevant.
  const passes: Array<(type: string) => boolean> = [
    (t) => t === 'm.room.power_levels',
    (t) => t === 'm.room.join_rules',
    (t) => t === 'm.room.member',
  ];
  const done = new Set<StateKey>();
  for (const inPass of passes) {
    const picked: Array<[StateKey, RoomEvent]> = [];
    for (const [key, evs] of byKey) {
      if (!inPass(splitStateKey(key)[0])) continue;
      picked.push([key, resolveAuthConflict(rules, evs, r)]);
      done.add(key);
    }
    for (const [key, ev] of picked) r.set(key, ev);
  }
  const picked: Array<[StateKey, RoomEvent]> = [];
  for (const [key, evs] of byKey) {
    if (done.has(key)) continue;
    picked.push([key, resolveNormalConflict(rules, evs, r)]);
  }
  for (const [key, ev] of picked) r.set(key, ev);

  for (const key of byKey.keys()) result.set(key, r.get(key)!.eventId);
  return result;
}
